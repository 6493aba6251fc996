using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using Azure.Core;
using Azure.Identity;
using Polycloud.Functions;
using Polycloud.Functions.Drivers;

namespace Polycloud.Azure.Functions;

/// <summary>How an Azure Functions driver authenticates.</summary>
public enum AzureFunctionsAuthentication
{
    /// <summary>No credentials: anonymous HTTP triggers.</summary>
    None = 0,

    /// <summary>A function or host key in the <c>x-functions-key</c> header.</summary>
    FunctionKey,

    /// <summary>A bearer token from a Microsoft Entra ID <see cref="TokenCredential"/> (App Service authentication).</summary>
    EntraId,
}

/// <summary>Settings of an Azure Functions driver.</summary>
public sealed class AzureFunctionsOptions
{
    /// <summary>The default of <see cref="MaxPayloadBytes"/>: 104,857,600 bytes.</summary>
    public const long DefaultMaxPayloadBytes = 104_857_600;

    /// <summary>How to authenticate.</summary>
    public AzureFunctionsAuthentication Authentication { get; init; }

    /// <summary>The function or host key, for <see cref="AzureFunctionsAuthentication.FunctionKey"/>.</summary>
    public string? FunctionKey { get; init; }

    /// <summary>The token scope, for <see cref="AzureFunctionsAuthentication.EntraId"/>, for example <c>api://{client id}/.default</c>.</summary>
    public string? Scope { get; init; }

    /// <summary>The credential, for <see cref="AzureFunctionsAuthentication.EntraId"/>; default: <see cref="DefaultAzureCredential"/>.</summary>
    public TokenCredential? Credential { get; init; }

    /// <summary>The request payload limit enforced before sending. Default: 100 MB (104,857,600 bytes), the HTTP trigger's
    /// request length limit.</summary>
    public long MaxPayloadBytes { get; init; } = DefaultMaxPayloadBytes;

    /// <summary>The clock that decides when a cached Entra ID token is due for renewal. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; init; }
}

