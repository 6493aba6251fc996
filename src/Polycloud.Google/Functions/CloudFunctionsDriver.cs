using System.Diagnostics.CodeAnalysis;
using System.Net;
using Google.Apis.Auth.OAuth2;
using Polycloud.Functions;
using Polycloud.Functions.Drivers;

namespace Polycloud.Google.Functions;

/// <summary>How a Cloud Functions driver authenticates.</summary>
public enum CloudFunctionsAuthentication
{
    /// <summary>An ID token for the function URL from the application default credentials (Google.Apis.Auth).</summary>
    IdToken = 0,

    /// <summary>No credentials: for functions that allow unauthenticated invocation, and the functions-framework emulator.</summary>
    None,
}

/// <summary>Settings of a Google Cloud Functions driver.</summary>
public sealed class CloudFunctionsOptions
{
    /// <summary>The default of <see cref="MaxPayloadBytes"/>: 32 MiB (33,554,432 bytes).</summary>
    public const long DefaultMaxPayloadBytes = 32L * 1024 * 1024;

    /// <summary>How to authenticate. Default: <see cref="CloudFunctionsAuthentication.IdToken"/>.</summary>
    public CloudFunctionsAuthentication Authentication { get; init; }

    /// <summary>The ID token audience; default: the function URL.</summary>
    public string? Audience { get; init; }

    /// <summary>The credential for ID tokens; default: the application default credentials.</summary>
    public GoogleCredential? Credential { get; init; }

    /// <summary>The request payload limit enforced before sending. Default: 32 MiB (the HTTP request limit of Cloud Functions
    /// 2nd gen / Cloud Run; 1st gen allows 10 MB).</summary>
    public long MaxPayloadBytes { get; init; } = DefaultMaxPayloadBytes;
}

/// <summary>
/// Invokes a Google Cloud Functions HTTP function by its URL, with an ID token from Google.Apis.Auth. Opened as
/// <c>gcf://{project}/{region}/{function}</c> (URL <c>https://{region}-{project}.cloudfunctions.net/{function}</c>) or
/// <c>gcf+https://{function URL}</c>; settings: <c>auth</c> (<c>idtoken</c> or <c>none</c>), <c>audience</c>,
/// <c>maxPayloadBytes</c>.
/// </summary>
/// <remarks>
/// HTTP functions have no versions, no client context and no event invocation (those are NotSupported). A function that
/// throws is answered 500 (functions-framework adds <c>X-Google-Status: crash</c> and the message as the body): that is a
/// function error. See <see cref="HttpFunctionProtocol"/> for the other statuses.
/// </remarks>
public sealed partial class CloudFunctionsDriver : IFunctionDriver, Polycloud.Drivers.IResourceLocationProvider
{
    private static readonly Lazy<HttpClient> SharedClient = new(() => new HttpClient(
        new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = DecompressionMethods.None })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    });

    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly CloudFunctionsOptions _options;
    private readonly SemaphoreSlim _tokenGate = new(1, 1);
    private OidcToken? _token;
    private BearerValue? _bearer;

    /// <summary>Creates the driver.</summary>
    /// <param name="functionUrl">The function's HTTPS URL.</param>
    /// <param name="functionName">The function name, for errors and telemetry.</param>
    /// <param name="options">Authentication and limits.</param>
    /// <param name="httpClient">The HTTP client (with an infinite timeout), or <see langword="null"/> for a shared one.</param>
    public CloudFunctionsDriver(Uri functionUrl, string functionName, CloudFunctionsOptions? options = null, HttpClient? httpClient = null)
    {
        if (functionUrl is null || !functionUrl.IsAbsoluteUri || (functionUrl.Scheme != Uri.UriSchemeHttps && functionUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw CloudException.InvalidArgument(nameof(functionUrl), "an absolute http(s) function URL is required.");
        }

        if (string.IsNullOrEmpty(functionName))
        {
            throw CloudException.InvalidArgument(nameof(functionName), "a function name is required.");
        }

        _url = functionUrl;
        FunctionName = functionName;
        _options = options ?? new CloudFunctionsOptions();
        _http = httpClient ?? SharedClient.Value;
        Capabilities = new FunctionCapabilities
        {
            EventInvocation = false,
            Qualifiers = false,
            ClientContext = false,
            BinaryPayloads = true,
            MaxPayloadBytes = _options.MaxPayloadBytes,
        };
    }

    /// <inheritdoc/>
    public string ProviderName => "gcp-functions";

    /// <inheritdoc/>
    public string FunctionName { get; }

    /// <inheritdoc/>
    public FunctionCapabilities Capabilities { get; }

    /// <summary>The function URL.</summary>
    public Uri Url => _url;

    /// <inheritdoc/>
    public ValueTask<FunctionResult> InvokeAsync(BinaryData payload, string contentType, FunctionInvokeOptions options, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ReadOnlyMemoryContent(payload.ToMemory()) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        if (_options.Authentication == CloudFunctionsAuthentication.IdToken)
        {
            var pending = GetTokenAsync(cancellationToken);
            if (!pending.IsCompletedSuccessfully)
            {
                return InvokeAfterTokenAsync(request, pending, cancellationToken);
            }

            request.Headers.TryAddWithoutValidation("Authorization", BearerHeader(pending.Result));
        }

        return HttpFunctionProtocol.SendAsync(_http, request, "X-Google-Status", cancellationToken);
    }

    /// <inheritdoc/>
    public Task<FunctionEventReceipt> InvokeEventAsync(BinaryData payload, string contentType, FunctionInvokeOptions options, CancellationToken cancellationToken)
        => throw CloudException.NotSupported(ProviderName, "event (asynchronous) invocation of HTTP functions", "Publish to a Pub/Sub topic that triggers the function.");

    /// <inheritdoc/>
    public CloudErrorCode ClassifyError(Exception exception) => exception switch
    {
        global::Google.Apis.Auth.OAuth2.Responses.TokenResponseException => CloudErrorCode.Unauthenticated,
        _ => HttpFunctionProtocol.ClassifyError(exception),
    };

    /// <inheritdoc/>
    public bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class
    {
        value = _http as T ?? _options.Credential as T;
        return value is not null;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        _tokenGate.Dispose();
        return ValueTask.CompletedTask;
    }

    private async ValueTask<FunctionResult> InvokeAfterTokenAsync(HttpRequestMessage request, ValueTask<string> pending, CancellationToken cancellationToken)
    {
        string token;
        try
        {
            token = await pending.ConfigureAwait(false);
        }
        catch
        {
            request.Dispose();
            throw;
        }

        request.Headers.TryAddWithoutValidation("Authorization", BearerHeader(token));
        return await HttpFunctionProtocol.SendAsync(_http, request, "X-Google-Status", cancellationToken).ConfigureAwait(false);
    }

    private ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        // OidcToken caches the token and refreshes it before it expires.
        var token = Volatile.Read(ref _token);
        return token is not null
            ? new ValueTask<string>(token.GetAccessTokenAsync(cancellationToken))
            : new ValueTask<string>(CreateTokenAndGetAsync(cancellationToken));
    }

    private async Task<string> CreateTokenAndGetAsync(CancellationToken cancellationToken)
    {
        await _tokenGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token is null)
            {
                var credential = _options.Credential ?? await GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false);
                string audience = _options.Audience ?? _url.GetLeftPart(UriPartial.Path);
                Volatile.Write(ref _token, await credential.GetOidcTokenAsync(OidcTokenOptions.FromTargetAudience(audience), cancellationToken).ConfigureAwait(false));
            }
        }
        catch (InvalidOperationException ex)
        {
            // Google.Apis.Auth reports missing or unusable credentials this way: no application default credentials, or
            // a credential that cannot make ID tokens (a user's credential).
            throw new CloudException(CloudErrorCode.Unauthenticated, $"{ProviderName}: no Google credentials to make an ID token with: {ex.Message}", ProviderName, ex);
        }
        finally
        {
            _tokenGate.Release();
        }

        return await _token!.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The Authorization header value for a token, built once per token rather than once per call.</summary>
    private string BearerHeader(string token)
    {
        var last = Volatile.Read(ref _bearer);
        if (last is not null && (ReferenceEquals(last.Token, token) || string.Equals(last.Token, token, StringComparison.Ordinal)))
        {
            return last.Header;
        }

        var current = new BearerValue(token, "Bearer " + token);
        Volatile.Write(ref _bearer, current);
        return current.Header;
    }

    private sealed record BearerValue(string Token, string Header);
}

