using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Polycloud.Functions;
using Polycloud.Google.Functions;

namespace Polycloud.Benchmarks.Functions;

/// <summary>
/// Google Cloud Functions HTTP invoke: a hand-written POST to the function URL (raw) against the same call through
/// <see cref="CloudFunction"/> (portable), on the same HttpClient and in-process transport answering with a
/// functions-framework-shaped response (200, JSON body). Both sides send no credentials (an ID token is a cached header value
/// on both sides, so it does not change the difference).
/// </summary>
[MemoryDiagnoser]
public class CloudFunctionsInvokeBenchmarks
{
    private static readonly Uri Url = new("https://europe-west1-my-project.cloudfunctions.net/resize");
    private HttpClient _http = null!;
    private CloudFunction _function = null!;
    private BinaryData _payload = null!;

    /// <summary>The request and response payload size in bytes.</summary>
    [Params(1024, 262144)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        byte[] json = Encoding.UTF8.GetBytes("{\"data\":\"" + new string('x', PayloadBytes - 11) + "\"}");
        _payload = new BinaryData(json, "application/json");
        _http = new HttpClient(new CannedFunctionHandler(HttpStatusCode.OK, json, "application/json; charset=utf-8")) { Timeout = Timeout.InfiniteTimeSpan };
        _function = new CloudFunction(new CloudFunctionsDriver(Url, "resize", new CloudFunctionsOptions { Authentication = CloudFunctionsAuthentication.None }, _http));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _function.Dispose();
        _http.Dispose();
    }

    [Benchmark(Baseline = true, Description = "gcf invoke: raw HTTP")]
    public async Task<int> Raw()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new ReadOnlyMemoryContent(_payload.ToMemory()) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException("unexpected answer");
        }

        byte[] body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return body.Length;
    }

    [Benchmark(Description = "gcf invoke: Polycloud")]
    public async Task<int> Portable()
    {
        var result = await _function.InvokeAsync(_payload).ConfigureAwait(false);
        return result.Payload.Length;
    }
}
