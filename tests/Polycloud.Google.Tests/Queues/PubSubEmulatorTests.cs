using System.Collections.Concurrent;
using System.Globalization;
using Polycloud.Google.Queues;
using Polycloud.Queues;

namespace Polycloud.Google.Tests.Queues;

/// <summary>What the conformance suite does not cover, against Google's Pub/Sub emulator: at-least-once delivery
/// through the processing loop, ordering keys, held pulls that outlive a receive, and the input the service refuses.</summary>
public sealed class PubSubEmulatorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Process_1000_messages_at_concurrency_8_loses_none_and_reports_duplicates()
    {
        PubSubEmulator.SkipIfUnreachable();
        const int count = 1000;
        string id = PubSubEmulator.NewId("loop");
        await using var queue = new MessageQueue(await PubSubEmulator.CreateQueueAsync(id, Ct));
        for (int start = 0; start < count; start += 250)
        {
            await queue.SendBatchAsync(Enumerable.Range(start, 250).Select(i => new QueueMessage(i.ToString(CultureInfo.InvariantCulture))).ToList(), Ct);
        }

        var seen = new ConcurrentDictionary<string, int>();
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new ConcurrentQueue<QueueProcessError>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var loop = queue.ProcessAsync(
            async (m, _) =>
            {
                await Task.Yield();
                seen.AddOrUpdate(m.Body.ToString(), 1, (_, n) => n + 1);
                if (seen.Count == count)
                {
                    all.TrySetResult();
                }
            },
            new QueueProcessOptions { MaxConcurrency = 8, WaitTime = TimeSpan.FromSeconds(1), LeaseDuration = TimeSpan.FromSeconds(60), OnError = e => { errors.Enqueue(e); return ValueTask.CompletedTask; } },
            stop.Token);

        await all.Task.WaitAsync(TimeSpan.FromSeconds(120), Ct);
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        int duplicates = seen.Values.Sum(n => n - 1);
        TestContext.Current.TestOutputHelper?.WriteLine($"{count} messages, {seen.Count} distinct handled, {duplicates} duplicate deliveries ({string.Join(", ", seen.Where(kv => kv.Value > 1).Select(kv => $"{kv.Key}x{kv.Value}"))})");
        Assert.Empty(errors);
        Assert.Equal(count, seen.Count);
        var left = await queue.ReceiveAsync(new QueueReceiveOptions { MaxMessages = 10, WaitTime = TimeSpan.FromSeconds(1) }, Ct);
        Assert.Empty(left);
    }

    [Fact]
    public async Task A_receive_after_an_idle_receive_timed_out_gets_the_next_message_in_its_own_wait()
    {
        PubSubEmulator.SkipIfUnreachable();
        string id = PubSubEmulator.NewId("idle");
        await using var relayed = await PubSubEmulator.CreateRelayedQueueAsync(id, Ct);
        var queue = relayed.Queue;

        // Idle receives end with nothing while the service still holds their pulls.
        for (int i = 0; i < 2; i++)
        {
            Assert.Empty(await queue.ReceiveAsync(new QueueReceiveOptions { WaitTime = TimeSpan.FromSeconds(1) }, Ct));
        }

        await queue.SendAsync("after idle", Ct);

        // The subscription's ack deadline is 10 s: a message stranded in the abandoned pull would not come back in 5 s.
        await ReceiveOneAndCompleteAsync(queue, "after idle");
    }

    [Fact]
    public async Task A_cancelled_receive_does_not_strand_the_next_message()
    {
        PubSubEmulator.SkipIfUnreachable();
        string id = PubSubEmulator.NewId("cancel");
        await using var relayed = await PubSubEmulator.CreateRelayedQueueAsync(id, Ct);
        var queue = relayed.Queue;
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct))
        {
            var receive = queue.ReceiveAsync(new QueueReceiveOptions { WaitTime = TimeSpan.FromSeconds(30) }, cts.Token);
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receive);
        }

        await queue.SendAsync("after cancel", Ct);

        // A second queue on the same subscription: the message reaches it although the first one stopped waiting.
        await using var other = new MessageQueue(PubSubEmulator.Driver(id));
        await ReceiveOneAndCompleteAsync(other, "after cancel");
    }

    [Fact]
    public async Task Messages_with_one_ordering_key_arrive_in_publish_order()
    {
        PubSubEmulator.SkipIfUnreachable();
        string id = PubSubEmulator.NewId("order");
        await using var queue = new MessageQueue(await PubSubEmulator.CreateQueueAsync(id, Ct, ordering: true));
        for (int i = 0; i < 10; i++)
        {
            await queue.SendAsync(new QueueMessage($"a{i}") { GroupId = "key-a" }, Ct);
            await queue.SendAsync(new QueueMessage($"b{i}") { GroupId = "key-b" }, Ct);
        }

        var order = new Dictionary<string, List<string>>();
        for (int attempt = 0; attempt < 50 && order.Values.Sum(l => l.Count) < 20; attempt++)
        {
            foreach (var m in await queue.ReceiveAsync(new QueueReceiveOptions { MaxMessages = 5, WaitTime = TimeSpan.FromSeconds(2) }, Ct))
            {
                Assert.NotNull(m.GroupId);
                (order.TryGetValue(m.GroupId, out var list) ? list : order[m.GroupId] = []).Add(m.Body.ToString());
                await queue.CompleteAsync(m, Ct);
            }
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"a{i}"), order["key-a"]);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"b{i}"), order["key-b"]);
    }

    [Fact]
    public async Task The_dead_letter_policy_forwards_with_the_source_delivery_count()
    {
        PubSubEmulator.SkipIfUnreachable();
        string id = PubSubEmulator.NewId("dlp");
        await using var dead = new MessageQueue(await PubSubEmulator.CreateQueueAsync(id + "-dlq", Ct));
        await using var queue = new MessageQueue(await PubSubEmulator.CreateQueueAsync(id, Ct, deadLetterTopicId: id + "-dlq", maxDeliveryAttempts: 5));
        Assert.True(queue.Capabilities.NativeDeadLetter);
        await queue.SendAsync("poison", Ct);
        await UseUpDeliveryAttemptsAsync(queue, 5);

        // The emulator forwards the message when the subscription is pulled after the last attempt.
        Assert.Empty(await queue.ReceiveAsync(new QueueReceiveOptions { WaitTime = TimeSpan.FromSeconds(1) }, Ct));
        var d = await ReceiveOneAndCompleteAsync(dead, "poison");
        Assert.Equal("5", d.Attributes["CloudPubSubDeadLetterSourceDeliveryCount"]);
    }

    [Fact]
    public async Task The_dead_letter_policy_forwards_from_an_ordered_subscription()
    {
        PubSubEmulator.SkipIfUnreachable();
        string id = PubSubEmulator.NewId("dlpo");
        await using var dead = new MessageQueue(await PubSubEmulator.CreateQueueAsync(id + "-dlq", Ct));
        await using var queue = new MessageQueue(await PubSubEmulator.CreateQueueAsync(id, Ct, deadLetterTopicId: id + "-dlq", maxDeliveryAttempts: 5, ordering: true));
        await queue.SendAsync(new QueueMessage("poison") { GroupId = "key-a" }, Ct);
        await UseUpDeliveryAttemptsAsync(queue, 5);

        try
        {
            // The service forwards the message; the emulator does so when the subscription is pulled again.
            Assert.Empty(await queue.ReceiveAsync(new QueueReceiveOptions { WaitTime = TimeSpan.Zero }, Ct));
        }
        catch (CloudException e) when (e.InnerException is PubSubException { StatusCode: System.Net.HttpStatusCode.InternalServerError })
        {
            Assert.Skip($"Emulator gap: on a subscription with message ordering and a dead-letter policy, the Pub/Sub emulator answers every pull with 500 once a message has used its delivery attempts (a NullPointerException in its ordered backlog) and never forwards it: {e.Message}");
        }

        await ReceiveOneAndCompleteAsync(dead, "poison");
    }

    [Fact]
    public async Task An_empty_body_with_an_attribute_round_trips()
    {
        PubSubEmulator.SkipIfUnreachable();
        string id = PubSubEmulator.NewId("empty");
        await using var queue = new MessageQueue(await PubSubEmulator.CreateQueueAsync(id, Ct));
        await queue.SendAsync(new QueueMessage(BinaryData.Empty) { Attributes = { ["kind"] = "ping" } }, Ct);
        var m = Assert.Single(await queue.ReceiveAsync(new QueueReceiveOptions { MaxMessages = 1, WaitTime = TimeSpan.FromSeconds(5) }, Ct));
        Assert.Equal(0, m.Body.ToMemory().Length);
        Assert.Equal("ping", m.Attributes["kind"]);
        await queue.CompleteAsync(m, Ct);
    }

    [Fact]
    public async Task The_lease_end_is_stamped_from_the_driver_TimeProvider()
    {
        PubSubEmulator.SkipIfUnreachable();
        string id = PubSubEmulator.NewId("clock");
        _ = await PubSubEmulator.CreateQueueAsync(id, Ct);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero));
        await using var driver = new PubSubQueueDriver(PubSubEmulator.Http, PubSubEmulator.TopicPath(id), id, credential: null, PubSubEmulator.Endpoint) { TimeProvider = clock };
        Assert.Same(clock, driver.TimeProvider);
        await driver.SendAsync([new QueueMessage("x")], Ct);

        // The wait runs on the fake clock, which does not move: the pull ends when the message arrives.
        var received = await driver.ReceiveAsync(1, TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(30), Ct);
        var message = Assert.Single(received);
        Assert.Equal(clock.GetUtcNow().AddSeconds(45), message.LeaseExpiresAt);
        await driver.CompleteAsync(message, Ct);
        await using var unset = PubSubEmulator.Driver(id);
        Assert.Same(TimeProvider.System, unset.TimeProvider);
    }

    /// <summary>Receives one message within 5 s, checks its body and completes it.</summary>
    private static async Task<ReceivedMessage> ReceiveOneAndCompleteAsync(MessageQueue queue, string body)
    {
        var m = Assert.Single(await queue.ReceiveAsync(new QueueReceiveOptions { MaxMessages = 1, WaitTime = TimeSpan.FromSeconds(5) }, Ct));
        Assert.Equal(body, m.Body.ToString());
        await queue.CompleteAsync(m, Ct);
        return m;
    }

    /// <summary>Receives the one message <paramref name="attempts"/> times, checking its delivery count, and gives it back each time.</summary>
    private static async Task UseUpDeliveryAttemptsAsync(MessageQueue queue, int attempts)
    {
        for (int i = 1; i <= attempts; i++)
        {
            var m = Assert.Single(await queue.ReceiveAsync(new QueueReceiveOptions { MaxMessages = 1, WaitTime = TimeSpan.FromSeconds(5) }, Ct));
            Assert.Equal(i, m.DeliveryCount);
            await queue.AbandonAsync(m, cancellationToken: Ct);
        }
    }
}

