using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polycloud.Diagnostics;
using Polycloud.Functions.Drivers;

namespace Polycloud.Functions;

/// <summary>
/// A function (AWS Lambda, Azure Functions HTTP trigger, Google Cloud Functions HTTP function, or a local in-process
/// delegate) invoked the same way whatever the provider. Open one by URL with <see cref="PolycloudOpener.OpenFunction"/>,
/// from configuration with <c>services.AddPolycloud(configuration)</c>, or wrap a driver with the constructor.
/// </summary>
/// <remarks>
/// <para>Every call validates its arguments (payload size and format, options, provider capabilities) before any network
/// call, applies the call's timeout, retries throttled calls with jittered exponential backoff, reports failures as
/// <see cref="CloudException"/> with a portable <see cref="CloudErrorCode"/> (the native exception inside), and emits one
/// span and metrics under <see cref="PolycloudDiagnostics.ActivitySourceName"/>.</para>
/// <para>Errors: the function's own failure is <see cref="FunctionResult.FunctionError"/> on the result (or a
/// <see cref="FunctionErrorException"/>, code <see cref="CloudErrorCode.Internal"/>, from the JSON overloads); throttling
/// is <see cref="CloudErrorCode.Throttled"/> (after the retries), a missing function <see cref="CloudErrorCode.NotFound"/>,
/// the call's timeout <see cref="CloudErrorCode.Timeout"/>, a transport failure <see cref="CloudErrorCode.Unavailable"/>.
/// Cancellation by the caller is an <see cref="OperationCanceledException"/>.</para>
/// <para>Instances are thread-safe; create one per function and share it.</para>
/// </remarks>
public sealed partial class CloudFunction : IAsyncDisposable, IDisposable
{
    private const string JsonMediaType = "application/json";
    private const string OctetStream = "application/octet-stream";
    private int _disposed;
    private static readonly System.Buffers.SearchValues<char> QualifierForbidden = System.Buffers.SearchValues.Create("/?#% \t\r\n");
    private readonly IFunctionDriver _driver;
    private readonly CloudFunctionOptions _options;
    private readonly string _provider;
    private readonly string _name;
    private readonly TimeProvider _time;

    /// <summary>Wraps a driver. The function owns it and disposes it.</summary>
    /// <param name="driver">The driver.</param>
    /// <param name="options">Timeout and retry settings for every call; default: <see cref="CloudFunctionOptions"/>'s defaults.</param>
    public CloudFunction(IFunctionDriver driver, CloudFunctionOptions? options = null)
    {
        _driver = driver ?? throw CloudException.InvalidArgument(nameof(driver), "a function driver is required.");
        _options = options ?? CloudFunctionOptions.Default;
        ValidateOptions(_options);
        _provider = driver.ProviderName;
        _name = driver.FunctionName;
        _time = _options.TimeProvider ?? TimeProvider.System;
    }

    /// <summary>The function name.</summary>
    public string Name => _name;

    /// <summary>The provider name, for example <c>local</c>, <c>aws-lambda</c>, <c>azure-functions</c>, <c>gcp-functions</c>.</summary>
    public string Provider => _provider;

    /// <summary>What the provider supports.</summary>
    public FunctionCapabilities Capabilities => _driver.Capabilities;

    /// <summary>Invokes the function with a payload and waits for its response.</summary>
    /// <param name="payload">The request payload (AWS Lambda accepts JSON only).</param>
    /// <param name="options">Timeout, qualifier, content type, client context.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response payload, status and any function error. A function error is returned, not thrown.</returns>
    /// <exception cref="CloudException">NotFound, Throttled (after retries), Timeout, Unavailable, Unauthenticated,
    /// PermissionDenied; InvalidArgument for bad input (for example a payload over the provider's limit).</exception>
    public Task<FunctionResult> InvokeAsync(BinaryData payload, FunctionInvokeOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Not an async method: when the driver completes synchronously (a local function, a cached transport) the call
        // costs no state machine of its own; otherwise InvokeRemainderAsync awaits the pending attempt and retries.
        options ??= FunctionInvokeOptions.Default;
        string contentType;
        try
        {
            if (payload is null)
            {
                throw CloudException.InvalidArgument(nameof(payload), "a payload is required; use BinaryData.Empty for none.");
            }

            contentType = options.ContentType ?? payload.MediaType ?? OctetStream;
            Validate(payload, options, isEvent: false);
        }
        catch (CloudException ex)
        {
            return Task.FromException<FunctionResult>(ex);
        }

        var scope = OperationScope.Start("function.invoke", _provider, _name, options.Qualifier);
        var cts = LinkTimeout(options, cancellationToken, out var token);

        var pending = StartAttempt(payload, contentType, options, token);
        if (pending.IsCompletedSuccessfully)
        {
            var result = pending.Result;
            cts?.Dispose();
            Finish(scope, payload, result);
            return Task.FromResult(result);
        }

        return InvokeRemainderAsync(pending, payload, contentType, options, scope, cts, token, cancellationToken);
    }

