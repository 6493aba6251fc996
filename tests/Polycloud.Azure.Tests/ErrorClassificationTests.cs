using System.Net;
using Azure;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Polycloud.Azure.Blobs;
using Polycloud.Azure.Functions;
using Polycloud.Azure.Queues;
using Polycloud.Testing.Conformance.Errors;

namespace Polycloud.Azure.Tests;

/// <summary>The error classification conformance suite on the Blob driver: <see cref="RequestFailedException"/> with the
/// status and <c>x-ms-error-code</c> of a Blob service answer.</summary>
public sealed class AzureBlobErrorClassificationTests : ErrorClassificationConformanceTests
{
    private readonly AzureBlobDriver _driver = new(new BlobContainerClient("UseDevelopmentStorage=true", "errors"));

    protected override CloudErrorCode Classify(Exception exception) => _driver.ClassifyError(exception);

    protected override Exception CreateNativeException(int status, string? nativeCode)
        => new RequestFailedException(status, $"Blob service answered {status} {nativeCode}", nativeCode, null);

    protected override IEnumerable<(int Status, string NativeCode, CloudErrorCode Expected)> NativeCodeOverrides =>
    [
        (409, "BlobAlreadyExists", CloudErrorCode.AlreadyExists),
        (409, "ContainerAlreadyExists", CloudErrorCode.AlreadyExists),
        (412, "ConditionNotMet", CloudErrorCode.PreconditionFailed),
        (304, "ConditionNotMet", CloudErrorCode.PreconditionFailed),
        (409, "LeaseAlreadyPresent", CloudErrorCode.PreconditionFailed),
        (404, "BlobNotFound", CloudErrorCode.NotFound),
        (404, "ContainerNotFound", CloudErrorCode.NotFound),
        (403, "AuthenticationFailed", CloudErrorCode.Unauthenticated),
        (400, "InvalidAuthenticationInfo", CloudErrorCode.Unauthenticated),
        (401, "NoAuthenticationInformation", CloudErrorCode.Unauthenticated),
        (403, "AuthorizationPermissionMismatch", CloudErrorCode.PermissionDenied),
        (503, "ServerBusy", CloudErrorCode.Throttled),
        (500, "OperationTimedOut", CloudErrorCode.Timeout),
    ];

    protected override IEnumerable<(string Name, Exception Exception, CloudErrorCode Expected)> NativeExceptions =>
    [
        ("AuthenticationFailedException", new AuthenticationFailedException("no token"), CloudErrorCode.Unauthenticated),
        ("CredentialUnavailableException", new CredentialUnavailableException("no credential"), CloudErrorCode.Unauthenticated),
        ("AggregateException of the SDK's retries (last: ServerBusy)", new AggregateException(new RequestFailedException(500, "x", "InternalError", null), new RequestFailedException(503, "busy", "ServerBusy", null)), CloudErrorCode.Throttled),
        ("AggregateException of the SDK's retries (last: the network timeout)", new AggregateException(new HttpIOException(HttpRequestError.ResponseEnded), new TaskCanceledException("exceeded the configured timeout", new TaskCanceledException())), CloudErrorCode.Timeout),
    ];

    protected override IEnumerable<(string Name, Exception Exception)> TransportFailures =>
    [
        .. base.TransportFailures,
        ("RequestFailedException without a response around a transport failure", new RequestFailedException(0, "no response", new HttpRequestException("Connection refused"))),
        ("RequestFailedException without a response or cause", new RequestFailedException(0, "no response")),
    ];
}

/// <summary>The error classification conformance suite on the Queue driver: <see cref="RequestFailedException"/> with the
/// status and <c>x-ms-error-code</c> of a Queue service answer.</summary>
public sealed class AzureQueueErrorClassificationTests : ErrorClassificationConformanceTests
{
    private readonly AzureQueueDriver _driver = new(new QueueClient("UseDevelopmentStorage=true", "errors"));

    protected override CloudErrorCode Classify(Exception exception) => _driver.ClassifyError(exception);

    protected override Exception CreateNativeException(int status, string? nativeCode)
        => new RequestFailedException(status, $"Queue service answered {status} {nativeCode}", nativeCode, null);

    protected override IEnumerable<(int Status, string NativeCode, CloudErrorCode Expected)> NativeCodeOverrides =>
    [
        (404, "QueueNotFound", CloudErrorCode.NotFound),
        (404, "MessageNotFound", CloudErrorCode.NotFound),
        (409, "QueueBeingDeleted", CloudErrorCode.NotFound),
        (409, "QueueAlreadyExists", CloudErrorCode.AlreadyExists),
        (409, "QueueNotEmpty", CloudErrorCode.PreconditionFailed),
        (400, "PopReceiptMismatch", CloudErrorCode.PreconditionFailed),
        (403, "AuthenticationFailed", CloudErrorCode.Unauthenticated),
        (403, "AuthorizationFailure", CloudErrorCode.PermissionDenied),
        (503, "ServerBusy", CloudErrorCode.Throttled),
        (500, "OperationTimedOut", CloudErrorCode.Timeout),
        (413, "RequestBodyTooLarge", CloudErrorCode.InvalidArgument),
    ];

    protected override IEnumerable<(string Name, Exception Exception, CloudErrorCode Expected)> NativeExceptions =>
    [
        ("AuthenticationFailedException", new AuthenticationFailedException("no token"), CloudErrorCode.Unauthenticated),
        ("CredentialUnavailableException", new CredentialUnavailableException("no credential"), CloudErrorCode.Unauthenticated),
        ("AggregateException of the SDK's retries (last: the network timeout)", new AggregateException(new RequestFailedException(503, "busy", "ServerBusy", null), new TaskCanceledException("exceeded the configured timeout")), CloudErrorCode.Timeout),
    ];

    protected override IEnumerable<(string Name, Exception Exception)> TransportFailures =>
    [
        .. base.TransportFailures,
        ("RequestFailedException without a response around a transport failure", new RequestFailedException(0, "no response", new HttpRequestException("Connection refused"))),
    ];
}

/// <summary>The error classification conformance suite on the Azure Functions driver: the platform's answers, thrown as
/// <see cref="HttpRequestException"/> with the status.</summary>
public sealed class AzureFunctionsErrorClassificationTests : ErrorClassificationConformanceTests
{
    private readonly AzureFunctionsDriver _driver = new(new Uri("https://errors.azurewebsites.net/api/errors"), "errors");

    protected override string? NoNativeCodeReason
        => "the Functions host answers platform errors with a status and text only; there is no error code to override it";

    protected override CloudErrorCode Classify(Exception exception) => _driver.ClassifyError(exception);

    protected override Exception CreateNativeException(int status, string? nativeCode)
        => new HttpRequestException($"The function endpoint answered {status}", null, (HttpStatusCode)status);

    protected override IEnumerable<(string Name, Exception Exception, CloudErrorCode Expected)> NativeExceptions =>
    [
        ("AuthenticationFailedException", new AuthenticationFailedException("no token"), CloudErrorCode.Unauthenticated),
        ("CredentialUnavailableException", new CredentialUnavailableException("no credential"), CloudErrorCode.Unauthenticated),
    ];
}
