using System.Net;
using System.Net.Sockets;

namespace Polycloud.Drivers;

/// <summary>
/// The one table that maps an HTTP status to a portable <see cref="CloudErrorCode"/>, and the classification of
/// transport failures, for every driver. A driver first looks its service's native error code up in its own small table
/// of overrides (for example S3 <c>SlowDown</c> is <see cref="CloudErrorCode.Throttled"/> although it comes with 503)
/// and falls back to <see cref="FromHttpStatus(int)"/>; so a status means the same code, and the same
/// <see cref="CloudException.IsTransient"/>, on every provider. docs/errors.md states the table and every override.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Status</term><description>Code (transient?)</description></listheader>
/// <item><term>304</term><description><see cref="CloudErrorCode.PreconditionFailed"/> (a conditional read's condition did not hold)</description></item>
/// <item><term>400</term><description><see cref="CloudErrorCode.InvalidArgument"/></description></item>
/// <item><term>401</term><description><see cref="CloudErrorCode.Unauthenticated"/></description></item>
/// <item><term>403</term><description><see cref="CloudErrorCode.PermissionDenied"/></description></item>
/// <item><term>404, 410</term><description><see cref="CloudErrorCode.NotFound"/></description></item>
/// <item><term>405</term><description><see cref="CloudErrorCode.NotSupported"/></description></item>
/// <item><term>408</term><description><see cref="CloudErrorCode.Timeout"/> (transient)</description></item>
/// <item><term>409</term><description><see cref="CloudErrorCode.PreconditionFailed"/> (the resource's state conflicts with the
/// call; a native code that says "already exists" overrides it to <see cref="CloudErrorCode.AlreadyExists"/>)</description></item>
/// <item><term>412</term><description><see cref="CloudErrorCode.PreconditionFailed"/></description></item>
/// <item><term>413, 416, any other 4xx</term><description><see cref="CloudErrorCode.InvalidArgument"/></description></item>
/// <item><term>429</term><description><see cref="CloudErrorCode.Throttled"/> (transient)</description></item>
/// <item><term>500, 502, 503, any other 5xx</term><description><see cref="CloudErrorCode.Unavailable"/> (transient)</description></item>
/// <item><term>501</term><description><see cref="CloudErrorCode.NotSupported"/></description></item>
/// <item><term>504</term><description><see cref="CloudErrorCode.Timeout"/> (transient)</description></item>
/// <item><term>anything else</term><description><see cref="CloudErrorCode.Unknown"/></description></item>
/// </list>
/// </remarks>
public static class CloudErrors
{
    /// <summary>Maps an HTTP status to the portable code (see the table in the remarks).</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <returns>The portable code; <see cref="CloudErrorCode.Unknown"/> for a status that is not an error.</returns>
    public static CloudErrorCode FromHttpStatus(int status) => status switch
    {
        304 => CloudErrorCode.PreconditionFailed,
        400 => CloudErrorCode.InvalidArgument,
        401 => CloudErrorCode.Unauthenticated,
        403 => CloudErrorCode.PermissionDenied,
        404 or 410 => CloudErrorCode.NotFound,
        405 => CloudErrorCode.NotSupported,
        408 => CloudErrorCode.Timeout,
        409 or 412 => CloudErrorCode.PreconditionFailed,
        429 => CloudErrorCode.Throttled,
        >= 400 and < 500 => CloudErrorCode.InvalidArgument,
        501 => CloudErrorCode.NotSupported,
        504 => CloudErrorCode.Timeout,
        >= 500 and < 600 => CloudErrorCode.Unavailable,
        _ => CloudErrorCode.Unknown,
    };

    /// <summary>Maps an HTTP status to the portable code (see the table in the remarks).</summary>
    /// <param name="status">The HTTP status code.</param>
    /// <returns>The portable code; <see cref="CloudErrorCode.Unknown"/> for a status that is not an error.</returns>
    public static CloudErrorCode FromHttpStatus(HttpStatusCode status) => FromHttpStatus((int)status);

    /// <summary>
    /// Classifies the failures every networked driver shares: an <see cref="HttpRequestException"/> that carries a status
    /// is classified by <see cref="FromHttpStatus(int)"/>; one without a status (no answer), a <see cref="SocketException"/>
    /// or another <see cref="IOException"/> (the connection failed or broke) is <see cref="CloudErrorCode.Unavailable"/>;
    /// a <see cref="TimeoutException"/> is <see cref="CloudErrorCode.Timeout"/>.
    /// </summary>
    /// <param name="exception">The exception.</param>
    /// <param name="code">The portable code, when the exception is a transport failure.</param>
    /// <returns><see langword="true"/> when <paramref name="exception"/> is one of these failures.</returns>
    public static bool TryClassifyTransport(Exception exception, out CloudErrorCode code)
    {
        code = exception switch
        {
            HttpRequestException { StatusCode: { } status } => FromHttpStatus(status),
            HttpRequestException or SocketException or IOException => CloudErrorCode.Unavailable,
            TimeoutException => CloudErrorCode.Timeout,
            _ => CloudErrorCode.Unknown,
        };
        return code != CloudErrorCode.Unknown;
    }

    /// <summary>
    /// Tells whether retrying a call that failed with <paramref name="code"/> may succeed:
    /// <see cref="CloudErrorCode.Throttled"/>, <see cref="CloudErrorCode.Unavailable"/> and <see cref="CloudErrorCode.Timeout"/>.
    /// </summary>
    /// <param name="code">The portable code.</param>
    /// <returns><see langword="true"/> for a transient code.</returns>
    public static bool IsTransient(CloudErrorCode code) => code is CloudErrorCode.Throttled or CloudErrorCode.Unavailable or CloudErrorCode.Timeout;
}