    /// <summary>Invokes the function with bytes and waits for its response.</summary>
    /// <param name="payload">The request payload. The bytes are not copied; do not change them until the call completes.</param>
    /// <param name="options">Timeout, qualifier, content type, client context.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response payload, status and any function error.</returns>
    public Task<FunctionResult> InvokeAsync(ReadOnlyMemory<byte> payload, FunctionInvokeOptions? options = null, CancellationToken cancellationToken = default)
        => InvokeAsync(new BinaryData(payload), options, cancellationToken);

    /// <summary>Invokes the function with a value serialized as JSON (source-generated type information) and waits for its response.</summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <param name="request">The request value.</param>
    /// <param name="requestTypeInfo">Its type information, for example <c>MyJsonContext.Default.ResizeRequest</c>.</param>
    /// <param name="options">Timeout, qualifier, client context.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response payload, status and any function error.</returns>
    public Task<FunctionResult> InvokeAsync<TRequest>(TRequest request, JsonTypeInfo<TRequest> requestTypeInfo, FunctionInvokeOptions? options = null, CancellationToken cancellationToken = default)
        => InvokeAsync(Serialize(request, requestTypeInfo), options, cancellationToken);

    /// <summary>
    /// Invokes the function with a JSON request and reads its JSON response (source-generated type information,
    /// trimming- and AOT-safe). A function error is thrown as <see cref="FunctionErrorException"/>.
    /// </summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="request">The request value.</param>
    /// <param name="requestTypeInfo">The request's type information.</param>
    /// <param name="responseTypeInfo">The response's type information.</param>
    /// <param name="options">Timeout, qualifier, client context.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response value.</returns>
    /// <exception cref="FunctionErrorException">The function failed (code <see cref="CloudErrorCode.Internal"/>).</exception>
    public async Task<TResponse?> InvokeAsync<TRequest, TResponse>(
        TRequest request,
        JsonTypeInfo<TRequest> requestTypeInfo,
        JsonTypeInfo<TResponse> responseTypeInfo,
        FunctionInvokeOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        if (responseTypeInfo is null)
        {
            throw CloudException.InvalidArgument(nameof(responseTypeInfo), "JSON type information for the response is required, for example MyJsonContext.Default.MyResponse.");
        }

        var result = await InvokeAsync(Serialize(request, requestTypeInfo), options, cancellationToken).ConfigureAwait(false);
        ThrowIfFunctionError(result);
        return result.GetPayloadAs(responseTypeInfo);
    }

    /// <summary>
    /// Invokes the function with a JSON request and reads its JSON response, using reflection-based serialization.
    /// Prefer the overload with <see cref="JsonTypeInfo{T}"/> in trimmed or native AOT applications.
    /// </summary>
    /// <typeparam name="TRequest">The request type.</typeparam>
    /// <typeparam name="TResponse">The response type.</typeparam>
    /// <param name="request">The request value.</param>
    /// <param name="jsonOptions">Serializer options; default: <see cref="JsonSerializerOptions.Web"/>.</param>
    /// <param name="options">Timeout, qualifier, client context.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response value.</returns>
    /// <exception cref="FunctionErrorException">The function failed (code <see cref="CloudErrorCode.Internal"/>).</exception>
    [RequiresUnreferencedCode("Reflection-based JSON serialization; use the overload that takes JsonTypeInfo<T>.")]
    [RequiresDynamicCode("Reflection-based JSON serialization; use the overload that takes JsonTypeInfo<T>.")]
    public Task<TResponse?> InvokeAsync<TRequest, TResponse>(
        TRequest request,
        JsonSerializerOptions? jsonOptions = null,
        FunctionInvokeOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        jsonOptions ??= JsonSerializerOptions.Web;
        return InvokeAsync(
            request,
            (JsonTypeInfo<TRequest>)jsonOptions.GetTypeInfo(typeof(TRequest)),
            (JsonTypeInfo<TResponse>)jsonOptions.GetTypeInfo(typeof(TResponse)),
            options,
            cancellationToken);
    }

