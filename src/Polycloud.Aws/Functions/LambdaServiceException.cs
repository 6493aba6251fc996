using System.Net;

namespace Polycloud.Aws.Functions;

/// <summary>
/// An error answer from the AWS Lambda Invoke API (not a function error: those are results). The native exception inside
/// a <see cref="CloudException"/> from a Lambda function.
/// </summary>
public sealed class LambdaServiceException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="errorType">The error type (<c>x-amzn-ErrorType</c>), for example <c>TooManyRequestsException</c>.</param>
    /// <param name="message">The service's message.</param>
    /// <param name="requestId">The request id, or <see langword="null"/>.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> the service asked for, or <see langword="null"/>.</param>
    public LambdaServiceException(HttpStatusCode statusCode, string errorType, string message, string? requestId = null, TimeSpan? retryAfter = null)
        : base($"AWS Lambda answered {(int)statusCode} {errorType}: {message}")
    {
        StatusCode = statusCode;
        ErrorType = errorType;
        RequestId = requestId;
        RetryAfter = retryAfter;
    }

    /// <summary>Creates the exception.</summary>
    public LambdaServiceException()
        : this(HttpStatusCode.InternalServerError, "Unknown", "unknown error")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    public LambdaServiceException(string message)
        : this(HttpStatusCode.InternalServerError, "Unknown", message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public LambdaServiceException(string message, Exception? innerException)
        : base(message, innerException)
    {
        StatusCode = HttpStatusCode.InternalServerError;
        ErrorType = "Unknown";
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The error type, for example <c>ResourceNotFoundException</c>.</summary>
    public string ErrorType { get; }

    /// <summary>The request id, or <see langword="null"/>.</summary>
    public string? RequestId { get; }

    /// <summary>The delay the service asked for before a retry, or <see langword="null"/>.</summary>
    public TimeSpan? RetryAfter { get; }
}
