using Polycloud.Testing.Conformance.Queues;
using Polycloud.Queues;
using Polycloud.Queues.Drivers;

namespace Polycloud.Google.Tests.Queues;

/// <summary>
/// The queue conformance suite against Google's Pub/Sub emulator. Every queue is a new topic and a subscription with a
/// dead-letter policy (Pub/Sub reports delivery attempts only on subscriptions that have one); the dead-letter test
/// uses the native policy with Pub/Sub's minimum of 5 attempts.
/// </summary>
public sealed class PubSubEmulatorConformanceTests : QueueConformanceTests
{
    protected override int DeadLetterMaxDeliveries => 5;

    protected override string? StaleLeaseSkipReason
        => "Pub/Sub (without exactly-once delivery) accepts an acknowledgement of an expired ack id and ignores it, so the stale lease cannot be reported; QueueCapabilities.DetectsStaleLease is false and docs/queues.md says so.";

    protected override async Task<IQueueDriver> CreateDriverAsync(string name)
    {
        PubSubEmulator.SkipIfUnreachable();
        var ct = TestContext.Current.CancellationToken;
        await PubSubEmulator.CreateTopicAsync(name + "-dead", ct);
        return await PubSubEmulator.CreateQueueAsync(name, ct, deadLetterTopicId: name + "-dead", maxDeliveryAttempts: 100);
    }

    protected override IQueueDriver CreateMissingQueueDriver(string name)
    {
        PubSubEmulator.SkipIfUnreachable();
        return PubSubEmulator.Driver(name);
    }

    protected override async Task<(MessageQueue Queue, MessageQueue DeadLetter)> CreateQueueWithDeadLetterAsync(string name, int maxDeliveries)
    {
        PubSubEmulator.SkipIfUnreachable();
        var ct = TestContext.Current.CancellationToken;
        var dlq = Track(new MessageQueue(await PubSubEmulator.CreateQueueAsync(name + "-dlq", ct)));
        var queue = Track(new MessageQueue(await PubSubEmulator.CreateQueueAsync(name, ct, deadLetterTopicId: name + "-dlq", maxDeliveryAttempts: maxDeliveries)));
        return (queue, dlq);
    }
}