    /// <summary>
    /// Queues an event (asynchronous, fire-and-forget) invocation and returns once the provider accepted it, without
    /// waiting for the function to run. Its outcome is not reported to the caller (AWS Lambda: configure a destination or
    /// dead-letter queue). Providers without event invocation throw NotSupported; see <see cref="FunctionCapabilities.EventInvocation"/>.
    /// </summary>
    /// <param name="payload">The event payload.</param>
    /// <param name="options">Timeout (of the hand-off, not of the function), qualifier, content type, client context.</param>
    /// <param name="cancellationToken">Cancels the hand-off.</param>
    /// <returns>The provider's receipt.</returns>
    public async Task<FunctionEventReceipt> InvokeEventAsync(BinaryData payload, FunctionInvokeOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (payload is null)
        {
            throw CloudException.InvalidArgument(nameof(payload), "a payload is required; use BinaryData.Empty for none.");
        }

        options ??= FunctionInvokeOptions.Default;
        string contentType = options.ContentType ?? payload.MediaType ?? OctetStream;
        Validate(payload, options, isEvent: true);
        var scope = OperationScope.Start("function.invoke_event", _provider, _name, options.Qualifier);
        try
        {
            var receipt = await RunAsync(static (d, p, c, o, t) => d.InvokeEventAsync(p, c, o, t), payload, contentType, options, cancellationToken).ConfigureAwait(false);
            scope.Complete(bytesSent: payload.Length);
            return receipt;
        }
        catch (Exception ex)
        {
            throw PortableErrors.Fail(scope, ex, Map(ex, "queue an event for", options, cancellationToken));
        }
    }

    /// <summary>Queues an event invocation with a value serialized as JSON (source-generated type information).</summary>
    /// <typeparam name="TEvent">The event type.</typeparam>
    /// <param name="value">The event value.</param>
    /// <param name="typeInfo">Its type information.</param>
    /// <param name="options">Timeout, qualifier, client context.</param>
    /// <param name="cancellationToken">Cancels the hand-off.</param>
    /// <returns>The provider's receipt.</returns>
    public Task<FunctionEventReceipt> InvokeEventAsync<TEvent>(TEvent value, JsonTypeInfo<TEvent> typeInfo, FunctionInvokeOptions? options = null, CancellationToken cancellationToken = default)
        => InvokeEventAsync(Serialize(value, typeInfo), options, cancellationToken);

    /// <summary>
    /// The escape hatch: gets the provider's native object (for example the <see cref="HttpClient"/> an HTTP driver uses,
    /// or the local <see cref="Local.LocalFunctionRegistry"/>). Code that uses it is tied to that provider.
    /// </summary>
    /// <typeparam name="T">The native type.</typeparam>
    /// <param name="value">The native object.</param>
    /// <returns><see langword="true"/> when the provider has an object of that type.</returns>
    public bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class
        => _driver.TryAs(out value);

    /// <summary>The escape hatch, failing when the provider has no object of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The native type.</typeparam>
    /// <returns>The native object.</returns>
    /// <exception cref="CloudException">NotSupported when the provider has no such object.</exception>
    public T As<T>()
        where T : class
        => _driver.TryAs(out T? value)
            ? value
            : throw CloudException.NotSupported(_provider, $"the native type {typeof(T).FullName}");

    /// <summary>Maps an exception from this function's provider to the portable code, as the function does.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The portable error code.</returns>
    public CloudErrorCode GetErrorCode(Exception exception) => PortableErrors.Code(exception, _driver.ClassifyError);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? _driver.DisposeAsync() : ValueTask.CompletedTask;

    /// <inheritdoc/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override string ToString() => $"{_provider}:{_name}";

    private static BinaryData Serialize<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        if (typeInfo is null)
        {
            throw CloudException.InvalidArgument(nameof(typeInfo), "JSON type information is required, for example MyJsonContext.Default.MyType.");
        }

