using System.Net;
using System.Text;
using Amazon.Runtime;
using BenchmarkDotNet.Attributes;
using Polycloud.Aws.Functions;
using Polycloud.Aws.Signing;
using Polycloud.Functions;

namespace Polycloud.Benchmarks.Functions;

/// <summary>
/// AWS Lambda request/response invoke: a hand-written SigV4-signed call to the Invoke API (raw) against the same call
/// through <see cref="CloudFunction"/> (portable), on the same HttpClient and in-process transport answering with a
/// Lambda-shaped response (200, <c>X-Amz-Executed-Version</c>, <c>x-amzn-RequestId</c>, JSON body).
/// </summary>
[MemoryDiagnoser]
public class LambdaInvokeBenchmarks
{
    private const string Url = "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/resize/invocations";
    private readonly ImmutableCredentials _credentials = new("AKIDBENCHMARK", "benchmark-secret", null);
    private readonly AwsSigV4Signer _signer = new("us-east-1", "lambda");
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
        _payload = new BinaryData(json);
        _http = new HttpClient(new CannedFunctionHandler(HttpStatusCode.OK, json, "application/json", ("X-Amz-Executed-Version", "$LATEST"), ("x-amzn-RequestId", "0b1c2d3e-benchmark")))
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _function = new CloudFunction(new LambdaFunctionDriver(
            "resize",
            new LambdaFunctionOptions { Region = "us-east-1", Credentials = new BasicAWSCredentials(_credentials.AccessKey, _credentials.SecretKey) },
            _http));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _function.Dispose();
        _http.Dispose();
    }

    [Benchmark(Baseline = true, Description = "lambda invoke: raw signed HTTP")]
    public async Task<int> Raw()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new ReadOnlyMemoryContent(_payload.ToMemory()) };
        request.Headers.TryAddWithoutValidation("X-Amz-Invocation-Type", "RequestResponse");
        _signer.Sign(request, AwsSigV4Signer.HashPayload(_payload.ToMemory().Span), _credentials, DateTimeOffset.UtcNow);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK || response.Headers.Contains("X-Amz-Function-Error"))
        {
            throw new InvalidOperationException("unexpected answer");
        }

        byte[] body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return body.Length;
    }

    [Benchmark(Description = "lambda invoke: Polycloud")]
    public async Task<int> Portable()
    {
        var result = await _function.InvokeAsync(_payload).ConfigureAwait(false);
        return result.Payload.Length;
    }
}
