using Amazon.Runtime;
using Polycloud.Drivers;

namespace Polycloud.Aws;

/// <summary>
/// The classification the AWS drivers share: the service's own native codes first, then the codes every AWS service
/// uses (signatures, credentials, throttling), then the core status table (<see cref="CloudErrors.FromHttpStatus(int)"/>),
/// and transport failures. docs/errors.md lists every code.
/// </summary>
internal static class AwsErrors
{
    /// <summary>Classifies an AWS SDK, Polycloud or transport exception.</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="serviceCodes">The service's own native codes (see <see cref="FromCommonCode"/> for the shared ones).</param>
    /// <returns>The portable code.</returns>
    public static CloudErrorCode Classify(Exception exception, Func<string, CloudErrorCode?> serviceCodes)
    {
        switch (exception)
        {
            case CloudException cloud:
                return cloud.ErrorCode;
            case AmazonServiceException service:
                if (service.ErrorCode is { Length: > 0 } native && (serviceCodes(native) ?? FromCommonCode(native)) is { } byCode)
                {
                    return byCode;
                }

                if ((int)service.StatusCode >= 100)
                {
                    return CloudErrors.FromHttpStatus(service.StatusCode);
                }

                return service.InnerException is { } cause ? Classify(cause, serviceCodes) : CloudErrorCode.Unknown;
            case AmazonClientException { InnerException: { } inner }:
                return Classify(inner, serviceCodes);
            case AmazonClientException:
                // Raised by the SDK before it sends anything, without a cause: it could not resolve credentials to sign
                // the request with (the default chain found none, or a profile is incomplete).
                return CloudErrorCode.Unauthenticated;
            default:
                return CloudErrors.TryClassifyTransport(exception, out var transport) ? transport : CloudErrorCode.Unknown;
        }
    }

    /// <summary>The native codes every AWS service uses the same way, whatever status they come with.</summary>
    /// <param name="code">The native code (<c>Code</c> in the error body, or <c>x-amzn-ErrorType</c>).</param>
    /// <returns>The portable code, or <see langword="null"/> when the code is not one of them.</returns>
    public static CloudErrorCode? FromCommonCode(string code) => code switch
    {
        "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "ExpiredToken" or "ExpiredTokenException" or "TokenRefreshRequired" or "InvalidToken"
            or "RequestTimeTooSkewed" or "RequestExpired" or "MissingSecurityHeader" or "AuthorizationHeaderMalformed" or "InvalidClientTokenId"
            or "UnrecognizedClientException" or "InvalidSignatureException" or "IncompleteSignature" or "IncompleteSignatureException"
            or "MissingAuthenticationToken" or "MissingAuthenticationTokenException" => CloudErrorCode.Unauthenticated,
        "AccessDenied" or "AccessDeniedException" => CloudErrorCode.PermissionDenied,
        "SlowDown" or "Throttling" or "ThrottlingException" or "RequestLimitExceeded" or "TooManyRequests" or "TooManyRequestsException"
            or "RequestThrottled" or "RequestThrottledException" => CloudErrorCode.Throttled,
        "RequestTimeout" => CloudErrorCode.Timeout,
        _ => null,
    };
}
