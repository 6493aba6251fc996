using Polycloud.Drivers;

namespace Polycloud.Google;

/// <summary>
/// The native codes the Google drivers share: the canonical status names of Google APIs (<c>error.status</c> in a JSON
/// error, for example <c>NOT_FOUND</c>) and the <c>reason</c> values of the Cloud Storage JSON API. Each overrides the
/// core status table (<see cref="CloudErrors.FromHttpStatus(int)"/>); docs/errors.md lists them.
/// </summary>
internal static class GoogleErrors
{
    /// <summary>Maps a canonical status name to the portable code.</summary>
    /// <param name="status">The status name, for example <c>RESOURCE_EXHAUSTED</c>.</param>
    /// <returns>The portable code, or <see langword="null"/> when the name says no more than the HTTP status
    /// (<c>UNKNOWN</c>, <c>CANCELLED</c>, an unlisted name).</returns>
    public static CloudErrorCode? FromStatus(string? status) => status switch
    {
        "NOT_FOUND" => CloudErrorCode.NotFound,
        "ALREADY_EXISTS" => CloudErrorCode.AlreadyExists,
        "PERMISSION_DENIED" => CloudErrorCode.PermissionDenied,
        "UNAUTHENTICATED" => CloudErrorCode.Unauthenticated,
        "RESOURCE_EXHAUSTED" => CloudErrorCode.Throttled,
        "INVALID_ARGUMENT" or "OUT_OF_RANGE" => CloudErrorCode.InvalidArgument,
        "FAILED_PRECONDITION" or "ABORTED" => CloudErrorCode.PreconditionFailed,

        // INTERNAL comes with 500 and Google's client libraries retry it, as the core table does with 500.
        "UNAVAILABLE" or "INTERNAL" => CloudErrorCode.Unavailable,
        "DEADLINE_EXCEEDED" => CloudErrorCode.Timeout,
        "UNIMPLEMENTED" => CloudErrorCode.NotSupported,
        "DATA_LOSS" => CloudErrorCode.Internal,
        _ => null,
    };

    /// <summary>Maps a Cloud Storage JSON API error <c>reason</c> to the portable code.</summary>
    /// <param name="reason">The reason, for example <c>rateLimitExceeded</c>.</param>
    /// <returns>The portable code, or <see langword="null"/> when the reason says no more than the HTTP status.</returns>
    public static CloudErrorCode? FromStorageReason(string? reason) => reason switch
    {
        // Sent with 429, and by older endpoints with 403.
        "rateLimitExceeded" or "userRateLimitExceeded" or "quotaExceeded" => CloudErrorCode.Throttled,
        "conditionNotMet" => CloudErrorCode.PreconditionFailed,
        "notFound" => CloudErrorCode.NotFound,
        _ => null,
    };
}
