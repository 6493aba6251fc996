namespace Polycloud;

/// <summary>
/// The one exception type thrown by Polycloud's portable APIs. <see cref="ErrorCode"/> says what went wrong in
/// portable terms; <see cref="Provider"/> names the provider; the native SDK exception, when there is one, is the
/// <see cref="Exception.InnerException"/>. Cancellation is reported as <see cref="OperationCanceledException"/>, never
/// as a <see cref="CloudException"/>.
/// </summary>
public class CloudException : Exception
{
    /// <summary>Creates an exception with the given code and message.</summary>
    /// <param name="errorCode">The portable error code.</param>
    /// <param name="message">A message that says what failed and why.</param>
    /// <param name="provider">The provider that raised it (for example <c>aws-s3</c>), or <see langword="null"/> when the
    /// portable layer raised it before calling a provider.</param>
    /// <param name="innerException">The native exception, if any.</param>
    public CloudException(CloudErrorCode errorCode, string message, string? provider = null, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
        Provider = provider;
    }

    /// <summary>Creates an <see cref="CloudErrorCode.Unknown"/> exception. Prefer the constructor that takes a code.</summary>
    public CloudException()
        : this(CloudErrorCode.Unknown, "An unknown cloud error occurred.")
    {
    }

    /// <summary>Creates an <see cref="CloudErrorCode.Unknown"/> exception. Prefer the constructor that takes a code.</summary>
    /// <param name="message">The message.</param>
    public CloudException(string message)
        : this(CloudErrorCode.Unknown, message)
    {
    }

    /// <summary>Creates an <see cref="CloudErrorCode.Unknown"/> exception. Prefer the constructor that takes a code.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The native exception.</param>
    public CloudException(string message, Exception? innerException)
        : this(CloudErrorCode.Unknown, message, null, innerException)
    {
    }

    /// <summary>The portable error code.</summary>
    public CloudErrorCode ErrorCode { get; }

    /// <summary>The provider that raised the error (for example <c>memory</c>, <c>aws-s3</c>, <c>azure-blob</c>), or
    /// <see langword="null"/> when the portable layer rejected the call before reaching a provider.</summary>
    public string? Provider { get; }

    /// <summary>
    /// <see langword="true"/> when retrying the same call later may succeed (<see cref="CloudErrorCode.Throttled"/>,
    /// <see cref="CloudErrorCode.Unavailable"/>, <see cref="CloudErrorCode.Timeout"/>).
    /// </summary>
    public bool IsTransient => Drivers.CloudErrors.IsTransient(ErrorCode);

    /// <summary>Creates an <see cref="CloudErrorCode.InvalidArgument"/> exception for a bad argument, naming it and the rule it broke.</summary>
    /// <param name="argumentName">The parameter or setting name.</param>
    /// <param name="rule">What was wrong, as a sentence.</param>
    /// <returns>The exception, to throw.</returns>
    public static CloudException InvalidArgument(string argumentName, string rule)
        => InvalidArgument(argumentName, rule, null);

    /// <summary>Creates an <see cref="CloudErrorCode.InvalidArgument"/> exception for a bad argument given to a resource of a
    /// known provider, naming the argument and the rule it broke; <see cref="Provider"/> is set.</summary>
    /// <param name="argumentName">The parameter or setting name.</param>
    /// <param name="rule">What was wrong, as a sentence.</param>
    /// <param name="provider">The provider of the resource the argument was given to, or <see langword="null"/>.</param>
    /// <returns>The exception, to throw.</returns>
    public static CloudException InvalidArgument(string argumentName, string rule, string? provider)
        => new(CloudErrorCode.InvalidArgument, $"Invalid argument '{argumentName}': {rule}", string.IsNullOrEmpty(provider) ? null : provider) { Data = { ["ArgumentName"] = argumentName } };

    /// <summary>Creates a <see cref="CloudErrorCode.NotSupported"/> exception for a feature a provider lacks.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="feature">The feature, as a phrase (for example "signed PUT URLs with a token credential").</param>
    /// <param name="hint">What the caller can do instead, or <see langword="null"/>.</param>
    /// <returns>The exception, to throw.</returns>
    public static CloudException NotSupported(string provider, string feature, string? hint = null)
        => new(CloudErrorCode.NotSupported, $"The {provider} provider does not support {feature}." + (hint is null ? string.Empty : " " + hint), provider);
}
