using System.Diagnostics.CodeAnalysis;

namespace Polycloud.Functions.Drivers;

/// <summary>
/// The contract a function provider implements: a thin translation of an invocation to the provider's API. Arguments
/// arrive already validated by <see cref="CloudFunction"/> (payload size and format, capabilities), which also does
/// telemetry, timeouts, throttling retries and error wrapping, so a driver only builds the request, calls, and maps the
/// result. A driver must be thread-safe.
/// </summary>
/// <remarks>
/// A function's own failure is not an exception: the driver returns a <see cref="FunctionResult"/> with
/// <see cref="FunctionResult.FunctionError"/> set. Every other failure is thrown and classified by
/// <see cref="ClassifyError"/> (throttling must classify as <see cref="CloudErrorCode.Throttled"/>, a missing function as
/// <see cref="CloudErrorCode.NotFound"/>, a transport failure as <see cref="CloudErrorCode.Unavailable"/>), unless the driver
/// already threw a <see cref="CloudException"/> or an <see cref="OperationCanceledException"/>.
/// Every driver must pass the function conformance suite.
/// </remarks>
public interface IFunctionDriver : IAsyncDisposable
{
    /// <summary>The provider name used in errors and telemetry, for example <c>aws-lambda</c>.</summary>
    string ProviderName { get; }

    /// <summary>The function name.</summary>
    string FunctionName { get; }

    /// <summary>What this provider supports.</summary>
    FunctionCapabilities Capabilities { get; }

    /// <summary>Invokes the function and waits for its response.</summary>
    /// <param name="payload">The validated payload.</param>
    /// <param name="contentType">The payload's media type (never <see langword="null"/>).</param>
    /// <param name="options">The options (never <see langword="null"/>); only features in <see cref="Capabilities"/> are set.</param>
    /// <param name="cancellationToken">Fires on the caller's cancellation and on the call's timeout.</param>
    /// <returns>The result; a function error is a result, not an exception. A <see cref="ValueTask{TResult}"/> so that a
    /// driver whose transport completes synchronously adds no allocation of its own; await it once.</returns>
    ValueTask<FunctionResult> InvokeAsync(BinaryData payload, string contentType, FunctionInvokeOptions options, CancellationToken cancellationToken);

    /// <summary>Queues an event invocation and returns once the provider accepted it, without waiting for the function.
    /// Called only when <see cref="FunctionCapabilities.EventInvocation"/> is set.</summary>
    /// <param name="payload">The validated payload.</param>
    /// <param name="contentType">The payload's media type.</param>
    /// <param name="options">The options.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The receipt.</returns>
    Task<FunctionEventReceipt> InvokeEventAsync(BinaryData payload, string contentType, FunctionInvokeOptions options, CancellationToken cancellationToken);

    /// <summary>Maps a failure the driver threw to the portable error code: the service's native error code where it
    /// overrides the status, else the status by the one table every driver uses
    /// (<see cref="Polycloud.Drivers.CloudErrors.FromHttpStatus(int)"/>), and transport failures by
    /// <see cref="Polycloud.Drivers.CloudErrors.TryClassifyTransport"/> (docs/errors.md).</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The code.</returns>
    CloudErrorCode ClassifyError(Exception exception);

    /// <summary>The escape hatch: gives the native client (or another native object) of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The native type, for example <see cref="HttpClient"/>.</typeparam>
    /// <param name="value">The native object.</param>
    /// <returns><see langword="true"/> when this driver has an object of that type.</returns>
    bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class;
}
