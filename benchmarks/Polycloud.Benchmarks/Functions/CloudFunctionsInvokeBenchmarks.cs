using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Http;
using Polycloud.Benchmarks.Infrastructure;
using Polycloud.Functions;
using Polycloud.Google.Functions;

namespace Polycloud.Benchmarks.Functions;

/// <summary>
/// Google Cloud Functions HTTP invoke as deployed functions require it: with an ID token for the function URL
/// (the driver's default). Raw: the hand-written call — the ID token from Google.Apis.Auth's <see cref="OidcToken"/>
/// (cached, refreshed before it expires), a <c>Bearer</c> Authorization header, POST to the function URL. Portable: the
/// same through <see cref="CloudFunction"/>. Both use the same service-account credential (its token endpoint is answered
/// once by the in-process transport, then the token is cached for an hour, as in production), the same HttpClient and an
/// in-process transport answering with a functions-framework-shaped response (200, JSON body).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[OverheadSuite("Cloud Functions", BenchTransport.InProcess)]
public class CloudFunctionsInvokeBenchmarks
{
    private static readonly Uri Url = new("https://europe-west1-my-project.cloudfunctions.net/resize");
    private HttpClient _http = null!;
    private CloudFunction _function = null!;
    private OidcToken _token = null!;
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
        var credential = BenchmarkCredential.Create();
        _token = credential.GetOidcTokenAsync(OidcTokenOptions.FromTargetAudience(Url.AbsoluteUri)).GetAwaiter().GetResult();
        _function = new CloudFunction(new CloudFunctionsDriver(Url, "resize", new CloudFunctionsOptions { Credential = credential }, _http));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _function.Dispose();
        _http.Dispose();
    }

    [Benchmark(Baseline = true, Description = "gcf invoke: raw HTTP with ID token"), BenchmarkCategory("invoke echo")]
    public async Task<int> Raw()
    {
        string token = await _token.GetAccessTokenAsync().ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Post, Url) { Content = new ReadOnlyMemoryContent(_payload.ToMemory()) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException("unexpected answer");
        }

        byte[] body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return body.Length;
    }

    [Benchmark(Description = "gcf invoke: Polycloud"), BenchmarkCategory("invoke echo")]
    public async Task<int> Portable()
    {
        var result = await _function.InvokeAsync(_payload).ConfigureAwait(false);
        return result.Payload.Length;
    }
}

/// <summary>
/// The same invoke without credentials (<c>anonymous=true</c>: functions that allow unauthenticated calls), where the raw side
/// is a bare HttpClient POST of the payload to the function URL with its <c>Content-Type</c>, and the portable side is
/// <see cref="CloudFunction.InvokeAsync(BinaryData, FunctionInvokeOptions?, CancellationToken)"/> over
/// <see cref="CloudFunctionsDriver"/> with <see cref="CloudFunctionsAuthentication.None"/>, on the same HttpClient.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public abstract class CloudFunctionsUnauthenticatedInvokeBenchmarks
{
    private HttpClient _http = null!;
    private CloudFunction _function = null!;
    private BinaryData _payload = null!;
    private Uri _url = null!;

    /// <summary>The request and response payload size in bytes.</summary>
    public abstract int PayloadBytes { get; set; }

    /// <summary>The function URL.</summary>
    protected abstract Uri Url { get; }

    /// <summary>The function name (telemetry).</summary>
    protected abstract string FunctionName { get; }

    /// <summary>Creates the HTTP client both sides send with.</summary>
    /// <param name="response">The JSON payload the function answers with (the request payload: an echo).</param>
    protected abstract HttpClient CreateHttpClient(byte[] response);

    [GlobalSetup]
    public void Setup()
    {
        byte[] json = Encoding.UTF8.GetBytes("{\"data\":\"" + new string('x', PayloadBytes - 11) + "\"}");
        _payload = new BinaryData(json, "application/json");
        _http = CreateHttpClient(json);
        _url = Url;
        _function = new CloudFunction(new CloudFunctionsDriver(_url, FunctionName, new CloudFunctionsOptions { Authentication = CloudFunctionsAuthentication.None }, _http));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _function.Dispose();
        _http.Dispose();
    }

    [Benchmark(Baseline = true, Description = "gcf invoke (no credentials): raw HTTP"), BenchmarkCategory("invoke echo")]
    public async Task<int> Raw()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ReadOnlyMemoryContent(_payload.ToMemory()) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException("unexpected answer");
        }

        byte[] body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return body.Length;
    }

    [Benchmark(Description = "gcf invoke (no credentials): Polycloud"), BenchmarkCategory("invoke echo")]
    public async Task<int> Portable()
    {
        var result = await _function.InvokeAsync(_payload).ConfigureAwait(false);
        return result.Payload.Length;
    }
}

