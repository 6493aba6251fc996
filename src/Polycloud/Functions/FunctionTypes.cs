using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Polycloud.Functions;

/// <summary>Options for one invocation. All are optional; one instance may be shared by concurrent calls.</summary>
public sealed class FunctionInvokeOptions
{
    internal static readonly FunctionInvokeOptions Default = new();

    /// <summary>
    /// How long the whole call may take, retries included, before it fails with <see cref="CloudErrorCode.Timeout"/>.
    /// Default: <see cref="CloudFunctionOptions.DefaultTimeout"/>. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> means no limit.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// The version or alias to invoke (AWS Lambda: a version number or alias such as <c>prod</c>). Default: the
    /// qualifier the function was opened with, else the latest version. Providers without versions throw NotSupported.
    /// </summary>
    public string? Qualifier { get; init; }

    /// <summary>
    /// The media type of the payload, for providers that pass it on (HTTP functions send it as <c>Content-Type</c>).
    /// Default: <c>application/json</c> for the JSON overloads, else the payload's <see cref="BinaryData.MediaType"/>,
    /// else <c>application/octet-stream</c>.
    /// </summary>
    public string? ContentType { get; init; }

    /// <summary>
    /// Caller context passed along with the payload (AWS Lambda: the <c>custom</c> part of <c>X-Amz-Client-Context</c>;
    /// local functions: <see cref="Local.LocalFunctionContext.ClientContext"/>). Providers without a context channel throw
    /// NotSupported; see <see cref="FunctionCapabilities.ClientContext"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string>? ClientContext { get; init; }

    /// <summary>How many attempts a throttled call gets, the first included. Default: <see cref="FunctionRetryOptions.MaxAttempts"/>.</summary>
    public int? MaxAttempts { get; init; }
}

/// <summary>Settings that apply to every call made through one <see cref="CloudFunction"/>.</summary>
public sealed class CloudFunctionOptions
{
    internal static readonly CloudFunctionOptions Default = new();

    /// <summary>
    /// The time limit of a call when <see cref="FunctionInvokeOptions.Timeout"/> is not set. Default:
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>: no limit of its own, so the provider's limits apply (the
    /// function's configured timeout, at most 15 minutes on AWS Lambda; 230 s at the Azure front end). Set one here, per
    /// call, or with the <c>timeout</c> URL setting to bound how long a caller waits; it costs a timer per call.
    /// </summary>
    public TimeSpan DefaultTimeout { get; init; } = System.Threading.Timeout.InfiniteTimeSpan;

    /// <summary>How throttled calls are retried.</summary>
    public FunctionRetryOptions Retry { get; init; } = new();

    /// <summary>
    /// The clock that times calls out and waits between retries. Default: <see cref="TimeProvider.System"/>; tests pass a
    /// fake clock to step through timeouts and backoff without waiting.
    /// </summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>
/// Retry of throttled calls (<see cref="CloudErrorCode.Throttled"/>): exponential backoff with full jitter, bounded,
/// cancelled with the call; a <c>Retry-After</c> from the provider is honoured up to <see cref="MaxDelay"/>. Only throttling is retried: a throttled call never ran, whereas a function error, a timeout or
/// a transport failure may have run the function already, so retrying those is left to the caller.
/// </summary>
public sealed class FunctionRetryOptions
{
    /// <summary>
    /// The <see cref="Exception.Data"/> key under which a driver stores the delay the provider asked for
    /// (<c>Retry-After</c>) as a <see cref="TimeSpan"/>. The next attempt waits at least that long, up to <see cref="MaxDelay"/>.
    /// </summary>
    public const string RetryAfterDataKey = "Polycloud.RetryAfter";

    /// <summary>
    /// The <see cref="Exception.Data"/> key under which a driver stores the moment the provider asked to be retried at
    /// (<c>Retry-After</c> given as an HTTP date) as a <see cref="DateTimeOffset"/>; the delay is measured on
    /// <see cref="CloudFunctionOptions.TimeProvider"/>.
    /// </summary>
    public const string RetryAtDataKey = "Polycloud.RetryAt";

