using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Polycloud.Aws.Signing;
using Polycloud.Drivers;
using Polycloud.Functions;
using Polycloud.Functions.Drivers;

namespace Polycloud.Aws.Functions;

/// <summary>Settings of an AWS Lambda function driver.</summary>
public sealed class LambdaFunctionOptions
{
    /// <summary>The region, for example <c>eu-west-1</c>. Required.</summary>
    public string Region { get; init; } = string.Empty;

    /// <summary>The version or alias invoked when a call names none, or <see langword="null"/> for <c>$LATEST</c>.</summary>
    public string? Qualifier { get; init; }

    /// <summary>The service endpoint; default <c>https://lambda.{region}.amazonaws.com</c>. Set it for an emulator.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The credentials; default: the AWS SDK's default chain (environment, profile, container, instance).</summary>
    public AWSCredentials? Credentials { get; init; }
}

/// <summary>
/// Invokes an AWS Lambda function through the Lambda Invoke REST API
/// (<c>POST /2015-03-31/functions/{name}/invocations</c>), signed with SigV4 using AWSSDK.Core credentials.
/// Opened as <c>lambda://{name or ARN}?region=…&amp;qualifier=…</c>.
/// </summary>
/// <remarks>
/// A function that throws answers 200 with <c>X-Amz-Function-Error</c>: that is a <see cref="FunctionResult"/> with
/// <see cref="FunctionResult.FunctionError"/> (type: the payload's <c>errorType</c>, message: its <c>errorMessage</c>).
/// Service errors are thrown as <see cref="LambdaServiceException"/> and classified: ResourceNotFoundException → NotFound,
/// TooManyRequestsException → Throttled, request errors → InvalidArgument, signature/credential errors → Unauthenticated,
/// AccessDenied → PermissionDenied, 5xx → Unavailable.
/// </remarks>
public sealed partial class LambdaFunctionDriver : IFunctionDriver, Polycloud.Drivers.IResourceLocationProvider
{
    /// <summary>The synchronous invocation payload limit (6 MB), request and response.</summary>
    public const long MaxRequestResponsePayloadBytes = 6 * 1024 * 1024;

    /// <summary>The event (asynchronous) invocation payload limit (1 MB).</summary>
    public const long MaxEventPayloadBytes = 1024 * 1024;

    private const int MaxClientContextBytes = 3583;
    private static readonly FunctionCapabilities LambdaCapabilities = new()
    {
        EventInvocation = true,
        Qualifiers = true,
        ClientContext = true,
        BinaryPayloads = false,
        MaxPayloadBytes = MaxRequestResponsePayloadBytes,
        MaxEventPayloadBytes = MaxEventPayloadBytes,
    };

