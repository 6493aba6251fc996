using System.Net;
using System.Text.Json;
using Google;
using Google.Apis.Auth.OAuth2.Responses;
using Google.Apis.Requests;
using Polycloud.Testing.Conformance.Errors;
using Polycloud.Google.Blobs;
using Polycloud.Google.Functions;
using Polycloud.Google.Queues;

namespace Polycloud.Google.Tests;

/// <summary>The error classification conformance suite on the Cloud Storage driver: <see cref="GoogleApiException"/>
/// with the status and the first <c>reason</c> of a JSON API error.</summary>
public sealed class GcsErrorClassificationTests : ErrorClassificationConformanceTests
{
    protected override CloudErrorCode Classify(Exception exception) => GcsBlobDriver.Classify(exception);

    protected override Exception CreateNativeException(int status, string? nativeCode)
        => new GoogleApiException("storage", $"Cloud Storage answered {status} {nativeCode}")
        {
            HttpStatusCode = (HttpStatusCode)status,
            Error = new RequestError
            {
                Code = status,
                Message = "from the service",
                Errors = nativeCode is null ? [] : [new SingleError { Domain = "global", Reason = nativeCode, Message = "from the service" }],
            },
        };

    protected override IEnumerable<(int Status, string NativeCode, CloudErrorCode Expected)> NativeCodeOverrides =>
    [
        (429, "rateLimitExceeded", CloudErrorCode.Throttled),
        (403, "rateLimitExceeded", CloudErrorCode.Throttled),
        (403, "userRateLimitExceeded", CloudErrorCode.Throttled),
        (403, "quotaExceeded", CloudErrorCode.Throttled),
        (412, "conditionNotMet", CloudErrorCode.PreconditionFailed),
        (304, "conditionNotMet", CloudErrorCode.PreconditionFailed),
        (404, "notFound", CloudErrorCode.NotFound),
        (409, "conflict", CloudErrorCode.PreconditionFailed),
    ];

    protected override IEnumerable<(string Name, Exception Exception, CloudErrorCode Expected)> NativeExceptions =>
    [
        ("TokenResponseException", new TokenResponseException(new TokenErrorResponse { Error = "invalid_grant" }), CloudErrorCode.Unauthenticated),
        ("GoogleApiException without a status around a transport failure", new GoogleApiException("storage", "no answer", new HttpRequestException("Connection refused")), CloudErrorCode.Unavailable),
    ];
}

/// <summary>The error classification conformance suite on the Pub/Sub driver: <see cref="PubSubException"/> with the
/// status and the canonical <c>error.status</c> name of a Pub/Sub JSON error.</summary>
public sealed class PubSubErrorClassificationTests : ErrorClassificationConformanceTests
{
    private readonly PubSubQueueDriver _driver = new(new HttpClient(), "projects/errors/topics/errors", "projects/errors/subscriptions/errors", ownsHttpClient: true);

    protected override CloudErrorCode Classify(Exception exception) => _driver.ClassifyError(exception);

    protected override Exception CreateNativeException(int status, string? nativeCode)
        => new PubSubException((HttpStatusCode)status, nativeCode, $"{status} {nativeCode}: from the service");

    protected override IEnumerable<(int Status, string NativeCode, CloudErrorCode Expected)> NativeCodeOverrides =>
    [
        (404, "NOT_FOUND", CloudErrorCode.NotFound),
        (409, "ALREADY_EXISTS", CloudErrorCode.AlreadyExists),
        (403, "PERMISSION_DENIED", CloudErrorCode.PermissionDenied),
        (401, "UNAUTHENTICATED", CloudErrorCode.Unauthenticated),
        (429, "RESOURCE_EXHAUSTED", CloudErrorCode.Throttled),
        (400, "INVALID_ARGUMENT", CloudErrorCode.InvalidArgument),
        (400, "OUT_OF_RANGE", CloudErrorCode.InvalidArgument),
        (400, "FAILED_PRECONDITION", CloudErrorCode.PreconditionFailed),
        (409, "ABORTED", CloudErrorCode.PreconditionFailed),
        (503, "UNAVAILABLE", CloudErrorCode.Unavailable),
        (500, "INTERNAL", CloudErrorCode.Unavailable),
        (504, "DEADLINE_EXCEEDED", CloudErrorCode.Timeout),
        (501, "UNIMPLEMENTED", CloudErrorCode.NotSupported),
        (500, "DATA_LOSS", CloudErrorCode.Internal),
    ];

    protected override IEnumerable<(string Name, Exception Exception, CloudErrorCode Expected)> NativeExceptions =>
    [
        ("TokenResponseException", new TokenResponseException(new TokenErrorResponse { Error = "invalid_grant" }), CloudErrorCode.Unauthenticated),
        ("JsonException (an answer that is not the documented JSON)", new JsonException("unexpected token"), CloudErrorCode.Internal),
    ];
}

/// <summary>The error classification conformance suite on the Cloud Functions driver: the platform's answers, thrown as
/// <see cref="HttpRequestException"/> with the status.</summary>
public sealed class CloudFunctionsErrorClassificationTests : ErrorClassificationConformanceTests
{
    private readonly CloudFunctionsDriver _driver = new(new Uri("https://europe-west1-errors.cloudfunctions.net/errors"), "errors");

    protected override string? NoNativeCodeReason
        => "Cloud Functions answers platform errors with a status and text only (X-Google-Status marks function errors, which are results, not exceptions)";

    protected override CloudErrorCode Classify(Exception exception) => _driver.ClassifyError(exception);

    protected override Exception CreateNativeException(int status, string? nativeCode)
        => new HttpRequestException($"The function endpoint answered {status}", null, (HttpStatusCode)status);

    protected override IEnumerable<(string Name, Exception Exception, CloudErrorCode Expected)> NativeExceptions =>
    [
        ("TokenResponseException", new TokenResponseException(new TokenErrorResponse { Error = "invalid_grant" }), CloudErrorCode.Unauthenticated),
    ];
}
