using Azure;
using Azure.Identity;
using Polycloud.Drivers;

namespace Polycloud.Azure;

/// <summary>
/// The classification the Azure Storage drivers (Blob, Queue) share: the service's own <c>x-ms-error-code</c> values
/// first, then the codes every Azure Storage service uses (authentication, <c>ServerBusy</c>, <c>OperationTimedOut</c>),
/// then the core status table (<see cref="CloudErrors.FromHttpStatus(int)"/>), and transport failures. docs/errors.md
/// lists every code.
/// </summary>
internal static class AzureStorageErrors
{
    /// <summary>Classifies an Azure SDK, Azure.Identity, Polycloud or transport exception.</summary>
    /// <param name="exception">The exception.</param>
    /// <param name="serviceCodes">The service's own error codes (see <see cref="FromCommonCode"/> for the shared ones).</param>
    /// <returns>The portable code.</returns>
    public static CloudErrorCode Classify(Exception exception, Func<string, CloudErrorCode?> serviceCodes)
    {
        switch (exception)
        {
            case CloudException cloud:
                return cloud.ErrorCode;
            case RequestFailedException { Status: 0 } noResponse:
                // No answer: the cause is the transport failure.
                return noResponse.InnerException is { } inner ? Classify(inner, serviceCodes) : CloudErrorCode.Unavailable;
            case RequestFailedException failed:
                if (failed.ErrorCode is { Length: > 0 } native && (serviceCodes(native) ?? FromCommonCode(native)) is { } byCode)
                {
                    return byCode;
                }

                return CloudErrors.FromHttpStatus(failed.Status);
            case AuthenticationFailedException:
                // Also CredentialUnavailableException, which derives from it.
                return CloudErrorCode.Unauthenticated;
            case AggregateException aggregate when aggregate.InnerExceptions.Count > 0:
                // The SDK's retry policy reports the failure of each attempt; the last one decides. An attempt cancelled
                // inside the retries ran out of the client's network timeout (the caller's own cancellation ends the
                // retries with an OperationCanceledException, never with this aggregate): Timeout.
                return aggregate.InnerExceptions[^1] is OperationCanceledException
                    ? CloudErrorCode.Timeout
                    : Classify(aggregate.InnerExceptions[^1], serviceCodes);
            default:
                return CloudErrors.TryClassifyTransport(exception, out var transport) ? transport : CloudErrorCode.Unknown;
        }
    }

    /// <summary>The error codes every Azure Storage service uses the same way, whatever status they come with.</summary>
    /// <param name="code">The <c>x-ms-error-code</c> value.</param>
    /// <returns>The portable code, or <see langword="null"/> when the code is not one of them.</returns>
    public static CloudErrorCode? FromCommonCode(string code) => code switch
    {
        "AuthenticationFailed" or "InvalidAuthenticationInfo" or "NoAuthenticationInformation" => CloudErrorCode.Unauthenticated,
        "ServerBusy" => CloudErrorCode.Throttled,
        "OperationTimedOut" => CloudErrorCode.Timeout,
        _ => null,
    };
}
