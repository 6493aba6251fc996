using System.Net;
using Polycloud;

namespace LockInPort.Adapters;

/// <summary>Maps native SDK errors to the portable <see cref="CloudException"/>.</summary>
internal static class NativeErrors
{
    public static CloudException Map(Exception native, string provider) => native switch
    {
        Amazon.Runtime.AmazonServiceException aws => new(FromStatus((int)aws.StatusCode, aws.ErrorCode), aws.Message, provider, aws),
        Azure.RequestFailedException azure => new(FromStatus(azure.Status, azure.ErrorCode), azure.Message, provider, azure),
        Google.GoogleApiException google => new(FromStatus((int)google.HttpStatusCode, null), google.Message, provider, google),
        _ => new(CloudErrorCode.Unknown, native.Message, provider, native),
    };

    private static CloudErrorCode FromStatus(int status, string? code) => code switch
    {
        "SlowDown" or "ServerBusy" => CloudErrorCode.Throttled,
        _ => status switch
        {
            (int)HttpStatusCode.NotFound => CloudErrorCode.NotFound,
            (int)HttpStatusCode.Conflict => CloudErrorCode.AlreadyExists,
            (int)HttpStatusCode.PreconditionFailed => CloudErrorCode.PreconditionFailed,
            (int)HttpStatusCode.Forbidden => CloudErrorCode.PermissionDenied,
            (int)HttpStatusCode.Unauthorized => CloudErrorCode.Unauthenticated,
            (int)HttpStatusCode.TooManyRequests => CloudErrorCode.Throttled,
            (int)HttpStatusCode.ServiceUnavailable => CloudErrorCode.Unavailable,
            _ => CloudErrorCode.Unknown,
        },
    };
}