/// <summary>
/// The unauthenticated pair over the in-process transport: the cheapest baseline in the suite, so the portable layer's
/// fixed cost per call (its result object, task and telemetry checks, about 50 ns) shows most. Reported, not gated: the
/// gated pair is the authenticated call (<see cref="CloudFunctionsInvokeBenchmarks"/>), the way deployed functions are
/// invoked by default.
/// </summary>
[OverheadSuite("Cloud Functions, no credentials", BenchTransport.InProcess, Gated = false)]
public class CloudFunctionsUnauthenticatedInProcessBenchmarks : CloudFunctionsUnauthenticatedInvokeBenchmarks
{
    /// <inheritdoc/>
    [Params(1024)]
    public override int PayloadBytes { get; set; }

    /// <inheritdoc/>
    protected override Uri Url { get; } = new("https://europe-west1-my-project.cloudfunctions.net/resize");

    /// <inheritdoc/>
    protected override string FunctionName => "resize";

    /// <inheritdoc/>
    protected override HttpClient CreateHttpClient(byte[] response)
        => new(new CannedFunctionHandler(HttpStatusCode.OK, response, "application/json; charset=utf-8")) { Timeout = Timeout.InfiniteTimeSpan };
}

/// <summary>
/// The unauthenticated pair against functions-framework over loopback: the <c>echo</c> function of eng/emulators/gcf
/// (<c>POLYCLOUD_TEST_GCF_ECHO</c>, default http://127.0.0.1:8081), on an <see cref="HttpClient"/> over a
/// <see cref="SocketsHttpHandler"/>. Both sides send no credentials (<c>anonymous=true</c>) because functions-framework
/// neither needs nor checks them; the ID-token pair exists only in process (<see cref="CloudFunctionsInvokeBenchmarks"/>).
/// </summary>
[OverheadSuite("Cloud Functions, no credentials", BenchTransport.Emulator)]
public class CloudFunctionsUnauthenticatedLoopbackBenchmarks : CloudFunctionsUnauthenticatedInvokeBenchmarks
{
    /// <inheritdoc/>
    [Params(1024)]
    public override int PayloadBytes { get; set; }

    /// <inheritdoc/>
    protected override Uri Url { get; } = new(Environment.GetEnvironmentVariable("POLYCLOUD_TEST_GCF_ECHO") is { Length: > 0 } e ? e : "http://127.0.0.1:8081");

    /// <inheritdoc/>
    protected override string FunctionName => "echo";

    /// <inheritdoc/>
    protected override HttpClient CreateHttpClient(byte[] response)
        => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = DecompressionMethods.None })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
}

/// <summary>
/// A service-account credential (fresh RSA key) whose token endpoint is answered in process with an ID token for the
/// requested audience, valid for an hour, as Google's token service answers a JWT-bearer grant with a target audience.
/// </summary>
internal static class BenchmarkCredential
{
    private const string TokenUri = "https://oauth2.googleapis.test/token";

    public static GoogleCredential Create()
    {
        using var rsa = RSA.Create(2048);
        string key = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "service_account",
            ["project_id"] = "my-project",
            ["private_key_id"] = "benchmark",
            ["private_key"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = "invoker@my-project.iam.gserviceaccount.com",
            ["client_id"] = "1234567890",
            ["token_uri"] = TokenUri,
        });
        return CredentialFactory.FromJson<ServiceAccountCredential>(key)
            .ToGoogleCredential()
            .CreateWithHttpClientFactory(new TokenEndpointFactory());
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed class TokenEndpointFactory : HttpClientFactory
    {
        protected override HttpMessageHandler CreateHandler(CreateHttpClientArgs args) => new TokenEndpoint();
    }

    private sealed class TokenEndpoint : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string form = await request.Content!.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            string assertion = System.Web.HttpUtility.ParseQueryString(form)["assertion"] ?? throw new InvalidOperationException("no JWT assertion");
            string claims = assertion.Split('.')[1].Replace('-', '+').Replace('_', '/');
            using var doc = JsonDocument.Parse(Convert.FromBase64String(claims.PadRight(claims.Length + ((4 - (claims.Length % 4)) % 4), '=')));
            string audience = doc.RootElement.GetProperty("target_audience").GetString()!;
            long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            string idToken = Base64Url("{\"alg\":\"RS256\",\"typ\":\"JWT\"}"u8.ToArray()) + "."
                + Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { iss = "https://accounts.google.com", aud = audience, iat = now, exp = now + 3600 })) + "."
                + Base64Url(new byte[256]);
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(JsonSerializer.Serialize(new { id_token = idToken }), Encoding.UTF8, "application/json"),
                RequestMessage = request,
            };
        }
    }
}
