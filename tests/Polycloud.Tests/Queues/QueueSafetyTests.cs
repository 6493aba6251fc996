using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Time.Testing;
using Polycloud.Queues;
using Polycloud.Queues.Drivers;
using Polycloud.Queues.Memory;
using Polycloud.Queues.Sqlite;
using Xunit;

namespace Polycloud.Tests.Queues;

/// <summary>Dead-letter loops, poison messages and the limits a queue enforces before any call.</summary>
public sealed class QueueSafetyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewName() => "safety-" + Guid.NewGuid().ToString("N")[..8];

    [Theory]
    [InlineData("mem://{0}?deadLetterQueue=mem://{0}")]
    [InlineData("mem://{0}?deadLetterQueue=mem%3A%2F%2F{0}%2F")]
    [InlineData("mem://{0}?maxDeliveries=3&deadLetterQueue=MEM://{0}?create=true")]
    public void A_queue_named_as_its_own_dead_letter_queue_is_refused(string template)
    {
        string url = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, NewName());
        var ex = Assert.Throws<CloudException>(() => new PolycloudOpener().OpenQueue(url));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("'deadLetterQueue'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("forever", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_sqlite_queue_reached_by_two_paths_is_refused_as_its_own_dead_letter_queue()
    {
        string dir = Path.Combine(Path.GetTempPath(), "polycloud-queue-tests", Guid.NewGuid().ToString("N"));
        string dead = Uri.EscapeDataString($"sqlite://{dir}/sub/../q.db?queue=orders");
        var ex = Assert.Throws<CloudException>(() => new PolycloudOpener().OpenQueue($"sqlite://{dir}/q.db?queue=orders&deadLetterQueue={dead}"));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Equal("sqlite", ex.Provider);
        Assert.Contains("'deadLetterQueue'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("same queue", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dead_letter_queue_that_reaches_the_same_memory_queue_is_refused_by_identity()
    {
        string name = NewName();
        await using var other = new MessageQueue(MemoryQueueDriver.OpenShared(name));
        var ex = Assert.Throws<CloudException>(() => new MessageQueue(MemoryQueueDriver.OpenShared(name), new MessageQueueOptions { DeadLetterQueue = other, OwnsDeadLetterQueue = false }));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Equal("memory", ex.Provider);
        Assert.Contains("options.DeadLetterQueue", ex.Message, StringComparison.Ordinal);

        // A different queue is fine.
        await using var fine = new MessageQueue(MemoryQueueDriver.OpenShared(name + "-ok"), new MessageQueueOptions { DeadLetterQueue = other, OwnsDeadLetterQueue = false });
        Assert.Same(other, fine.DeadLetterQueue);
    }

    [Fact]
    public void MaxDeliveries_without_a_dead_letter_queue_is_refused_with_the_reason()
    {
        var ex = Assert.Throws<CloudException>(() => new PolycloudOpener().OpenQueue($"mem://{NewName()}?maxDeliveries=3"));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("'maxDeliveries'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("never dropped", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_message_is_not_redelivered_before_its_back_off_has_elapsed()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var driver = new ObservedDriver(new MemoryQueueDriver(NewName(), time));
        await using var queue = new MessageQueue(driver);
        await queue.SendAsync("poison", Ct);

        int calls = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        // Lease renewal is off: the observed driver records every lease change, and a renewal would be read as a retry delay.
        var options = new QueueProcessOptions { RetryDelay = TimeSpan.FromSeconds(10), MaxRetryDelay = TimeSpan.FromMinutes(1), WaitTime = TimeSpan.FromSeconds(30), AutoRenewLease = false };
        var loop = queue.ProcessAsync((m, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new InvalidOperationException("always fails");
        }, options, stop.Token);

        // First failure: abandoned with a delay between half and all of RetryDelay.
        var first = await driver.NextAbandon.Task.WaitAsync(Ct);
        Assert.InRange(first, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
        Assert.Equal(1, Volatile.Read(ref calls));

        driver.ResetAbandon();
        time.Advance(first - TimeSpan.FromMilliseconds(1));
        Assert.Empty(await queue.ReceiveAsync(new QueueReceiveOptions { MaxMessages = 1 }, Ct));
        Assert.Equal(1, Volatile.Read(ref calls));

        // Once the delay has elapsed the loop gets it again; the second delay is twice the first step.
        time.Advance(TimeSpan.FromMilliseconds(2));
        var second = await driver.NextAbandon.Task.WaitAsync(Ct);
        Assert.Equal(2, Volatile.Read(ref calls));
        Assert.InRange(second, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20));

        await stop.CancelAsync();
        await loop;
        Assert.Equal(1, ((MemoryQueueDriver)driver.Inner).Count);
    }

    [Fact]
    public async Task Retry_delays_double_up_to_the_maximum_and_zero_means_at_once()
    {
        var time = new FakeTimeProvider();
        var driver = new ObservedDriver(new MemoryQueueDriver(NewName(), time));
        await using var queue = new MessageQueue(driver);
        await queue.SendAsync("poison", Ct);
        // Lease renewal is off: the observed driver records every lease change, and a renewal would be read as a retry delay.
        var options = new QueueProcessOptions { RetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromSeconds(4), RetryJitter = false, WaitTime = TimeSpan.FromSeconds(30), AutoRenewLease = false };
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var loop = queue.ProcessAsync((_, _) => throw new InvalidOperationException("always fails"), options, stop.Token);
        var delays = new List<TimeSpan>();
        for (int i = 0; i < 4; i++)
        {
            var d = await driver.NextAbandon.Task.WaitAsync(Ct);
            delays.Add(d);
            driver.ResetAbandon();
            time.Advance(d);
        }

        await stop.CancelAsync();
        await loop;
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4)], delays);

        var ex = await Assert.ThrowsAsync<CloudException>(() => queue.ProcessAsync((_, _) => Task.CompletedTask, new QueueProcessOptions { RetryDelay = TimeSpan.FromSeconds(10), MaxRetryDelay = TimeSpan.FromSeconds(1) }, Ct));
        Assert.Contains("options.MaxRetryDelay", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxMessages_above_the_provider_batch_is_refused_naming_provider_and_limit()
    {
        await using var queue = new MessageQueue(new MemoryQueueDriver(NewName()));
        var ex = await Assert.ThrowsAsync<CloudException>(() => queue.ReceiveAsync(new QueueReceiveOptions { MaxMessages = 33 }, Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Equal("memory", ex.Provider);
        Assert.Contains("'options.MaxMessages'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("memory returns at most 32", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not 33", ex.Message, StringComparison.Ordinal);
        await queue.SendBatchAsync(Enumerable.Range(0, 40).Select(i => new QueueMessage($"m{i}")), Ct);
        Assert.Equal(32, (await queue.ReceiveAsync(new QueueReceiveOptions { MaxMessages = 32 }, Ct)).Count);
    }

    [Fact]
    public async Task A_batch_above_the_limit_is_refused_before_anything_is_sent()
    {
        await using var queue = new MessageQueue(new SqliteQueueDriver(Path.Combine(Path.GetTempPath(), "polycloud-queue-tests", Guid.NewGuid().ToString("N"), "q.db")));
        var ex = await Assert.ThrowsAsync<CloudException>(() => queue.SendBatchAsync(Enumerable.Range(0, 1001).Select(i => new QueueMessage($"m{i}")), Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Equal("sqlite", ex.Provider);
        Assert.Contains("'messages'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("at most 1000", ex.Message, StringComparison.Ordinal);
        Assert.Contains("up to 500", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not 1001", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await queue.ReceiveAsync(new QueueReceiveOptions { MaxMessages = 1 }, Ct));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task An_infinite_wait_is_refused_in_words()
    {
        await using var queue = new MessageQueue(new MemoryQueueDriver(NewName()));
        var ex = await Assert.ThrowsAsync<CloudException>(() => queue.ReceiveAsync(new QueueReceiveOptions { WaitTime = Timeout.InfiniteTimeSpan }, Ct));
        Assert.Equal("memory", ex.Provider);
        Assert.Contains("'options.WaitTime'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Timeout.InfiniteTimeSpan", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("-00:00:00.001", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>The memory driver, with a signal when the processing loop abandons a message with a delay.</summary>
    private sealed class ObservedDriver(IQueueDriver inner) : IQueueDriver
    {
        private TaskCompletionSource<TimeSpan> _abandon = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IQueueDriver Inner => inner;

        public TaskCompletionSource<TimeSpan> NextAbandon => Volatile.Read(ref _abandon);

        public string ProviderName => inner.ProviderName;

        public string QueueName => inner.QueueName;

        public QueueCapabilities Capabilities => inner.Capabilities;

        public void ResetAbandon() => Volatile.Write(ref _abandon, new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously));

        public Task<IReadOnlyList<string>> SendAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken) => inner.SendAsync(messages, cancellationToken);

        public Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan leaseDuration, TimeSpan waitTime, CancellationToken cancellationToken)
            => inner.ReceiveAsync(maxMessages, leaseDuration, waitTime, cancellationToken);

        public Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken) => inner.CompleteAsync(message, cancellationToken);

        public async Task<string?> ChangeLeaseAsync(ReceivedMessage message, TimeSpan visibleAfter, CancellationToken cancellationToken)
        {
            var token = await inner.ChangeLeaseAsync(message, visibleAfter, cancellationToken);
            NextAbandon.TrySetResult(visibleAfter);
            return token;
        }

        public CloudErrorCode ClassifyError(Exception exception) => inner.ClassifyError(exception);

        public bool TryAs<T>([NotNullWhen(true)] out T? value)
            where T : class => inner.TryAs(out value);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