        return new BinaryData(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), JsonMediaType);
    }

    private static void ValidateOptions(CloudFunctionOptions options)
    {
        ValidateTimeout(options.DefaultTimeout, "options.DefaultTimeout");
        var retry = options.Retry ?? throw CloudException.InvalidArgument("options.Retry", "retry options are required; set MaxAttempts = 1 to disable retries.");
        ValidateAttempts(retry.MaxAttempts, "options.Retry.MaxAttempts");
        if (retry.BaseDelay < TimeSpan.Zero || retry.MaxDelay < retry.BaseDelay)
        {
            throw CloudException.InvalidArgument("options.Retry", $"the backoff delays must satisfy 0 <= BaseDelay <= MaxDelay, not BaseDelay {retry.BaseDelay}, MaxDelay {retry.MaxDelay}.");
        }
    }

    private static void ValidateTimeout(TimeSpan timeout, string name)
    {
        if (timeout != System.Threading.Timeout.InfiniteTimeSpan && (timeout <= TimeSpan.Zero || timeout.TotalMilliseconds > int.MaxValue))
        {
            throw CloudException.InvalidArgument(name, $"the timeout must be positive and at most {TimeSpan.FromMilliseconds(int.MaxValue)}, or Timeout.InfiniteTimeSpan for none; not {timeout}.");
        }
    }

    private static void ValidateAttempts(int attempts, string name)
    {
        if (attempts is < 1 or > 20)
        {
            throw CloudException.InvalidArgument(name, $"the number of attempts must be from 1 to 20, not {attempts}.");
        }
    }

    private void ThrowIfFunctionError(FunctionResult result)
    {
        if (result.FunctionError is not null)
        {
            throw new FunctionErrorException(result.FunctionError, result, _provider, _name);
        }
    }

    private void Validate(BinaryData payload, FunctionInvokeOptions options, bool isEvent)
    {
        var caps = _driver.Capabilities;
        if (options.Timeout is { } timeout)
        {
            ValidateTimeout(timeout, "options.Timeout");
        }

        if (options.MaxAttempts is { } attempts)
        {
            ValidateAttempts(attempts, "options.MaxAttempts");
        }

        if (options.ContentType is { } ct && (ct.Length == 0 || ct.AsSpan().IndexOfAny('\r', '\n') >= 0))
        {
            throw CloudException.InvalidArgument("options.ContentType", "the content type must be a non-empty media type on one line, for example 'application/json'.");
        }

        if (options.Qualifier is { } qualifier)
        {
            if (qualifier.Length is 0 or > 128 || qualifier.AsSpan().IndexOfAny(QualifierForbidden) >= 0 || qualifier.Any(char.IsControl))
            {
                throw CloudException.InvalidArgument("options.Qualifier", $"a qualifier (version or alias) is 1 to 128 characters without '/', '?', '#', '%', spaces or control characters, not '{qualifier}'.");
            }

            if (!caps.Qualifiers)
            {
                throw CloudException.NotSupported(_provider, "function versions or aliases (options.Qualifier)", "Deploy each version as its own function and open it by name.");
            }
        }

        if (options.ClientContext is { Count: > 0 } && !caps.ClientContext)
        {
            throw CloudException.NotSupported(_provider, "a client context (options.ClientContext)", "Pass the values in the payload instead.");
        }

        if (isEvent && !caps.EventInvocation)
        {
            throw CloudException.NotSupported(_provider, "event (asynchronous) invocation", "Call InvokeAsync, or put the work on a queue that triggers the function.");
        }

        long? limit = isEvent ? caps.MaxEventPayloadBytes : caps.MaxPayloadBytes;
        if (limit is { } max && payload.Length > max)
        {
            throw CloudException.InvalidArgument(
                nameof(payload),
                $"the payload is {payload.Length} bytes, over the {max}-byte limit of {_provider} for {(isEvent ? "an event" : "a request/response")} invocation of '{_name}'. Store large inputs in blob storage and pass a reference.");
        }

        if (!caps.BinaryPayloads && !IsJson(payload.ToMemory().Span))
        {
            throw CloudException.InvalidArgument(nameof(payload), $"{_provider} accepts only JSON payloads, and this payload is not valid JSON. Serialize the input as JSON (for binary data, a base64 string).");
        }
    }

    private static bool IsJson(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            if (!reader.Read())
            {
                return false;
            }

            reader.Skip();
            return !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task<T> RunAsync<T>(
        Func<IFunctionDriver, BinaryData, string, FunctionInvokeOptions, CancellationToken, Task<T>> call,
        BinaryData payload,
        string contentType,
        FunctionInvokeOptions options,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var cts = LinkTimeout(options, cancellationToken, out var token);

        try
        {
            int maxAttempts = options.MaxAttempts ?? _options.Retry.MaxAttempts;
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    return await call(_driver, payload, contentType, options, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (attempt < maxAttempts && !token.IsCancellationRequested && IsThrottled(ex))
                {
                    await Task.Delay(Backoff(attempt, ex), _time, token).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            cts?.Dispose();
        }
    }

    /// <summary>The call's timeout, when it has one, as a source linked to the caller's token (dispose it after the call).</summary>
    private CancellationTokenSource? LinkTimeout(FunctionInvokeOptions options, CancellationToken cancellationToken, out CancellationToken token)
    {
        TimeSpan timeout = options.Timeout ?? _options.DefaultTimeout;
        token = cancellationToken;
        if (timeout == System.Threading.Timeout.InfiniteTimeSpan)
        {
            return null;
        }

        CancellationTokenSource cts;
        if (ReferenceEquals(_time, TimeProvider.System))
        {
            cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            cts.CancelAfter(timeout);
        }
        else
        {
            cts = new ClockTimeoutSource(timeout, _time, cancellationToken);
        }

        token = cts.Token;
        return cts;
    }

    /// <summary>A source cancelled by the caller's token or, after the timeout, by a timer of the given clock.</summary>
    private sealed class ClockTimeoutSource : CancellationTokenSource
    {
        private readonly ITimer _timer;
        private readonly CancellationTokenRegistration _caller;

        public ClockTimeoutSource(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
        {
            _caller = cancellationToken.UnsafeRegister(static s => ((ClockTimeoutSource)s!).TryCancel(), this);
            _timer = time.CreateTimer(static s => ((ClockTimeoutSource)s!).TryCancel(), this, timeout, System.Threading.Timeout.InfiniteTimeSpan);
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _timer.Dispose();
                _caller.Dispose();
            }

            base.Dispose(disposing);
        }

        private void TryCancel()
        {
            try
            {
                Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The call ended first.
            }
        }
    }

    private ValueTask<FunctionResult> StartAttempt(BinaryData payload, string contentType, FunctionInvokeOptions options, CancellationToken token)
    {
        try
        {
            return _driver.InvokeAsync(payload, contentType, options, token);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<FunctionResult>(ex);
        }
    }

    private async Task<FunctionResult> InvokeRemainderAsync(
        ValueTask<FunctionResult> pending,
        BinaryData payload,
        string contentType,
        FunctionInvokeOptions options,
        OperationScope scope,
        CancellationTokenSource? cts,
        CancellationToken token,
        CancellationToken cancellationToken)
    {
        try
        {
            FunctionResult result;
            int maxAttempts = options.MaxAttempts ?? _options.Retry.MaxAttempts;
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    result = await pending.ConfigureAwait(false);
                    break;
                }
                catch (Exception ex) when (attempt < maxAttempts && !token.IsCancellationRequested && IsThrottled(ex))
                {
                    await Task.Delay(Backoff(attempt, ex), _time, token).ConfigureAwait(false);
                }

                pending = StartAttempt(payload, contentType, options, token);
            }

            Finish(scope, payload, result);
            return result;
        }
        catch (Exception ex)
        {
            throw PortableErrors.Fail(scope, ex, Map(ex, "invoke", options, cancellationToken));
        }
        finally
        {
            cts?.Dispose();
        }
    }

    private void Finish(in OperationScope scope, BinaryData payload, FunctionResult result)
    {
        if (result.FunctionError is null)
        {
            scope.Complete(bytesSent: payload.Length, bytesReceived: result.Payload.Length);
        }
        else
        {
            scope.Fail(new FunctionErrorException(result.FunctionError, result, _provider, _name));
        }
    }

    private bool IsThrottled(Exception ex)
        => ex switch
        {
            CloudException ce => ce.ErrorCode == CloudErrorCode.Throttled,
            OperationCanceledException => false,
            _ => _driver.ClassifyError(ex) == CloudErrorCode.Throttled,
        };

    private TimeSpan Backoff(int attempt, Exception ex)
    {
        var retry = _options.Retry;
        double ceiling = Math.Min(retry.MaxDelay.TotalMilliseconds, retry.BaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));

        // Full jitter: a uniformly random delay up to the exponential ceiling spreads out clients throttled together.
#pragma warning disable CA5394 // Jitter, not security.
        var delay = TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
#pragma warning restore CA5394
        var asked = (ex.Data[FunctionRetryOptions.RetryAfterDataKey] ?? ex.InnerException?.Data[FunctionRetryOptions.RetryAfterDataKey]) as TimeSpan?;
        if (asked is null && (ex.Data[FunctionRetryOptions.RetryAtDataKey] ?? ex.InnerException?.Data[FunctionRetryOptions.RetryAtDataKey]) is DateTimeOffset at)
        {
            asked = at - _time.GetUtcNow();
        }

        if (asked is { } retryAfter && retryAfter > delay)
        {
            delay = retryAfter < retry.MaxDelay ? retryAfter : retry.MaxDelay;
        }

        return delay;
    }

    private Exception Map(Exception ex, string operation, FunctionInvokeOptions options, CancellationToken cancellationToken)
        => PortableErrors.Map(ex, _provider, $"{operation} function '{_name}'", _driver.ClassifyError, $" after {options.Timeout ?? _options.DefaultTimeout}", cancellationToken);
}
