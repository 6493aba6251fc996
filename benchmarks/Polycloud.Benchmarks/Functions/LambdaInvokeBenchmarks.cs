using System.Net;
using System.Text;
using Amazon.Runtime;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Polycloud.Benchmarks.Infrastructure;
using Polycloud.Aws.Functions;
using Polycloud.Aws.Signing;
using Polycloud.Functions;

namespace Polycloud.Benchmarks.Functions;

/// <summary>
/// AWS Lambda request/response invoke: a hand-written SigV4-signed call to the Invoke API (raw) against the same call
/// through <see cref="CloudFunction"/> over <see cref="LambdaFunctionDriver"/> (portable), on the same HttpClient.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public abstract class LambdaInvokeBenchmarks
{
    private readonly ImmutableCredentials _credentials = new("AKIDBENCHMARK", "benchmark-secret", null);
    private readonly AwsSigV4Signer _signer = new("us-east-1", "lambda");
    private HttpClient _http = null!;
    private CloudFunction _function = null!;
    private BinaryData _payload = null!;
    private string _url = null!;

    /// <summary>The request and response payload size in bytes.</summary>
    public abstract int PayloadBytes { get; set; }

    /// <summary>The function invoked.</summary>
    protected abstract string FunctionName { get; }

    /// <summary>The Lambda service endpoint.</summary>
    protected abstract Uri Endpoint { get; }

    /// <summary>Creates the HTTP client both sides send with.</summary>
    /// <param name="response">The JSON payload the function answers with (the request payload: an echo).</param>
    protected abstract HttpClient CreateHttpClient(byte[] response);

    [GlobalSetup]
    public void Setup()
    {
        byte[] json = Encoding.UTF8.GetBytes("{\"data\":\"" + new string('x', PayloadBytes - 11) + "\"}");
        _payload = new BinaryData(json);
        _http = CreateHttpClient(json);
        _url = Endpoint.GetLeftPart(UriPartial.Authority) + Endpoint.AbsolutePath.TrimEnd('/') + "/2015-03-31/functions/" + Uri.EscapeDataString(FunctionName) + "/invocations";
        _function = new CloudFunction(new LambdaFunctionDriver(
            FunctionName,
            new LambdaFunctionOptions { Region = "us-east-1", Endpoint = Endpoint, Credentials = new BasicAWSCredentials(_credentials.AccessKey, _credentials.SecretKey) },
            _http));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _function.Dispose();
        _http.Dispose();
    }

    [Benchmark(Baseline = true, Description = "lambda invoke: raw signed HTTP"), BenchmarkCategory("invoke echo")]
    public async Task<int> Raw()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ReadOnlyMemoryContent(_payload.ToMemory()) };
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

    [Benchmark(Description = "lambda invoke: Polycloud"), BenchmarkCategory("invoke echo")]
    public async Task<int> Portable()
    {
        var result = await _function.InvokeAsync(_payload).ConfigureAwait(false);
        return result.Payload.Length;
    }
}

/// <summary>
/// The Lambda pair over the in-process transport: a <see cref="CannedFunctionHandler"/> answering with a Lambda-shaped
/// response (200, <c>X-Amz-Executed-Version</c>, <c>x-amzn-RequestId</c>, JSON body).
/// </summary>
[OverheadSuite("Lambda", BenchTransport.InProcess)]
public class LambdaInvokeInProcessBenchmarks : LambdaInvokeBenchmarks
{
    /// <inheritdoc/>
    [Params(1024, 262144)]
    public override int PayloadBytes { get; set; }

    /// <inheritdoc/>
    protected override string FunctionName => "resize";

    /// <inheritdoc/>
    protected override Uri Endpoint { get; } = new("https://lambda.us-east-1.amazonaws.com/");

    /// <inheritdoc/>
    protected override HttpClient CreateHttpClient(byte[] response)
        => new(new CannedFunctionHandler(HttpStatusCode.OK, response, "application/json", ("X-Amz-Executed-Version", "$LATEST"), ("x-amzn-RequestId", "0b1c2d3e-benchmark")))
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
}

/// <summary>
/// The Lambda pair against serverless-offline over loopback (<c>POLYCLOUD_TEST_LAMBDA</c>, default
/// http://127.0.0.1:3002), invoking <c>polycloud-dev-echo</c> (eng/emulators/lambda: <c>echo</c> returns its event), on
/// an <see cref="HttpClient"/> over a <see cref="SocketsHttpHandler"/> set up as the driver's own shared one.
/// serverless-offline does not check the signature; both sides still compute it, as against the real service.
/// </summary>
[OverheadSuite("Lambda", BenchTransport.Emulator)]
public class LambdaInvokeLoopbackBenchmarks : LambdaInvokeBenchmarks
{
    /// <inheritdoc/>
    [Params(1024)]
    public override int PayloadBytes { get; set; }

    /// <inheritdoc/>
    protected override string FunctionName => "polycloud-dev-echo";

    /// <inheritdoc/>
    protected override Uri Endpoint { get; } = new(Environment.GetEnvironmentVariable("POLYCLOUD_TEST_LAMBDA") is { Length: > 0 } e ? e : "http://127.0.0.1:3002");

    /// <inheritdoc/>
    protected override HttpClient CreateHttpClient(byte[] response)
        => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = DecompressionMethods.None })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
}