/// <summary>Input Pub/Sub refuses, and settings it cannot honour: refused before any call (no server is needed).</summary>
public sealed class PubSubValidationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_empty_body_without_attributes_is_refused_before_the_call()
    {
        var server = new FakePubSubServer();
        using var http = new HttpClient(server);
        await using var queue = new MessageQueue(new PubSubQueueDriver(http, "projects/p/topics/orders", "orders", credential: null, PubSubQueueConformanceTests.Endpoint));

        var ex = await Assert.ThrowsAsync<CloudException>(() => queue.SendAsync(new QueueMessage(BinaryData.Empty), Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("message.Body", ex.Message, StringComparison.Ordinal);
        ex = await Assert.ThrowsAsync<CloudException>(() => queue.SendBatchAsync([new QueueMessage("x"), new QueueMessage(string.Empty)], Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("messages[1].Body", ex.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("projects/p/topics/t1", "orders", "topic")]
    [InlineData("projects/p/topics/orders", "s1", "subscription")]
    [InlineData("projects/p/topics/orders", "projects/p/subscriptions/9lives", "subscription")]
    [InlineData("projects/p/topics/goog-orders", "orders", "topic")]
    [InlineData("projects/p/topics/orders", "or ders", "subscription")]
    public void Names_the_service_refuses_are_refused_before_the_call(string topic, string subscription, string argument)
    {
        var server = new FakePubSubServer();
        using var http = new HttpClient(server);
        var ex = Assert.Throws<CloudException>(() => new PubSubQueueDriver(http, topic, subscription, credential: null, PubSubQueueConformanceTests.Endpoint));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains(argument, ex.Message, StringComparison.Ordinal);
        Assert.Contains("3-255 characters", ex.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void Portable_dead_lettering_is_refused_because_Pub_Sub_reports_no_delivery_count_without_a_policy()
    {
        var opener = new PolycloudOpener().AddGoogle();
        var ex = Assert.Throws<CloudException>(() => opener.OpenQueue("gcppubsub://projects/p/topics/orders?subscription=orders&anonymous=true&endpoint=http://127.0.0.1:1&deadLetterQueue=mem://dead&maxDeliveries=3"));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("deadLetterQueue", ex.Message, StringComparison.Ordinal);
        Assert.Contains("dead-letter policy", ex.Message, StringComparison.Ordinal);

        var server = new FakePubSubServer();
        using var http = new HttpClient(server);
        using var dlq = new MessageQueue(new Polycloud.Queues.Memory.MemoryQueueDriver("dead"));
        var driver = new PubSubQueueDriver(http, "projects/p/topics/orders", "orders", credential: null, PubSubQueueConformanceTests.Endpoint);
        ex = Assert.Throws<CloudException>(() => new MessageQueue(driver, new MessageQueueOptions { DeadLetterQueue = dlq, MaxDeliveries = 3 }));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("options.DeadLetterQueue", ex.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }
}
