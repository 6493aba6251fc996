using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using Amazon.SQS.Model;
using Polycloud.Aws.Blobs;
using Polycloud.Aws.Functions;
using Polycloud.Aws.Queues;
using Polycloud.Testing.Conformance.Errors;

namespace Polycloud.Aws.Tests;

/// <summary>The error classification conformance suite on the S3 driver: <see cref="AmazonS3Exception"/> with the
/// status and <c>Code</c> of an S3 error answer.</summary>
public sealed class S3ErrorClassificationTests : ErrorClassificationConformanceTests
{
    private readonly S3BlobDriver _driver = new(new AmazonS3Client(new BasicAWSCredentials("a", "b"), new AmazonS3Config { ServiceURL = "http://s3.errors.test" }), "errors", new() { DisposeClient = true });

    protected override CloudErrorCode Classify(Exception exception) => _driver.ClassifyError(exception);

    protected override Exception CreateNativeException(int status, string? nativeCode)
        => new AmazonS3Exception($"S3 answered {status} {nativeCode}") { StatusCode = (HttpStatusCode)status, ErrorCode = nativeCode };

    protected override IEnumerable<(int Status, string NativeCode, CloudErrorCode Expected)> NativeCodeOverrides =>
    [
        (404, "NoSuchKey", CloudErrorCode.NotFound),
        (404, "NoSuchBucket", CloudErrorCode.NotFound),
        (404, "NoSuchUpload", CloudErrorCode.NotFound),
        (409, "BucketAlreadyExists", CloudErrorCode.AlreadyExists),
        (409, "BucketAlreadyOwnedByYou", CloudErrorCode.AlreadyExists),
        (412, "PreconditionFailed", CloudErrorCode.PreconditionFailed),
        (409, "ConditionalRequestConflict", CloudErrorCode.PreconditionFailed),
        (503, "SlowDown", CloudErrorCode.Throttled),
        (403, "InvalidAccessKeyId", CloudErrorCode.Unauthenticated),
        (403, "SignatureDoesNotMatch", CloudErrorCode.Unauthenticated),
        (403, "RequestTimeTooSkewed", CloudErrorCode.Unauthenticated),
        (400, "ExpiredToken", CloudErrorCode.Unauthenticated),
        (400, "AuthorizationHeaderMalformed", CloudErrorCode.Unauthenticated),
        (403, "AccessDenied", CloudErrorCode.PermissionDenied),
        (400, "RequestTimeout", CloudErrorCode.Timeout),
    ];

    protected override IEnumerable<(string Name, Exception Exception, CloudErrorCode Expected)> NativeExceptions =>
    [
        ("AmazonClientException without a cause (no credentials)", new AmazonClientException("Failed to resolve AWS credentials."), CloudErrorCode.Unauthenticated),
        ("AmazonClientException around a transport failure", new AmazonClientException("send failed", new HttpRequestException("Connection refused")), CloudErrorCode.Unavailable),
        ("AmazonS3Exception without a status around a timeout", new AmazonS3Exception("no answer", new TimeoutException()), CloudErrorCode.Timeout),
    ];

    protected override IEnumerable<(string Name, Exception Exception)> TransportFailures =>
    [
        .. base.TransportFailures,
        ("AmazonServiceException without a status around an IOException", new AmazonS3Exception("no answer", new IOException("reset"))),
    ];
}

/// <summary>The error classification conformance suite on the SQS driver: <see cref="AmazonSQSException"/> with the
/// status and code of an SQS error answer, and the SDK's typed SQS exceptions.</summary>
public sealed class SqsErrorClassificationTests : ErrorClassificationConformanceTests
{
    private readonly SqsQueueDriver _driver = new(new AmazonSQSClient(new BasicAWSCredentials("a", "b"), new AmazonSQSConfig { ServiceURL = "http://sqs.errors.test" }), "http://sqs.errors.test/000000000000/errors", ownsClient: true);

    protected override CloudErrorCode Classify(Exception exception) => _driver.ClassifyError(exception);

    protected override Exception CreateNativeException(int status, string? nativeCode)
        => new AmazonSQSException($"SQS answered {status} {nativeCode}") { StatusCode = (HttpStatusCode)status, ErrorCode = nativeCode };

