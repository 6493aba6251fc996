using System.Collections.Concurrent;
using Polycloud.Queues;
using Polycloud.Queues.Drivers;
using Xunit;

namespace Polycloud.Testing.Conformance.Queues;

/// <summary>
/// The queue driver conformance suite. Every driver's test project derives from it and says how to create a queue,
/// a queue with a dead-letter queue, and a reference to a queue that does not exist. Leases are 1–2 s so that the
/// suite stays fast.
/// </summary>
public abstract class QueueConformanceTests : IAsyncLifetime
{
    private readonly List<MessageQueue> _opened = [];

    /// <summary>A short lease for the redelivery tests.</summary>
    protected virtual TimeSpan ShortLease => TimeSpan.FromSeconds(1);

    /// <summary>The delivery limit used by the dead-letter test (Pub/Sub's minimum is 5).</summary>
    protected virtual int DeadLetterMaxDeliveries => 2;

    /// <summary>Why completing with a stale lease token cannot be detected on this provider, or <see langword="null"/>.</summary>
    protected virtual string? StaleLeaseSkipReason => null;

    /// <summary>Creates an empty queue with a unique name and returns its driver.</summary>
    protected abstract Task<IQueueDriver> CreateDriverAsync(string name);

    /// <summary>Returns a driver for a queue that does not exist.</summary>
    protected abstract IQueueDriver CreateMissingQueueDriver(string name);

    /// <summary>
    /// Creates a queue whose messages go to a dead-letter queue after <paramref name="maxDeliveries"/> deliveries.
    /// The default uses the portable layer's dead-lettering; providers with a native dead-letter queue override it.
    /// </summary>
    protected virtual async Task<(MessageQueue Queue, MessageQueue DeadLetter)> CreateQueueWithDeadLetterAsync(string name, int maxDeliveries)
    {
        var dlq = Track(new MessageQueue(await CreateDriverAsync(name + "-dlq")));
        var queue = Track(new MessageQueue(await CreateDriverAsync(name), new MessageQueueOptions { DeadLetterQueue = dlq, MaxDeliveries = maxDeliveries, OwnsDeadLetterQueue = false }));
        return (queue, dlq);
    }

