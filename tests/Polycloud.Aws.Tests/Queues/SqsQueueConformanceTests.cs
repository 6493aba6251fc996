using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Polycloud.Aws.Queues;
using Polycloud.Testing.Conformance.Queues;
using Polycloud.Queues;
using Polycloud.Queues.Drivers;
using Xunit;

namespace Polycloud.Aws.Tests.Queues;

/// <summary>The queue conformance suite against SQS as served by fauxqs (POLYCLOUD_TEST_FAUXQS, default 127.0.0.1:4566).</summary>
public sealed class SqsQueueConformanceTests : QueueConformanceTests
{
    private readonly AmazonSQSClient _client = CreateClient();
    private readonly List<string> _created = [];

    internal static string Endpoint => Environment.GetEnvironmentVariable("POLYCLOUD_TEST_FAUXQS") is { Length: > 0 } e ? e : "http://127.0.0.1:4566";

    protected override string? StaleLeaseSkipReason
        => "SQS accepts a DeleteMessage with a stale receipt handle (the request succeeds; the service documents that the message may not be deleted), so the stale lease cannot be reported; QueueCapabilities.DetectsStaleLease is false and docs/queues.md says so.";

    internal static AmazonSQSClient CreateClient()
        => new(new BasicAWSCredentials("test", "test"), new AmazonSQSConfig { ServiceURL = Endpoint, AuthenticationRegion = "us-east-1" });

    protected override async Task<IQueueDriver> CreateDriverAsync(string name)
    {
        var url = (await _client.CreateQueueAsync(new CreateQueueRequest { QueueName = name }, TestContext.Current.CancellationToken)).QueueUrl;
        _created.Add(url);
        return new SqsQueueDriver(_client, url);
    }

    protected override IQueueDriver CreateMissingQueueDriver(string name) => new SqsQueueDriver(_client, name);

    protected override async Task<(MessageQueue Queue, MessageQueue DeadLetter)> CreateQueueWithDeadLetterAsync(string name, int maxDeliveries)
    {
        var ct = TestContext.Current.CancellationToken;
        string dlqUrl = (await _client.CreateQueueAsync(new CreateQueueRequest { QueueName = name + "-dlq" }, ct)).QueueUrl;
        _created.Add(dlqUrl);
        var arn = (await _client.GetQueueAttributesAsync(new GetQueueAttributesRequest { QueueUrl = dlqUrl, AttributeNames = ["QueueArn"] }, ct)).Attributes["QueueArn"];
        string url = (await _client.CreateQueueAsync(
            new CreateQueueRequest
            {
                QueueName = name,
                Attributes = new Dictionary<string, string> { ["RedrivePolicy"] = $$"""{"deadLetterTargetArn":"{{arn}}","maxReceiveCount":"{{maxDeliveries}}"}""" },
            },
            ct)).QueueUrl;
        _created.Add(url);
        var queue = Track(new MessageQueue(new SqsQueueDriver(_client, url)));
        Assert.True(queue.Capabilities.NativeDeadLetter);
        return (queue, Track(new MessageQueue(new SqsQueueDriver(_client, dlqUrl))));
    }

    protected override async ValueTask CleanupAsync()
    {
        foreach (string url in _created)
        {
            try
            {
                await _client.DeleteQueueAsync(url);
            }
            catch (AmazonSQSException)
            {
                // Already gone.
            }
        }

        _client.Dispose();
    }
}