    private static readonly Lazy<HttpClient> SharedClient = new(() => new HttpClient(
        new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), AutomaticDecompression = DecompressionMethods.None })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    });

    private readonly HttpClient _http;
    private readonly bool _ownsClient;
    private AWSCredentials? _credentials;
    private readonly AwsSigV4Signer _signer;
    private readonly string _invokeUrl;
    private readonly string? _defaultQualifier;
    private readonly TimeProvider _time;

    /// <summary>Creates the driver.</summary>
    /// <param name="functionName">The function name, or its ARN or partial ARN.</param>
    /// <param name="options">Region, qualifier, endpoint, credentials.</param>
    /// <param name="httpClient">The HTTP client to send with (it should have an infinite timeout: the portable layer applies
    /// the call's timeout), or <see langword="null"/> for a shared one.</param>
    /// <param name="timeProvider">The clock used for signatures, or <see langword="null"/> for the system clock.</param>
    public LambdaFunctionDriver(string functionName, LambdaFunctionOptions options, HttpClient? httpClient = null, TimeProvider? timeProvider = null)
    {
        if (string.IsNullOrEmpty(functionName) || functionName.Length > 170)
        {
            throw CloudException.InvalidArgument(nameof(functionName), "a Lambda function name or ARN of 1 to 170 characters is required.");
        }

        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrEmpty(options.Region))
        {
            throw CloudException.InvalidArgument("options.Region", "the AWS region (for example us-east-1) is required.");
        }

        FunctionName = functionName;
        _defaultQualifier = options.Qualifier;
        _credentials = options.Credentials;
        _signer = new AwsSigV4Signer(options.Region, "lambda");
        Uri endpoint = options.Endpoint ?? new Uri($"https://lambda.{options.Region}.amazonaws.com{(options.Region.StartsWith("cn-", StringComparison.Ordinal) ? ".cn" : string.Empty)}/");
        _invokeUrl = endpoint.GetLeftPart(UriPartial.Authority) + endpoint.AbsolutePath.TrimEnd('/') + "/2015-03-31/functions/" + Uri.EscapeDataString(functionName) + "/invocations";
        _http = httpClient ?? SharedClient.Value;
        _ownsClient = false;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public string ProviderName => "aws-lambda";

    /// <inheritdoc/>
    public string FunctionName { get; }

    /// <inheritdoc/>
    public FunctionCapabilities Capabilities => LambdaCapabilities;

    /// <inheritdoc/>
    public async ValueTask<FunctionResult> InvokeAsync(BinaryData payload, string contentType, FunctionInvokeOptions options, CancellationToken cancellationToken)
    {
        using var request = await CreateRequestAsync(payload, "RequestResponse", options, cancellationToken).ConfigureAwait(false);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }

        byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var data = new BinaryData(body);
        string? executedVersion = Header(response.Headers, "X-Amz-Executed-Version");
        string? functionErrorHeader = Header(response.Headers, "X-Amz-Function-Error");
        FunctionError? error = functionErrorHeader is null ? null : ParseFunctionError(functionErrorHeader, body);
        return new FunctionResult(data, (int)response.StatusCode, error, executedVersion, HttpFunctionProtocol.MediaType(response));
    }

    /// <inheritdoc/>
    public async Task<FunctionEventReceipt> InvokeEventAsync(BinaryData payload, string contentType, FunctionInvokeOptions options, CancellationToken cancellationToken)
    {
        using var request = await CreateRequestAsync(payload, "Event", options, cancellationToken).ConfigureAwait(false);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw await ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }

        return new FunctionEventReceipt((int)response.StatusCode, Header(response.Headers, "x-amzn-RequestId"));
    }

    /// <inheritdoc/>
    public CloudErrorCode ClassifyError(Exception exception) => exception switch
    {
        LambdaServiceException e => Classify(e),
        _ => AwsErrors.Classify(exception, FromErrorType),
    };

    /// <inheritdoc/>
    public bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class
    {
        value = _http as T ?? _credentials as T;
        return value is not null;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (_ownsClient)
        {
            _http.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Classifies a Lambda error answer: its <c>x-amzn-ErrorType</c> first (Lambda's own types, then the types all
    /// AWS services share), else its status (docs/errors.md).</summary>
    internal static CloudErrorCode Classify(LambdaServiceException e)
        => (FromErrorType(e.ErrorType) ?? AwsErrors.FromCommonCode(e.ErrorType)) ?? CloudErrors.FromHttpStatus(e.StatusCode);

    /// <summary>The Lambda error types whose meaning the status alone does not carry.</summary>
    private static CloudErrorCode? FromErrorType(string errorType) => errorType switch
    {
        "ResourceNotFoundException" => CloudErrorCode.NotFound,
        "EC2ThrottledException" => CloudErrorCode.Throttled,
        "KMSAccessDeniedException" => CloudErrorCode.PermissionDenied,

        // The function is being created or updated (409, 502): the same call succeeds once it is ready.
        "ResourceConflictException" or "ResourceNotReadyException" => CloudErrorCode.Unavailable,
        _ => null,
    };

    private async Task<HttpRequestMessage> CreateRequestAsync(BinaryData payload, string invocationType, FunctionInvokeOptions options, CancellationToken cancellationToken)
    {
        string? qualifier = options.Qualifier ?? _defaultQualifier;
        string url = qualifier is null ? _invokeUrl : _invokeUrl + "?Qualifier=" + Uri.EscapeDataString(qualifier);
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ReadOnlyMemoryContent(payload.ToMemory()),
        };
        request.Headers.TryAddWithoutValidation("X-Amz-Invocation-Type", invocationType);
        if (options.ClientContext is { Count: > 0 } context)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Client-Context", EncodeClientContext(context));
        }

        // The default chain is resolved on first use, never while opening (it may probe the instance metadata service).
        ImmutableCredentials credentials;
        try
        {
            var source = _credentials ??= Amazon.Runtime.Credentials.DefaultAWSCredentialsIdentityResolver.GetCredentials();
            credentials = await source.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (AmazonClientException ex)
        {
            request.Dispose();
            throw new CloudException(CloudErrorCode.Unauthenticated, $"{ProviderName}: no AWS credentials to sign the request with: {ex.Message}", ProviderName, ex);
        }

        cancellationToken.ThrowIfCancellationRequested();
        _signer.Sign(request, AwsSigV4Signer.HashPayload(payload.ToMemory().Span), credentials, _time.GetUtcNow());
        return request;
    }

    private static string EncodeClientContext(IReadOnlyDictionary<string, string> context)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("custom");
            foreach (var (key, value) in context)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        string encoded = Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length);
        if (encoded.Length > MaxClientContextBytes)
        {
            throw CloudException.InvalidArgument("options.ClientContext", $"the client context is {encoded.Length} bytes once encoded; AWS Lambda accepts at most {MaxClientContextBytes}.");
        }

        return encoded;
    }

    private static FunctionError ParseFunctionError(string header, byte[] body)
    {
        string type = header;
        string message = string.Empty;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (doc.RootElement.TryGetProperty("errorType", out var t) && t.ValueKind == JsonValueKind.String)
                {
                    type = t.GetString()!;
                }

                if (doc.RootElement.TryGetProperty("errorMessage", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    message = m.GetString()!;
                }
            }
        }
        catch (JsonException)
        {
            message = Encoding.UTF8.GetString(body);
        }

        return new FunctionError(type, message);
    }

    private static async Task<LambdaServiceException> ToExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string? errorType = Header(response.Headers, "x-amzn-ErrorType");
        string message = body;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in doc.RootElement.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.String)
                    {
                        continue;
                    }

                    if (property.NameEquals("message") || property.NameEquals("Message"))
                    {
                        message = property.Value.GetString()!;
                    }
                    else if (errorType is null && (property.NameEquals("__type") || property.NameEquals("code")))
                    {
                        errorType = property.Value.GetString();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy or load balancer answered): keep the text.
        }

        if (errorType is not null)
        {
            int colon = errorType.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                errorType = errorType[..colon];
            }

            int hash = errorType.LastIndexOf('#');
            if (hash >= 0)
            {
                errorType = errorType[(hash + 1)..];
            }
        }

        TimeSpan? retryAfter = response.Headers.RetryAfter?.Delta;
        var exception = new LambdaServiceException(response.StatusCode, errorType ?? "HTTP" + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), message.Length > 1000 ? message[..1000] : message, Header(response.Headers, "x-amzn-RequestId"), retryAfter);
        if (retryAfter > TimeSpan.Zero)
        {
            exception.Data[FunctionRetryOptions.RetryAfterDataKey] = retryAfter.Value;
        }

        return exception;
    }

    private static string? Header(HttpHeaders headers, string name) => HttpFunctionProtocol.RawHeader(headers, name);
}

/// <summary>Opens <c>lambda://{name}?region=…</c>.</summary>
internal sealed class LambdaFunctionDriverFactory : IFunctionDriverFactory
{
    public IReadOnlyList<string> Schemes { get; } = ["lambda"];

    public IFunctionDriver Create(CloudUrl url, IServiceProvider? services)
    {
        if (url.Host.Length == 0 || (url.Path.Length > 0 && url.Path != "/"))
        {
            throw CloudException.InvalidArgument("url", $"'{url}' is not a Lambda function URL: use 'lambda://{{function name or ARN}}?region=us-east-1'.");
        }

        var aws = AwsSettings.Read(url);
        string? qualifier = url.Get("qualifier");
        url.ThrowIfUnknownSettings("aws-lambda");
        var options = new LambdaFunctionOptions
        {
            Region = aws.GetRegion(url),
            Qualifier = qualifier,
            Endpoint = aws.Endpoint,
            Credentials = aws.GetCredentials(services),
        };
        return new LambdaFunctionDriver(url.Host, options);
    }
}