    /// <summary>Attempts in total, the first included; 1 disables retries. Default: 4. Range 1 to 20.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The backoff before the second attempt; it doubles each time, up to <see cref="MaxDelay"/>. Default: 200 ms.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest backoff between two attempts. Default: 10 s.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>The error a function itself raised (it threw, or its runtime failed while running it).</summary>
public sealed class FunctionError
{
    /// <summary>Creates a function error.</summary>
    /// <param name="type">The error type the provider reported (for example <c>Error</c>, <c>System.InvalidOperationException</c>,
    /// <c>Unhandled</c>, <c>HTTP 500</c>).</param>
    /// <param name="message">The error message, or empty when the provider gave none.</param>
    public FunctionError(string type, string message)
    {
        Type = type ?? string.Empty;
        Message = message ?? string.Empty;
    }

    /// <summary>The error type the provider reported.</summary>
    public string Type { get; }

    /// <summary>The error message.</summary>
    public string Message { get; }

    /// <inheritdoc/>
    public override string ToString() => Message.Length == 0 ? Type : $"{Type}: {Message}";
}

/// <summary>The outcome of a request/response invocation that reached the function.</summary>
public sealed class FunctionResult
{
    /// <summary>Creates a result (drivers and tests create these; callers receive them).</summary>
    /// <param name="payload">The response payload (for a function error: the error document the provider returned).</param>
    /// <param name="statusCode">The status the provider answered with.</param>
    /// <param name="functionError">The function's own error, or <see langword="null"/> when it succeeded.</param>
    /// <param name="executedVersion">The version that ran, when the provider reports it.</param>
    /// <param name="contentType">The response media type, when known.</param>
    public FunctionResult(BinaryData payload, int statusCode, FunctionError? functionError = null, string? executedVersion = null, string? contentType = null)
    {
        Payload = payload ?? BinaryData.Empty;
        StatusCode = statusCode;
        FunctionError = functionError;
        ExecutedVersion = executedVersion;
        ContentType = contentType;
    }

    /// <summary>The response payload. For a function error, the error document the provider returned.</summary>
    public BinaryData Payload { get; }

    /// <summary>
    /// The status the provider answered with: AWS Lambda answers 200 even when the function failed; HTTP functions
    /// answer with the function's status; local functions give 200, or 500 for a function error.
    /// </summary>
    public int StatusCode { get; }

    /// <summary>The function's own error, or <see langword="null"/> when it succeeded.</summary>
    public FunctionError? FunctionError { get; }

    /// <summary><see langword="true"/> when the function itself failed (see <see cref="FunctionError"/>).</summary>
    public bool IsFunctionError => FunctionError is not null;

    /// <summary>The version that ran (AWS Lambda: <c>X-Amz-Executed-Version</c>), or <see langword="null"/>.</summary>
    public string? ExecutedVersion { get; }

    /// <summary>The response media type, or <see langword="null"/> when the provider did not say.</summary>
    public string? ContentType { get; }

    /// <summary>Throws a <see cref="FunctionErrorException"/> when the function failed; otherwise returns this result.</summary>
    /// <returns>This result.</returns>
    /// <exception cref="FunctionErrorException">The function failed.</exception>
    public FunctionResult EnsureSuccess()
        => FunctionError is null ? this : throw new FunctionErrorException(FunctionError, this, null, null);

