using System.Diagnostics.CodeAnalysis;
using Polycloud.Queues;
using Polycloud.Queues.Drivers;
using Polycloud.Queues.Memory;
using Xunit;

namespace Polycloud.Tests.Queues;

/// <summary>
/// Opening a queue with a dead-letter queue by URL: each way it can fail reports its error, and every driver opened on
/// the way is disposed exactly once; a queue that opens owns both drivers.
/// </summary>
public sealed class QueueOpeningDisposalTests
{
    private static string NewName() => "dispose-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Opens <paramref name="url"/> with a fresh tracking factory, expecting it to fail.</summary>
    private static (CloudException Error, TrackingFactory Factory) OpenFails(string url)
    {
        var factory = new TrackingFactory();
        var opener = new PolycloudOpener().AddQueueDriver(factory);
        return (Assert.Throws<CloudException>(() => opener.OpenQueue(url)), factory);
    }

    [Fact]
    public void A_dead_letter_queue_that_cannot_be_opened_fails_with_its_error_and_the_queue_driver_is_disposed()
    {
        var (ex, factory) = OpenFails($"track://{NewName()}?deadLetterQueue=nope://dead");
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("'nope'", ex.Message, StringComparison.Ordinal);
        var driver = Assert.Single(factory.Created);
        Assert.Equal(1, driver.Disposals);
    }

    [Fact]
    public void A_provider_without_delivery_counts_is_refused_and_its_driver_disposed_before_the_dead_letter_queue_opens()
    {
        string name = NewName();
        var (ex, factory) = OpenFails($"track://{name}?counts=false&deadLetterQueue=track://{name}-dead");
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Equal("deadLetterQueue", ex.Data["ArgumentName"]);
        Assert.Contains("does not report how often a message was delivered", ex.Message, StringComparison.Ordinal);
        var driver = Assert.Single(factory.Created);
        Assert.Equal(1, driver.Disposals);
    }

    [Fact]
    public void The_same_queue_reached_by_two_names_is_refused_with_the_portable_setting_named_and_both_drivers_disposed()
    {
        string name = NewName();
        var (ex, factory) = OpenFails($"track://{name}?deadLetterQueue=" + Uri.EscapeDataString($"track://{name}?alias=other"));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Equal("deadLetterQueue", ex.Data["ArgumentName"]);
        Assert.Equal("track", ex.Provider);
        Assert.Contains("same queue reached by two names", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'track:{name}'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, factory.Created.Count);
        Assert.All(factory.Created, d => Assert.Equal(1, d.Disposals));
    }

    [Fact]
    public void A_dead_letter_queue_whose_own_dead_letter_queue_fails_disposes_every_driver_opened()
    {
        string name = NewName();
        string dead = Uri.EscapeDataString($"track://{name}-dead?counts=false&deadLetterQueue=track://{name}-deeper");
        var (ex, factory) = OpenFails($"track://{name}?deadLetterQueue={dead}");
        Assert.Contains("does not report how often a message was delivered", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, factory.Created.Count);
        Assert.All(factory.Created, d => Assert.Equal(1, d.Disposals));
    }

    [Fact]
    public async Task A_queue_that_opens_owns_its_driver_and_its_dead_letter_queue()
    {
        var factory = new TrackingFactory();
        var opener = new PolycloudOpener().AddQueueDriver(factory);
        string name = NewName();
        var queue = opener.OpenQueue($"track://{name}?maxDeliveries=2&deadLetterQueue=track://{name}-dead");
        Assert.Equal($"{name}-dead", queue.DeadLetterQueue?.Name);
        Assert.Equal(2, factory.Created.Count);
        Assert.All(factory.Created, d => Assert.Equal(0, d.Disposals));
        await queue.DisposeAsync();
        Assert.All(factory.Created, d => Assert.Equal(1, d.Disposals));
    }

    /// <summary>Shared memory queues under the <c>track</c> scheme, each driver counting its disposals.
    /// <c>counts=false</c> makes a driver that reports no delivery counts; <c>alias</c> names the same queue differently.</summary>
    private sealed class TrackingFactory : IQueueDriverFactory
    {
        private readonly Lock _lock = new();
        private readonly List<TrackedDriver> _created = [];

        public IReadOnlyList<string> Schemes => ["track"];

        public IReadOnlyList<TrackedDriver> Created
        {
            get
            {
                lock (_lock)
                {
                    return [.. _created];
                }
            }
        }

        public IQueueDriver Create(CloudUrl url, IServiceProvider? services)
        {
            bool counts = url.GetBoolean("counts", true);
            _ = url.Get("alias");
            url.ThrowIfUnknownSettings("track");
            var driver = new TrackedDriver(MemoryQueueDriver.OpenShared(url.Host), counts);
            lock (_lock)
            {
                _created.Add(driver);
            }

            return driver;
        }
    }

    private sealed class TrackedDriver(MemoryQueueDriver inner, bool reportsDeliveryCount) : IQueueDriver
    {
        private int _disposals;

        public int Disposals => Volatile.Read(ref _disposals);

        public string ProviderName => "track";

        public string QueueName => inner.QueueName;

        public QueueCapabilities Capabilities { get; } = new()
        {
            MaxMessageSize = inner.Capabilities.MaxMessageSize,
            MaxLease = inner.Capabilities.MaxLease,
            MaxDelay = inner.Capabilities.MaxDelay,
            MaxAttributes = inner.Capabilities.MaxAttributes,
            MaxReceiveBatch = inner.Capabilities.MaxReceiveBatch,
            MaxSendBatch = inner.Capabilities.MaxSendBatch,
            MaxNativeWait = inner.Capabilities.MaxNativeWait,
            NativeDeadLetter = false,
            ReportsDeliveryCount = reportsDeliveryCount,
            DetectsStaleLease = inner.Capabilities.DetectsStaleLease,
            Ordering = inner.Capabilities.Ordering,
        };

        public Task<IReadOnlyList<string>> SendAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken) => inner.SendAsync(messages, cancellationToken);

        public Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan leaseDuration, TimeSpan waitTime, CancellationToken cancellationToken)
            => inner.ReceiveAsync(maxMessages, leaseDuration, waitTime, cancellationToken);

        public Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken) => inner.CompleteAsync(message, cancellationToken);

        public Task<string?> ChangeLeaseAsync(ReceivedMessage message, TimeSpan visibleAfter, CancellationToken cancellationToken) => inner.ChangeLeaseAsync(message, visibleAfter, cancellationToken);

        public bool IsSameQueue(IQueueDriver other) => ReferenceEquals(this, other) || inner.IsSameQueue(other is TrackedDriver t ? t.Inner : other);

        public CloudErrorCode ClassifyError(Exception exception) => inner.ClassifyError(exception);

        public bool TryAs<T>([NotNullWhen(true)] out T? value)
            where T : class => inner.TryAs(out value);

        public ValueTask DisposeAsync()
        {
            Interlocked.Increment(ref _disposals);
            return inner.DisposeAsync();
        }

        private MemoryQueueDriver Inner => inner;
    }
}
