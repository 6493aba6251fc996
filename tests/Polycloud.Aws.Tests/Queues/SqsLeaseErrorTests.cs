using System.Net;
using System.Reflection;
using Amazon.SQS;
using Amazon.SQS.Model;
using Polycloud.Aws.Queues;
using Polycloud.Queues;
using Xunit;

namespace Polycloud.Aws.Tests.Queues;

/// <summary>
/// SQS answers a ChangeMessageVisibility on a receipt handle whose lease has ended with a generic
/// <c>InvalidParameterValue</c>; the driver reports it as PreconditionFailed (the visibility timeout, the only other
/// parameter, is checked before the call), without reading the message text. fauxqs does not reject stale receipt
/// handles, so the answer is injected through a stub client.
/// </summary>
public sealed class SqsLeaseErrorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ChangeLease_InvalidParameterValue_IsPreconditionFailed()
    {
        var client = Stub.Create(new AmazonSQSException("Value x for parameter ReceiptHandle is invalid.") { ErrorCode = "InvalidParameterValue", StatusCode = HttpStatusCode.BadRequest });
        await using var driver = new SqsQueueDriver(client, "http://sqs.errors.test/000000000000/errors");
        var message = new ReceivedMessage("m-1", "stale-handle", BinaryData.FromString("x"), new Dictionary<string, string>(), 1, null, DateTimeOffset.UtcNow);
        var ex = await Assert.ThrowsAsync<CloudException>(() => driver.ChangeLeaseAsync(message, TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(CloudErrorCode.PreconditionFailed, ex.ErrorCode);
        Assert.IsType<AmazonSQSException>(ex.InnerException);
    }

    [Fact]
    public async Task ChangeLease_OtherErrors_AreClassifiedByTheTable()
    {
        var client = Stub.Create(new AmazonSQSException("slow down") { ErrorCode = "RequestThrottled", StatusCode = HttpStatusCode.BadRequest });
        await using var driver = new SqsQueueDriver(client, "http://sqs.errors.test/000000000000/errors");
        var message = new ReceivedMessage("m-1", "handle", BinaryData.FromString("x"), new Dictionary<string, string>(), 1, null, DateTimeOffset.UtcNow);
        var native = await Assert.ThrowsAsync<AmazonSQSException>(() => driver.ChangeLeaseAsync(message, TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(CloudErrorCode.Throttled, driver.ClassifyError(native));
    }

    /// <summary>An <see cref="IAmazonSQS"/> whose ChangeMessageVisibilityAsync fails with the given exception.</summary>
    public class Stub : DispatchProxy
    {
        private Exception? _failure;

        public static IAmazonSQS Create(Exception failure)
        {
            var client = DispatchProxy.Create<IAmazonSQS, Stub>();
            ((Stub)(object)client)._failure = failure;
            return client;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
            => targetMethod?.Name switch
            {
                nameof(IAmazonSQS.ChangeMessageVisibilityAsync) => Task.FromException<ChangeMessageVisibilityResponse>(_failure!),
                nameof(IDisposable.Dispose) => null,
                _ => throw new NotSupportedException(targetMethod?.Name),
            };
    }
}