/// <summary>
/// Invokes an Azure Functions HTTP trigger: <c>POST https://{app}.azurewebsites.net/api/{function}</c> with a function key
/// (<c>x-functions-key</c>) or an Entra ID bearer token (Azure.Identity). Opened as <c>azfunc://{app}/{function}</c>; settings:
/// <c>key</c>, <c>scope</c>, <c>auth</c> (<c>key</c> or <c>entra</c>; default: <c>key</c> when a key is set, else
/// <c>entra</c> when a scope is set, else none), <c>anonymous</c> (<c>true</c>: no credentials; <c>auth=none</c> is its
/// old spelling), <c>endpoint</c> (the app's base URL, default <c>https://{app}.azurewebsites.net/api</c>; old name
/// <c>baseUrl</c>), <c>credential</c> and <c>managedIdentityClientId</c> (see <see cref="AzureSettings"/>),
/// <c>maxPayloadBytes</c>.
/// </summary>
/// <remarks>
/// HTTP triggers have no versions, client context or event invocation (NotSupported). An unhandled exception is answered
/// 500 (with an empty body unless the function writes one): a function error. See <see cref="HttpFunctionProtocol"/>.
/// </remarks>
public sealed partial class AzureFunctionsDriver : IFunctionDriver, Polycloud.Drivers.IResourceLocationProvider
{
    private static readonly Lazy<HttpClient> SharedClient = new(() => new HttpClient(
        new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = DecompressionMethods.None })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    });

    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly AzureFunctionsOptions _options;
    private TokenCredential? _credential;
    private CachedToken? _token;

    /// <summary>Creates the driver.</summary>
    /// <param name="functionUrl">The HTTP trigger's URL, for example <c>https://my-app.azurewebsites.net/api/resize</c>.</param>
    /// <param name="functionName">The function name, for errors and telemetry.</param>
    /// <param name="options">Authentication and limits.</param>
    /// <param name="httpClient">The HTTP client (with an infinite timeout), or <see langword="null"/> for a shared one.</param>
    public AzureFunctionsDriver(Uri functionUrl, string functionName, AzureFunctionsOptions? options = null, HttpClient? httpClient = null)
    {
        if (functionUrl is null || !functionUrl.IsAbsoluteUri || (functionUrl.Scheme != Uri.UriSchemeHttps && functionUrl.Scheme != Uri.UriSchemeHttp))
        {
            throw CloudException.InvalidArgument(nameof(functionUrl), "an absolute http(s) function URL is required.");
        }

        if (string.IsNullOrEmpty(functionName))
        {
            throw CloudException.InvalidArgument(nameof(functionName), "a function name is required.");
        }

        _options = options ?? new AzureFunctionsOptions();
        if (_options.Authentication == AzureFunctionsAuthentication.FunctionKey && string.IsNullOrEmpty(_options.FunctionKey))
        {
            throw CloudException.InvalidArgument("options.FunctionKey", "a function key is required for key authentication.");
        }

        if (_options.Authentication == AzureFunctionsAuthentication.EntraId && string.IsNullOrEmpty(_options.Scope))
        {
            throw CloudException.InvalidArgument("options.Scope", "a token scope (for example api://{client id}/.default) is required for Entra ID authentication.");
        }

        _url = functionUrl;
        FunctionName = functionName;
        _credential = _options.Credential;
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
    public string ProviderName => "azure-functions";

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
        switch (_options.Authentication)
        {
            case AzureFunctionsAuthentication.FunctionKey:
                request.Headers.TryAddWithoutValidation("x-functions-key", _options.FunctionKey);
                break;
            case AzureFunctionsAuthentication.EntraId:
                return InvokeWithTokenAsync(request, cancellationToken);
        }

        return HttpFunctionProtocol.SendAsync(_http, request, null, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<FunctionEventReceipt> InvokeEventAsync(BinaryData payload, string contentType, FunctionInvokeOptions options, CancellationToken cancellationToken)
        => throw CloudException.NotSupported(ProviderName, "event (asynchronous) invocation of HTTP triggers", "Send a queue message to a queue-triggered function instead.");

    /// <inheritdoc/>
    public CloudErrorCode ClassifyError(Exception exception) => exception switch
    {
        AuthenticationFailedException or CredentialUnavailableException => CloudErrorCode.Unauthenticated,
        _ => HttpFunctionProtocol.ClassifyError(exception),
    };

    /// <inheritdoc/>
    public bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class
    {
        value = _http as T ?? _credential as T;
        return value is not null;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async ValueTask<FunctionResult> InvokeWithTokenAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await GetTokenAsync(cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            request.Dispose();
            throw;
        }

        return await HttpFunctionProtocol.SendAsync(_http, request, null, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        var cached = Volatile.Read(ref _token);
        if (cached is not null && cached.ExpiresOn > (_options.TimeProvider ?? TimeProvider.System).GetUtcNow().AddMinutes(5))
        {
            return cached.Token;
        }

        var credential = _credential ??= new DefaultAzureCredential();
        var token = await credential.GetTokenAsync(new TokenRequestContext([_options.Scope!]), cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _token, new CachedToken(token.Token, token.ExpiresOn));
        return token.Token;
    }

    private sealed record CachedToken(string Token, DateTimeOffset ExpiresOn);
}

/// <summary>Opens <c>azfunc://{app}/{function}</c>.</summary>
internal sealed class AzureFunctionsDriverFactory : IFunctionDriverFactory
{
    // One DefaultAzureCredential per factory, so every function opened through it shares the token cache.
    private readonly Lazy<TokenCredential> _defaultCredential = new(static () => new DefaultAzureCredential(), LazyThreadSafetyMode.ExecutionAndPublication);

    public IReadOnlyList<string> Schemes { get; } = ["azfunc"];

    public IFunctionDriver Create(CloudUrl url, IServiceProvider? services)
    {
        string function = url.Path.Trim('/');
        if (url.Host.Length == 0 || function.Length == 0 || function.Contains('/', StringComparison.Ordinal))
        {
            throw CloudException.InvalidArgument("url", $"'{url}' is not an Azure Functions URL: use 'azfunc://{{app}}/{{function}}'.");
        }

        var azure = AzureSettings.Read(url, AzureSettingsScope.App, obsoleteEndpointName: "baseUrl");
        Uri baseUrl = azure.Endpoint ?? new Uri($"https://{url.Host}.azurewebsites.net/api");
        var functionUrl = new Uri(baseUrl.AbsoluteUri.TrimEnd('/') + "/" + Uri.EscapeDataString(function));
        string? key = url.Get("key");
        string? scope = url.Get("scope");
        string? auth = url.Get("auth")?.ToLowerInvariant();
        if (auth == "none")
        {
            url.ReportObsolete("auth=none", "anonymous=true");
        }

        bool anonymous = azure.Anonymous || auth == "none";
        if (anonymous && (key is not null || auth is "key" or "entra"))
        {
            throw CloudException.InvalidArgument("anonymous", $"'{url}' asks for no credentials (anonymous) and sets a key or an auth kind; choose one.");
        }

        var authentication = auth switch
        {
            _ when anonymous => AzureFunctionsAuthentication.None,
            null => key is not null ? AzureFunctionsAuthentication.FunctionKey : scope is not null ? AzureFunctionsAuthentication.EntraId : AzureFunctionsAuthentication.None,
            "key" => AzureFunctionsAuthentication.FunctionKey,
            "entra" => AzureFunctionsAuthentication.EntraId,
            { } other => throw CloudException.InvalidArgument("auth", $"the setting 'auth' must be 'key' or 'entra' (or anonymous=true for no credentials), not '{other}'."),
        };
        if (authentication != AzureFunctionsAuthentication.EntraId && (azure.CredentialKind is not null || azure.ManagedIdentityClientId is not null))
        {
            throw CloudException.InvalidArgument("credential", "'credential' and 'managedIdentityClientId' choose the Entra ID credential; they apply only with auth=entra (and a scope), not to key or anonymous calls.");
        }

        var options = new AzureFunctionsOptions
        {
            FunctionKey = key,
            Scope = scope,
            TimeProvider = services?.GetService(typeof(TimeProvider)) as TimeProvider,
            Authentication = authentication,

            // The Entra credential is read as for azblob and azqueue; key and anonymous calls need none.
            Credential = authentication == AzureFunctionsAuthentication.EntraId ? azure.GetTokenCredential(services, () => _defaultCredential.Value) : null,
            MaxPayloadBytes = url.GetInt64("maxPayloadBytes", 1, long.MaxValue) ?? AzureFunctionsOptions.DefaultMaxPayloadBytes,
        };

        url.ThrowIfUnknownSettings("azure-functions");
        return new AzureFunctionsDriver(functionUrl, function, options) { Location = azure.Location };
    }
}