    /// <summary>Deletes what the test created.</summary>
    protected virtual ValueTask CleanupAsync() => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await CleanupAsync();
        }
        finally
        {
            foreach (var q in _opened)
            {
                await q.DisposeAsync();
            }
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A unique queue name.</summary>
    protected static string NewName() => "pcq-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Disposes the queue at the end of the test.</summary>
    protected MessageQueue Track(MessageQueue queue)
    {
        _opened.Add(queue);
        return queue;
    }

    private async Task<MessageQueue> NewQueueAsync() => Track(new MessageQueue(await CreateDriverAsync(NewName())));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<ReceivedMessage> ReceiveOneAsync(MessageQueue queue, TimeSpan? lease = null, TimeSpan? wait = null)
    {
        var got = await queue.ReceiveAsync(new QueueReceiveOptions { MaxMessages = 1, LeaseDuration = lease ?? TimeSpan.FromSeconds(30), WaitTime = wait ?? TimeSpan.FromSeconds(10) }, Ct);
        Assert.True(got.Count == 1, $"expected one message from {queue}, got {got.Count}");
        return got[0];
    }

    private static async Task<List<ReceivedMessage>> ReceiveAllAsync(MessageQueue queue, int expected)
    {
        var all = new List<ReceivedMessage>();
        for (int attempt = 0; attempt < 50 && all.Count < expected; attempt++)
        {
            all.AddRange(await queue.ReceiveAsync(new QueueReceiveOptions { MaxMessages = 10, WaitTime = TimeSpan.FromSeconds(2) }, Ct));
        }

        return all;
    }

    private static async Task AssertEmptyAsync(MessageQueue queue, TimeSpan? wait = null)
    {
        var got = await queue.ReceiveAsync(new QueueReceiveOptions { MaxMessages = 10, WaitTime = wait ?? TimeSpan.Zero }, Ct);
        Assert.True(got.Count == 0, $"expected {queue} to have no visible message, got {string.Join(", ", got.Select(m => m.Body.ToString()))}");
    }

    [Fact]
    public async Task Send_and_receive_one()
    {
        var queue = await NewQueueAsync();
        string id = await queue.SendAsync("hello", Ct);
        Assert.False(string.IsNullOrEmpty(id));

        var m = await ReceiveOneAsync(queue);
        Assert.Equal("hello", m.Body.ToString());
        Assert.Equal(id, m.MessageId);
        Assert.False(string.IsNullOrEmpty(m.LeaseToken));
        Assert.True(m.DeliveryCount is 1, $"first delivery count {m.DeliveryCount}");
        if (m.EnqueuedAt is { } at)
        {
            Assert.InRange(at, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
        }

        await queue.CompleteAsync(m, Ct);
        await AssertEmptyAsync(queue);
    }

    [Fact]
    public async Task Send_and_receive_two()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("one", Ct);
        await queue.SendAsync("two", Ct);

        var all = await ReceiveAllAsync(queue, 2);
        Assert.Equal(["one", "two"], all.Select(m => m.Body.ToString()).Order());
        foreach (var m in all)
        {
            await queue.CompleteAsync(m, Ct);
        }

        await AssertEmptyAsync(queue);
    }

    [Fact]
    public async Task Json_body_round_trips()
    {
        var queue = await NewQueueAsync();
        var order = new Order("A-17", 3, ["apple", "pear"]);
        await queue.SendJsonAsync(order, cancellationToken: Ct);

        var m = await ReceiveOneAsync(queue);
        var back = m.BodyAsJson<Order>();
        Assert.NotNull(back);
        Assert.Equal(order.Id, back.Id);
        Assert.Equal(order.Quantity, back.Quantity);
        Assert.Equal(order.Items, back.Items);
        Assert.Equal("application/json", m.Attributes["content-type"]);
        await queue.CompleteAsync(m, Ct);
    }

    [Fact]
    public async Task Non_utf8_body_round_trips_byte_for_byte()
    {
        var queue = await NewQueueAsync();
        byte[] body = [0xFF, 0xFE, 0x00, 0x80, 0xC3, 0x28, 0x0B, (byte)'<', (byte)'&', 0xF0, 0x9F, 0x98];
        await queue.SendAsync(new QueueMessage(body), Ct);

        var m = await ReceiveOneAsync(queue);
        Assert.Equal(body, m.Body.ToArray());
        Assert.DoesNotContain(m.Attributes.Keys, k => k.StartsWith("polycloud-", StringComparison.Ordinal));
        await queue.CompleteAsync(m, Ct);
    }

    [Fact]
    public async Task Attributes_round_trip()
    {
        var queue = await NewQueueAsync();
        var message = new QueueMessage("with attributes");
        message.Attributes["tenant"] = "contoso";
        message.Attributes["trace.id"] = "00-abc-01";
        message.Attributes["note"] = "grüße, 東京 & <xml>";
        await queue.SendAsync(message, Ct);

        var m = await ReceiveOneAsync(queue);
        Assert.Equal(3, m.Attributes.Count);
        Assert.Equal("contoso", m.Attributes["tenant"]);
        Assert.Equal("00-abc-01", m.Attributes["trace.id"]);
        Assert.Equal("grüße, 東京 & <xml>", m.Attributes["note"]);
        await queue.CompleteAsync(m, Ct);
    }

    [Fact]
    public async Task Batch_send_and_receive()
    {
        var queue = await NewQueueAsync();
        var messages = Enumerable.Range(0, 15).Select(i => new QueueMessage($"m{i:D2}") { Attributes = { ["i"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } }).ToList();
        var ids = await queue.SendBatchAsync(messages, Ct);
        Assert.Equal(15, ids.Count);
        Assert.Equal(15, ids.Distinct().Count());

        var all = await ReceiveAllAsync(queue, 15);
        Assert.Equal(messages.Select(m => m.Body.ToString()).Order(), all.Select(m => m.Body.ToString()).Order());
        Assert.All(all, m => Assert.Equal(m.Body.ToString()[1..].TrimStart('0').PadLeft(1, '0'), m.Attributes["i"]));
        Assert.Equal(ids.Order(), all.Select(m => m.MessageId).Order());
        foreach (var m in all)
        {
            await queue.CompleteAsync(m, Ct);
        }

        await AssertEmptyAsync(queue);
    }

    [Fact]
    public async Task Delayed_message_is_invisible_until_the_delay_passes()
    {
        var queue = await NewQueueAsync();
        var message = new QueueMessage("later") { Delay = TimeSpan.FromSeconds(2) };
        if (queue.Capabilities.MaxDelay == TimeSpan.Zero)
        {
            var ex = await Assert.ThrowsAsync<CloudException>(() => queue.SendAsync(message, Ct));
            Assert.Equal(CloudErrorCode.NotSupported, ex.ErrorCode);
            return;
        }

        await queue.SendAsync(message, Ct);
        await AssertEmptyAsync(queue);
        var m = await ReceiveOneAsync(queue, wait: TimeSpan.FromSeconds(10));
        Assert.Equal("later", m.Body.ToString());
        await queue.CompleteAsync(m, Ct);
    }

    [Fact]
    public async Task Lease_expiry_redelivers_with_a_higher_delivery_count()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("again", Ct);
        var first = await ReceiveOneAsync(queue, lease: ShortLease);

        var second = await ReceiveOneAsync(queue, lease: TimeSpan.FromSeconds(30), wait: TimeSpan.FromSeconds(15));
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal("again", second.Body.ToString());
        Assert.Equal(first.DeliveryCount + 1, second.DeliveryCount);
        await queue.CompleteAsync(second, Ct);
    }

    [Fact]
    public async Task Complete_twice_is_harmless()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("once", Ct);
        var m = await ReceiveOneAsync(queue);
        await queue.CompleteAsync(m, Ct);
        await queue.CompleteAsync(m, Ct);
        Assert.True(m.IsSettled);
        await AssertEmptyAsync(queue);
    }

    [Fact]
    public async Task Complete_with_a_stale_lease_token_is_reported()
    {
        if (StaleLeaseSkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        var queue = await NewQueueAsync();
        Assert.True(queue.Capabilities.DetectsStaleLease);
        await queue.SendAsync("contended", Ct);
        var stale = await ReceiveOneAsync(queue, lease: ShortLease);
        var fresh = await ReceiveOneAsync(queue, wait: TimeSpan.FromSeconds(15));
        Assert.Equal(stale.MessageId, fresh.MessageId);

        var ex = await Assert.ThrowsAsync<CloudException>(() => queue.CompleteAsync(stale, Ct));
        Assert.Equal(CloudErrorCode.PreconditionFailed, ex.ErrorCode);
        Assert.Contains(stale.MessageId, ex.Message, StringComparison.Ordinal);
        Assert.False(stale.IsSettled);

        await queue.CompleteAsync(fresh, Ct);
        await AssertEmptyAsync(queue);
    }

    [Fact]
    public async Task Abandon_makes_the_message_visible_at_once()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("retry me", Ct);
        var m = await ReceiveOneAsync(queue, lease: TimeSpan.FromSeconds(60));
        await queue.AbandonAsync(m, cancellationToken: Ct);

        var again = await queue.ReceiveAsync(new QueueReceiveOptions { WaitTime = TimeSpan.FromSeconds(3) }, Ct);
        Assert.Single(again);
        Assert.Equal(m.MessageId, again[0].MessageId);
        if (m.DeliveryCount > 0)
        {
            Assert.Equal(m.DeliveryCount + 1, again[0].DeliveryCount);
        }

        await queue.CompleteAsync(again[0], Ct);
    }

    [Fact]
    public async Task Renew_keeps_the_message_invisible_past_the_original_lease()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("long job", Ct);
        var lease = ShortLease + ShortLease;
        var m = await ReceiveOneAsync(queue, lease: lease);
        await queue.RenewLeaseAsync(m, TimeSpan.FromSeconds(60), Ct);

        // The server measures the lease on its own clock, so real time has to pass; waiting longer only makes the test stricter.
        await Task.Delay(lease * 1.5, Ct);

        await AssertEmptyAsync(queue);
        await queue.CompleteAsync(m, Ct);
        await AssertEmptyAsync(queue);
    }

    [Fact]
    public async Task Lease_renewal_helper_keeps_renewing_until_disposed()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("very long job", Ct);
        var lease = ShortLease * 4;
        var m = await ReceiveOneAsync(queue, lease: lease);
        var renewal = queue.StartLeaseRenewal(m, lease);
        await using (renewal)
        {
            // Waits for the renewals themselves (the server's clock decides when they are due), not for a fixed time.
            using var guard = CancellationTokenSource.CreateLinkedTokenSource(Ct, renewal.LeaseLost);
            guard.CancelAfter(TimeSpan.FromSeconds(60));
            while (renewal.RenewalCount < 2 && !guard.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None);
            }

            await AssertEmptyAsync(queue);
            Assert.False(renewal.LeaseLost.IsCancellationRequested, renewal.Error?.ToString());
        }

        Assert.True(renewal.RenewalCount >= 2, $"renewed {renewal.RenewalCount} times");
        await queue.CompleteAsync(m, Ct);
        await AssertEmptyAsync(queue);
    }

    [Fact]
    public async Task Dead_letter_after_max_deliveries()
    {
        int max = DeadLetterMaxDeliveries;
        var (queue, dlq) = await CreateQueueWithDeadLetterAsync(NewName(), max);
        var message = new QueueMessage("poison") { Attributes = { ["kind"] = "poison" } };
        string id = await queue.SendAsync(message, Ct);

        for (int i = 1; i <= max; i++)
        {
            var m = await ReceiveOneAsync(queue, wait: TimeSpan.FromSeconds(10));
            Assert.Equal(id, m.MessageId);
            Assert.Equal(i, m.DeliveryCount);
            await queue.AbandonAsync(m, cancellationToken: Ct);
        }

        await AssertEmptyAsync(queue, TimeSpan.FromSeconds(2));
        var dead = await ReceiveOneAsync(dlq, wait: TimeSpan.FromSeconds(10));
        Assert.Equal("poison", dead.Body.ToString());
        Assert.Equal("poison", dead.Attributes["kind"]);
        await dlq.CompleteAsync(dead, Ct);
    }

    [Fact]
    public async Task Receive_on_a_missing_queue_fails_with_NotFound()
    {
        var queue = Track(new MessageQueue(CreateMissingQueueDriver("pcq-missing-" + Guid.NewGuid().ToString("N")[..8])));
        var ex = await Assert.ThrowsAsync<CloudException>(() => queue.ReceiveAsync(cancellationToken: Ct));
        Assert.Equal(CloudErrorCode.NotFound, ex.ErrorCode);
        Assert.Equal(queue.Provider, ex.Provider);
    }

    [Fact]
    public async Task Properties_are_read_without_leasing_anything()
    {
        var queue = await NewQueueAsync();
        await queue.SendBatchAsync([new QueueMessage("a"), new QueueMessage("b")], Ct);
        var properties = await queue.GetPropertiesAsync(Ct);
        if (properties.ApproximateMessageCount is { } count)
        {
            Assert.Equal(2, count);
        }

        // The properties call leased nothing: the first receive of each message is its first delivery.
        var received = await ReceiveAllAsync(queue, 2);
        Assert.Equal(2, received.Count);
        Assert.All(received, m => Assert.True(m.DeliveryCount <= 1, $"delivery {m.DeliveryCount}: the properties call must not lease messages"));
    }

    [Fact]
    public async Task Properties_of_a_missing_queue_fail_with_NotFound()
    {
        var queue = Track(new MessageQueue(CreateMissingQueueDriver("pcq-missing-" + Guid.NewGuid().ToString("N")[..8])));
        var ex = await Assert.ThrowsAsync<CloudException>(() => queue.GetPropertiesAsync(Ct));
        Assert.Equal(CloudErrorCode.NotFound, ex.ErrorCode);
        Assert.Equal(queue.Provider, ex.Provider);
    }

    [Fact]
    public async Task Cancellation_stops_a_long_poll_promptly()
    {
        var queue = await NewQueueAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var receive = queue.ReceiveAsync(new QueueReceiveOptions { WaitTime = TimeSpan.FromMinutes(10) }, cts.Token);
        await cts.CancelAsync();

        // Only the cancellation can end a ten-minute wait before the one-minute guard.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receive.WaitAsync(TimeSpan.FromMinutes(1), Ct));
    }

    [Fact]
    public async Task Process_abandons_on_exception_and_completes_on_retry()
    {
        var queue = await NewQueueAsync();
        await queue.SendAsync("flaky", Ct);
        int calls = 0;
        var done = new TaskCompletionSource<ReceivedMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new ConcurrentQueue<QueueProcessError>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var loop = queue.ProcessAsync(
            (m, _) =>
            {
                if (Interlocked.Increment(ref calls) == 1)
                {
                    throw new InvalidOperationException("first attempt fails");
                }

                done.TrySetResult(m);
                return Task.CompletedTask;
            },
            new QueueProcessOptions { WaitTime = TimeSpan.FromSeconds(2), OnError = e => { errors.Enqueue(e); return ValueTask.CompletedTask; } },
            stop.Token);

        var second = await done.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.Equal(2, calls);
        if (second.DeliveryCount > 0)
        {
            Assert.Equal(2, second.DeliveryCount);
        }

        Assert.True(second.IsSettled);
        var error = Assert.Single(errors);
        Assert.Equal("handler", error.Stage);
        Assert.IsType<InvalidOperationException>(error.Exception);
        await AssertEmptyAsync(queue);
    }

    [Fact]
    public async Task Process_handles_1000_messages_with_concurrency_8_without_loss_or_duplicates()
    {
        const int count = 1000;
        var queue = await NewQueueAsync();
        await queue.SendBatchAsync(Enumerable.Range(0, count).Select(i => new QueueMessage(i.ToString(System.Globalization.CultureInfo.InvariantCulture))), Ct);

        var seen = new ConcurrentDictionary<string, int>();
        int running = 0;
        int maxRunning = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var errors = new ConcurrentQueue<QueueProcessError>();
        var loop = queue.ProcessAsync(
            async (m, token) =>
            {
                int now = Interlocked.Increment(ref running);
                InterlockedMax(ref maxRunning, now);
                await Task.Yield();
                seen.AddOrUpdate(m.Body.ToString(), 1, (_, n) => n + 1);
                Interlocked.Decrement(ref running);
                if (seen.Count == count)
                {
                    all.TrySetResult();
                }
            },
            new QueueProcessOptions { MaxConcurrency = 8, WaitTime = TimeSpan.FromSeconds(1), OnError = e => { errors.Enqueue(e); return ValueTask.CompletedTask; } },
            stop.Token);

        await all.Task.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Empty(errors);
        Assert.Equal(count, seen.Count);
        Assert.All(seen, kv => Assert.True(kv.Value == 1, $"message {kv.Key} was handled {kv.Value} times"));
        Assert.InRange(maxRunning, 1, 8);
        await AssertEmptyAsync(queue, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Invalid_input_is_rejected_before_any_call()
    {
        var queue = Track(new MessageQueue(CreateMissingQueueDriver("pcq-never-" + Guid.NewGuid().ToString("N")[..8])));
        var bad = new QueueMessage("x") { Attributes = { ["polycloud-secret"] = "v" } };
        Assert.Equal(CloudErrorCode.InvalidArgument, (await Assert.ThrowsAsync<CloudException>(() => queue.SendAsync(bad, Ct))).ErrorCode);
        var empty = new QueueMessage("x") { Attributes = { ["a"] = string.Empty } };
        Assert.Equal(CloudErrorCode.InvalidArgument, (await Assert.ThrowsAsync<CloudException>(() => queue.SendAsync(empty, Ct))).ErrorCode);
        var tooBig = new QueueMessage(new byte[queue.Capabilities.MaxMessageSize + 1]);
        Assert.Equal(CloudErrorCode.InvalidArgument, (await Assert.ThrowsAsync<CloudException>(() => queue.SendAsync(tooBig, Ct))).ErrorCode);
        var ex = await Assert.ThrowsAsync<CloudException>(() => queue.ReceiveAsync(new QueueReceiveOptions { LeaseDuration = queue.Capabilities.MaxLease + TimeSpan.FromSeconds(1) }, Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("LeaseDuration", ex.Message, StringComparison.Ordinal);
        Assert.Equal(CloudErrorCode.InvalidArgument, (await Assert.ThrowsAsync<CloudException>(() => queue.ReceiveAsync(0, cancellationToken: Ct))).ErrorCode);
        Assert.Equal(CloudErrorCode.InvalidArgument, (await Assert.ThrowsAsync<CloudException>(() => queue.SendBatchAsync([], Ct))).ErrorCode);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    /// <summary>A JSON payload.</summary>
    public sealed record Order(string Id, int Quantity, string[] Items);
}
