using System.Runtime.ExceptionServices;

namespace Polycloud.Diagnostics;

/// <summary>
/// The error model every portable type applies, held once: a <see cref="CloudException"/> and the caller's own
/// cancellation pass through; any other cancellation is the operation's timeout; anything else is classified by the
/// driver and wrapped, the native exception inside.
/// </summary>
internal static class PortableErrors
{
    /// <summary>Maps an exception that ended an operation to its portable form.</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="provider">The provider name.</param>
    /// <param name="what">What was being done, for the message, for example <c>read 'a.txt' in 'photos'</c>.</param>
    /// <param name="classify">The driver's classification of native exceptions.</param>
    /// <param name="timeoutDetail">Added to the timeout message, for example <c> after 00:00:05</c>, or <see langword="null"/>.</param>
    /// <param name="callerToken">The caller's cancellation token.</param>
    /// <returns>The exception itself when it is already portable, else a new <see cref="CloudException"/>.</returns>
    public static Exception Map(Exception exception, string provider, string what, Func<Exception, CloudErrorCode> classify, string? timeoutDetail, CancellationToken callerToken)
    {
        switch (exception)
        {
            case CloudException:
                return exception;
            case OperationCanceledException when callerToken.IsCancellationRequested:
                return exception;
            case OperationCanceledException:
                return new CloudException(CloudErrorCode.Timeout, $"{provider}: {what} timed out{timeoutDetail}.", provider, exception);
            default:
                var code = classify(exception);
                return new CloudException(code, $"{provider}: {what} failed ({code}): {exception.Message}", provider, exception);
        }
    }

    /// <summary>
    /// Records a failure on the operation's scope. When the mapped exception is the original one, rethrows it with its
    /// stack trace; otherwise returns the mapped exception for the caller to throw.
    /// </summary>
    /// <param name="scope">The operation's telemetry scope.</param>
    /// <param name="original">The exception caught.</param>
    /// <param name="mapped">Its portable form, from <see cref="Map"/>.</param>
    /// <returns>The exception to throw.</returns>
    public static Exception Fail(in OperationScope scope, Exception original, Exception mapped)
    {
        scope.Fail(mapped);
        if (ReferenceEquals(mapped, original))
        {
            ExceptionDispatchInfo.Throw(original);
        }

        return mapped;
    }

    /// <summary>The portable code of an exception, as the portable types report it.</summary>
    /// <param name="exception">The exception, or <see langword="null"/>.</param>
    /// <param name="classify">The driver's classification of native exceptions.</param>
    /// <returns>The code.</returns>
    public static CloudErrorCode Code(Exception? exception, Func<Exception, CloudErrorCode> classify) => exception switch
    {
        null => CloudErrorCode.Unknown,
        CloudException ce => ce.ErrorCode,
        _ => classify(exception),
    };
}