    /// <summary>Reads the payload as JSON (source-generated type information, trimming-safe).</summary>
    /// <typeparam name="T">The payload type.</typeparam>
    /// <param name="typeInfo">The type information, for example <c>MyJsonContext.Default.Order</c>.</param>
    /// <returns>The value.</returns>
    /// <exception cref="FunctionErrorException">The function failed.</exception>
    /// <exception cref="CloudException">InvalidArgument when the payload is not JSON of that shape.</exception>
    public T? GetPayloadAs<T>(JsonTypeInfo<T> typeInfo)
    {
        if (typeInfo is null)
        {
            throw CloudException.InvalidArgument(nameof(typeInfo), "JSON type information is required, for example MyJsonContext.Default.MyType.");
        }

        EnsureSuccess();
        try
        {
            return JsonSerializer.Deserialize(Payload.ToMemory().Span, typeInfo);
        }
        catch (JsonException ex)
        {
            throw new CloudException(CloudErrorCode.InvalidArgument, $"The function's response is not JSON of type {typeof(T).Name}: {ex.Message}", null, ex);
        }
    }
}

/// <summary>The acknowledgement of an event (asynchronous) invocation: the provider queued the payload.</summary>
public sealed class FunctionEventReceipt
{
    /// <summary>Creates a receipt.</summary>
    /// <param name="statusCode">The status the provider answered with (AWS Lambda: 202).</param>
    /// <param name="requestId">The provider's request id, or <see langword="null"/>.</param>
    public FunctionEventReceipt(int statusCode, string? requestId)
    {
        StatusCode = statusCode;
        RequestId = requestId;
    }

    /// <summary>The status the provider answered with.</summary>
    public int StatusCode { get; }

    /// <summary>The provider's request id (AWS Lambda: <c>x-amzn-RequestId</c>), or <see langword="null"/>.</summary>
    public string? RequestId { get; }
}

/// <summary>What a function provider supports. The portable layer checks these before any call.</summary>
public sealed class FunctionCapabilities
{
    /// <summary>Event (asynchronous, fire-and-forget) invocation. Without it <see cref="CloudFunction.InvokeEventAsync(BinaryData, FunctionInvokeOptions?, CancellationToken)"/> throws NotSupported.</summary>
    public bool EventInvocation { get; init; }

    /// <summary>Versions or aliases (<see cref="FunctionInvokeOptions.Qualifier"/>).</summary>
    public bool Qualifiers { get; init; }

    /// <summary>A caller context channel (<see cref="FunctionInvokeOptions.ClientContext"/>).</summary>
    public bool ClientContext { get; init; }

    /// <summary>Payloads of any bytes. When <see langword="false"/> (AWS Lambda), payloads must be JSON and are checked before sending.</summary>
    public bool BinaryPayloads { get; init; } = true;

    /// <summary>The largest request payload of a request/response call, in bytes, or <see langword="null"/> for no limit.</summary>
    public long? MaxPayloadBytes { get; init; }

    /// <summary>The largest payload of an event invocation, in bytes, or <see langword="null"/> for no limit.</summary>
    public long? MaxEventPayloadBytes { get; init; }
}

/// <summary>
/// Raised when a function itself failed (it threw, or its runtime failed while running it), by the calls that return a
/// value rather than a <see cref="FunctionResult"/> (the JSON overloads and <see cref="FunctionResult.EnsureSuccess"/>).
/// Its <see cref="CloudException.ErrorCode"/> is <see cref="CloudErrorCode.Internal"/>: in <c>Polycloud.Functions</c> that
/// code always means the function's own error. Throttling, a missing function, a timeout and a transport failure have
/// their own codes (Throttled, NotFound, Timeout, Unavailable). Function errors are never retried.
/// </summary>
public sealed class FunctionErrorException : CloudException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">The function's error.</param>
    /// <param name="result">The result that carried it.</param>
    /// <param name="provider">The provider name, or <see langword="null"/>.</param>
    /// <param name="functionName">The function name, or <see langword="null"/>.</param>
    public FunctionErrorException(FunctionError error, FunctionResult result, string? provider, string? functionName)
        : base(
            CloudErrorCode.Internal,
            $"{(provider is null ? string.Empty : provider + ": ")}function {(functionName is null ? string.Empty : "'" + functionName + "' ")}failed: {error}",
            provider)
    {
        FunctionError = error;
        Result = result;
    }

    /// <summary>The function's error.</summary>
    public FunctionError FunctionError { get; }

    /// <summary>The result that carried the error (status, raw error payload, executed version).</summary>
    public FunctionResult Result { get; }
}
