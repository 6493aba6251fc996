namespace Polycloud;

/// <summary>
/// The portable classification of a failure, the same for every provider. Code that handles errors switches on this
/// value instead of catching provider-specific exception types. How each provider's HTTP statuses and native error codes
/// map to it is one table, <see cref="Drivers.CloudErrors"/>, described in docs/errors.md.
/// </summary>
public enum CloudErrorCode
{
    /// <summary>The cause could not be classified. The native exception is in <see cref="Exception.InnerException"/>.</summary>
    Unknown = 0,

    /// <summary>The resource (blob, queue, message, function, database) does not exist.</summary>
    NotFound,

    /// <summary>The resource already exists and the call asked to create it only if it did not.</summary>
    AlreadyExists,

    /// <summary>A condition attached to the call (for example an ETag match) did not hold, or the resource's state conflicts
    /// with the call (HTTP 409 without an "already exists" code: a lease held, a stale pop receipt, a concurrent change).</summary>
    PreconditionFailed,

    /// <summary>The caller is authenticated but not allowed to do this.</summary>
    PermissionDenied,

    /// <summary>The caller's identity could not be established (missing, wrong or expired credentials).</summary>
    Unauthenticated,

    /// <summary>The provider rejected the call because of rate or quota limits; retrying later may succeed.</summary>
    Throttled,

    /// <summary>An argument was invalid. Raised before any network call when the portable layer can tell.</summary>
    InvalidArgument,

    /// <summary>The service could not be reached, or failed to handle the call (HTTP 500, 502, 503); retrying may succeed.</summary>
    Unavailable,

    /// <summary>The call did not complete in the time allowed.</summary>
    Timeout,

    /// <summary>The provider does not support this feature. Never a silent no-op.</summary>
    NotSupported,

    /// <summary>The provider failed in a way retrying will not fix: lost data, or an answer the driver cannot read. A plain
    /// HTTP 500 is <see cref="Unavailable"/>, because services document it as worth retrying.</summary>
    Internal,
}