    protected override IEnumerable<(int Status, string NativeCode, CloudErrorCode Expected)> NativeCodeOverrides =>
    [
        (400, "AWS.SimpleQueueService.NonExistentQueue", CloudErrorCode.NotFound),
        (400, "QueueDoesNotExist", CloudErrorCode.NotFound),
        (400, "AWS.SimpleQueueService.QueueDeletedRecently", CloudErrorCode.NotFound),
        (400, "ReceiptHandleIsInvalid", CloudErrorCode.PreconditionFailed),
        (400, "AWS.SimpleQueueService.MessageNotInflight", CloudErrorCode.PreconditionFailed),
        (403, "OverLimit", CloudErrorCode.Throttled),
        (400, "RequestThrottled", CloudErrorCode.Throttled),
        (400, "KMS.ThrottlingException", CloudErrorCode.Throttled),
        (400, "ThrottlingException", CloudErrorCode.Throttled),
        (400, "KMS.AccessDeniedException", CloudErrorCode.PermissionDenied),
        (404, "InvalidAddress", CloudErrorCode.InvalidArgument),
        (403, "InvalidClientTokenId", CloudErrorCode.Unauthenticated),
        (403, "SignatureDoesNotMatch", CloudErrorCode.Unauthenticated),
        (400, "ExpiredToken", CloudErrorCode.Unauthenticated),
        (403, "AccessDenied", CloudErrorCode.PermissionDenied),
    ];

    protected override IEnumerable<(string Name, Exception Exception, CloudErrorCode Expected)> NativeExceptions =>
    [
        ("QueueDoesNotExistException", new QueueDoesNotExistException("gone") { StatusCode = HttpStatusCode.BadRequest }, CloudErrorCode.NotFound),
        ("ReceiptHandleIsInvalidException", new ReceiptHandleIsInvalidException("stale") { StatusCode = HttpStatusCode.BadRequest }, CloudErrorCode.PreconditionFailed),
        ("MessageNotInflightException", new MessageNotInflightException("not in flight") { StatusCode = HttpStatusCode.BadRequest }, CloudErrorCode.PreconditionFailed),
        ("OverLimitException", new OverLimitException("too many") { StatusCode = HttpStatusCode.Forbidden }, CloudErrorCode.Throttled),
        ("KmsAccessDeniedException", new KmsAccessDeniedException("kms") { StatusCode = HttpStatusCode.BadRequest }, CloudErrorCode.PermissionDenied),
        ("InvalidAddressException", new InvalidAddressException("bad url") { StatusCode = HttpStatusCode.NotFound }, CloudErrorCode.InvalidArgument),
        ("AmazonClientException without a cause (no credentials)", new AmazonClientException("Failed to resolve AWS credentials."), CloudErrorCode.Unauthenticated),
    ];
}

/// <summary>The error classification conformance suite on the Lambda driver: <see cref="LambdaServiceException"/> with
/// the status and <c>x-amzn-ErrorType</c> of a Lambda error answer (without the header, the driver names the type
/// <c>HTTP {status}</c>).</summary>
public sealed class LambdaErrorClassificationTests : ErrorClassificationConformanceTests
{
    private readonly LambdaFunctionDriver _driver = new("errors", new LambdaFunctionOptions { Region = "eu-west-1", Credentials = new BasicAWSCredentials("a", "b") }, new HttpClient());

    protected override CloudErrorCode Classify(Exception exception) => _driver.ClassifyError(exception);

    protected override Exception CreateNativeException(int status, string? nativeCode)
        => new LambdaServiceException((HttpStatusCode)status, nativeCode ?? "HTTP" + status.ToString(System.Globalization.CultureInfo.InvariantCulture), "from the service");

    protected override IEnumerable<(int Status, string NativeCode, CloudErrorCode Expected)> NativeCodeOverrides =>
    [
        (404, "ResourceNotFoundException", CloudErrorCode.NotFound),
        (429, "TooManyRequestsException", CloudErrorCode.Throttled),
        (502, "EC2ThrottledException", CloudErrorCode.Throttled),
        (502, "KMSAccessDeniedException", CloudErrorCode.PermissionDenied),
        (409, "ResourceConflictException", CloudErrorCode.Unavailable),
        (502, "ResourceNotReadyException", CloudErrorCode.Unavailable),
        (403, "UnrecognizedClientException", CloudErrorCode.Unauthenticated),
        (403, "InvalidSignatureException", CloudErrorCode.Unauthenticated),
        (403, "ExpiredTokenException", CloudErrorCode.Unauthenticated),
        (403, "AccessDeniedException", CloudErrorCode.PermissionDenied),
    ];

    protected override IEnumerable<(string Name, Exception Exception, CloudErrorCode Expected)> NativeExceptions =>
    [
        ("AmazonClientException without a cause (no credentials)", new AmazonClientException("Failed to resolve AWS credentials."), CloudErrorCode.Unauthenticated),
    ];
}
