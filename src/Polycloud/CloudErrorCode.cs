namespace Polycloud;

/// <summary>
/// The portable classification of a failure, the same for every provider. Code that handles errors switches on this
/// value instead of catching provider-specific exception types.
/// </summary>
public enum CloudErrorCode
{
    /// <summary>The cause could not be classified. The native exception is in <see cref="Exception.InnerException"/>.</summary>
    Unknown = 0,

    /// <summary>The resource (blob, queue, message, function, database) does not exist.</summary>
    NotFound,

    /// <summary>The resource already exists and the call asked to create it only if it did not.</summary>
    AlreadyExists,

    /// <summary>A condition attached to the call (for example an ETag match) did not hold.</summary>
    PreconditionFailed,

    /// <summary>The caller is authenticated but not allowed to do this.</summary>
    PermissionDenied,

    /// <summary>The caller's identity could not be established (missing, wrong or expired credentials).</summary>
    Unauthenticated,

    /// <summary>The provider rejected the call because of rate or quota limits; retrying later may succeed.</summary>
    Throttled,

    /// <summary>An argument was invalid. Raised before any network call when the portable layer can tell.</summary>
    InvalidArgument,

    /// <summary>The service could not be reached or is temporarily unavailable; retrying may succeed.</summary>
    Unavailable,

    /// <summary>The call did not complete in the time allowed.</summary>
    Timeout,

    /// <summary>The provider does not support this feature. Never a silent no-op.</summary>
    NotSupported,

    /// <summary>The provider reported an internal error.</summary>
    Internal,
}