/// <summary>Opens <c>gcf://{project}/{region}/{function}</c>, <c>gcf+https://…</c> and <c>gcf+http://…</c>.</summary>
internal sealed class CloudFunctionsDriverFactory : IFunctionDriverFactory
{
    public IReadOnlyList<string> Schemes { get; } = ["gcf", "gcf+https", "gcf+http"];

    public IFunctionDriver Create(CloudUrl url, IServiceProvider? services)
    {
        Uri functionUrl;
        string name;
        if (url.Scheme == "gcf")
        {
            string[] parts = url.Path.Trim('/').Split('/');
            if (url.Host.Length == 0 || parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                throw CloudException.InvalidArgument("url", $"'{url}' is not a Cloud Functions URL: use 'gcf://{{project}}/{{region}}/{{function}}' or 'gcf+https://{{function URL}}'.");
            }

            name = parts[1];
            functionUrl = new Uri($"https://{parts[0]}-{url.Host}.cloudfunctions.net/{Uri.EscapeDataString(name)}");
        }
        else
        {
            string scheme = url.Scheme == "gcf+http" ? "http" : "https";
            if (url.Host.Length == 0 || !Uri.TryCreate($"{scheme}://{url.Host}{url.Path}", UriKind.Absolute, out functionUrl!))
            {
                throw CloudException.InvalidArgument("url", $"'{url}' is not a function URL: use 'gcf+https://{{host}}/{{path}}'.");
            }

            string path = functionUrl.AbsolutePath.Trim('/');
            name = path.Length > 0 ? path[(path.LastIndexOf('/') + 1)..] : functionUrl.Host.Split('.')[0];
        }

        var google = GoogleSettings.Read(url, GoogleSettingKinds.Anonymous);
        string? auth = url.Get("auth")?.ToLowerInvariant();
        if (auth == "none")
        {
            url.ReportObsolete("auth=none", "anonymous=true");
        }

        bool anonymous = google.Anonymous || auth == "none";
        if (anonymous && auth == "idtoken")
        {
            throw CloudException.InvalidArgument("anonymous", $"'{url}' sets anonymous=true and auth=idtoken; choose one.");
        }

        var options = new CloudFunctionsOptions
        {
            Authentication = auth switch
            {
                _ when anonymous => CloudFunctionsAuthentication.None,
                null or "idtoken" => CloudFunctionsAuthentication.IdToken,
                { } other => throw CloudException.InvalidArgument("auth", $"the setting 'auth' must be 'idtoken' (or anonymous=true for no credentials), not '{other}'."),
            },
            Audience = url.Get("audience"),
            Credential = google.GetCredential(services, "gcp-functions"),
            MaxPayloadBytes = url.GetInt64("maxPayloadBytes", 1, long.MaxValue) ?? CloudFunctionsOptions.DefaultMaxPayloadBytes,
        };

        url.ThrowIfUnknownSettings("gcp-functions");
        return new CloudFunctionsDriver(functionUrl, name, options);
    }
}
