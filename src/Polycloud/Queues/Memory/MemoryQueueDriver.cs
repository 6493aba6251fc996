using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Polycloud.Queues.Drivers;

namespace Polycloud.Queues.Memory;

/// <summary>
/// A queue in process memory: fast, gone when the process ends. For tests and samples. Opened as <c>mem://name</c>:
/// every open of the same name in the process shares one queue (so a sender and a receiver can each open it);
/// <c>?create=false</c> opens only a queue that already exists. The constructor makes a private queue.
/// </summary>
public sealed partial class MemoryQueueDriver : IQueueDriver, Polycloud.Drivers.IResourceLocationProvider
{
    internal static readonly QueueCapabilities MemoryCapabilities = new()
    {
        MaxMessageSize = 1024 * 1024,
        MaxAttributes = 100,
        MaxLease = TimeSpan.FromDays(7),
        MaxDelay = TimeSpan.FromDays(7),
        MaxReceiveBatch = 32,
        MaxSendBatch = 1000,
        MaxNativeWait = TimeSpan.Zero,
        NativeDeadLetter = false,
        DetectsStaleLease = true,
        Ordering = "first-in-first-out (best effort: redelivered messages keep their place)",
    };

    private static readonly ConcurrentDictionary<string, Store> Shared = new(StringComparer.Ordinal);
    private readonly bool _create;
    private readonly bool _shared;
    private readonly TimeProvider _time;
    private Store? _store;

    /// <summary>Creates a private, empty in-memory queue.</summary>
    /// <param name="name">The queue name.</param>
    /// <param name="timeProvider">The clock for leases, delays and retry delays (default <see cref="TimeProvider.System"/>;
    /// tests pass a fake one).</param>
    public MemoryQueueDriver(string name = "memory", TimeProvider? timeProvider = null)
    {
        QueueName = name;
        _time = timeProvider ?? TimeProvider.System;
        _store = new Store();
    }

    private MemoryQueueDriver(string name, bool create, TimeProvider? timeProvider)
    {
        QueueName = name;
        _create = create;
        _shared = true;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public string ProviderName => "memory";

    /// <inheritdoc/>
    public string QueueName { get; }

    /// <inheritdoc/>
    public QueueCapabilities Capabilities => MemoryCapabilities;

    /// <summary>How many messages the queue holds, visible or leased.</summary>
    public int Count
    {
        get
        {
            var store = GetStore();
            lock (store.Gate)
            {
                return store.ById.Count;
            }
        }
    }

    /// <summary>Opens the process-wide queue with this name (what <c>mem://name</c> opens).</summary>
    /// <param name="name">The name.</param>
    /// <param name="create">Create it when it does not exist yet; otherwise operations fail with NotFound until it does.</param>
    /// <param name="timeProvider">The clock that times leases and delays; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <returns>The driver.</returns>
    public static MemoryQueueDriver OpenShared(string name, bool create = true, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var driver = new MemoryQueueDriver(name, create, timeProvider);
        if (create)
        {
            driver._store = Shared.GetOrAdd(name, static _ => new Store());
        }

        return driver;
    }

    /// <summary>Removes the process-wide queue with this name; drivers that opened it keep working on the removed copy.</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when it existed.</returns>
    public static bool DeleteShared(string name) => Shared.TryRemove(name, out _);

    /// <inheritdoc/>
    public Task<IReadOnlyList<string>> SendAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var store = GetStore();
        var ids = new string[messages.Count];
        var now = _time.GetUtcNow();
        lock (store.Gate)
        {
            for (int i = 0; i < messages.Count; i++)
            {
                var m = messages[i];
                string id = (++store.Sequence).ToString("D12", CultureInfo.InvariantCulture);
                var entry = new Entry(id, m.Body.ToArray(), new Dictionary<string, string>(m.Attributes, StringComparer.Ordinal), now, m.GroupId)
                {
                    VisibleAt = m.Delay is { } d ? now + d : now,
                };
                entry.Node = store.Order.AddLast(entry);
                store.ById[id] = entry;
                ids[i] = id;
            }
        }

        return Task.FromResult<IReadOnlyList<string>>(ids);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan leaseDuration, TimeSpan waitTime, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var store = GetStore();
        var now = _time.GetUtcNow();
        List<ReceivedMessage>? result = null;
        lock (store.Gate)
        {
            for (var node = store.Order.First; node is not null && (result?.Count ?? 0) < maxMessages; node = node.Next)
            {
                var e = node.Value;
                if (e.VisibleAt > now)
                {
                    continue;
                }

                e.VisibleAt = now + leaseDuration;
                e.DeliveryCount++;
                e.Token = Guid.NewGuid().ToString("N");
                (result ??= []).Add(new ReceivedMessage(e.Id, e.Token, new BinaryData(e.Body), e.Attributes.AsReadOnly(), e.DeliveryCount, e.EnqueuedAt, e.VisibleAt) { GroupId = e.GroupId });
            }
        }

        return Task.FromResult<IReadOnlyList<ReceivedMessage>>(result ?? (IReadOnlyList<ReceivedMessage>)[]);
    }

    /// <inheritdoc/>
    public Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var store = GetStore();
        lock (store.Gate)
        {
            if (!store.ById.TryGetValue(message.MessageId, out var e))
            {
                return Task.CompletedTask;
            }

            if (e.Token != message.LeaseToken)
            {
                throw StaleLease(message, "complete");
            }

            store.ById.Remove(e.Id);
            store.Order.Remove(e.Node!);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task<string?> ChangeLeaseAsync(ReceivedMessage message, TimeSpan visibleAfter, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var store = GetStore();
        lock (store.Gate)
        {
            if (!store.ById.TryGetValue(message.MessageId, out var e))
            {
                throw new CloudException(CloudErrorCode.NotFound, $"memory: message '{message.MessageId}' is no longer in '{QueueName}' (it was completed).", ProviderName);
            }

            if (e.Token != message.LeaseToken)
            {
                throw StaleLease(message, "change the lease of");
            }

            e.VisibleAt = _time.GetUtcNow() + visibleAfter;
            if (visibleAfter == TimeSpan.Zero)
            {
                e.Token = null;
            }
        }

        return Task.FromResult<string?>(null);
    }

    /// <inheritdoc/>
    public bool IsSameQueue(IQueueDriver other)
        => ReferenceEquals(this, other)
            || (other is MemoryQueueDriver m
                && ((_shared && m._shared && string.Equals(QueueName, m.QueueName, StringComparison.Ordinal))
                    || (_store is not null && ReferenceEquals(_store, m._store))));

    /// <inheritdoc/>
    public CloudErrorCode ClassifyError(Exception exception) => CloudErrorCode.Unknown;

    /// <inheritdoc/>
    public bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class
    {
        value = this as T;
        return value is not null;
    }

    /// <inheritdoc/>
    public Task<QueueProperties> GetPropertiesAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new QueueProperties { ApproximateMessageCount = Count });
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private CloudException StaleLease(ReceivedMessage message, string operation)
        => new(CloudErrorCode.PreconditionFailed, $"memory: cannot {operation} message '{message.MessageId}' in '{QueueName}': its lease expired and it was delivered again (or abandoned); this receipt is stale and the message will be processed again.", ProviderName);

    private Store GetStore()
    {
        if (_store is { } s)
        {
            return s;
        }

        if (Shared.TryGetValue(QueueName, out s))
        {
            _store = s;
            return s;
        }

        throw new CloudException(CloudErrorCode.NotFound, $"memory: the queue '{QueueName}' does not exist in this process (it was opened with create=false).", ProviderName);
    }

    private sealed class Store
    {
        public readonly object Gate = new();
        public readonly LinkedList<Entry> Order = new();
        public readonly Dictionary<string, Entry> ById = new(StringComparer.Ordinal);
        public long Sequence;
    }

    private sealed class Entry(string id, byte[] body, Dictionary<string, string> attributes, DateTimeOffset enqueuedAt, string? groupId)
    {
        public string Id { get; } = id;

        public byte[] Body { get; } = body;

        public Dictionary<string, string> Attributes { get; } = attributes;

        public DateTimeOffset EnqueuedAt { get; } = enqueuedAt;

        public string? GroupId { get; } = groupId;

        public DateTimeOffset VisibleAt { get; set; }

        public int DeliveryCount { get; set; }

        public string? Token { get; set; }

        public LinkedListNode<Entry>? Node { get; set; }
    }
}

/// <summary>Opens <c>mem://name</c> queues, shared by name within the process; <c>?create=false</c> requires the queue to exist.</summary>
public sealed class MemoryQueueDriverFactory : IQueueDriverFactory
{
    private static readonly string[] SchemeList = ["mem"];

    /// <inheritdoc/>
    public IReadOnlyList<string> Schemes => SchemeList;

    /// <inheritdoc/>
    public IQueueDriver Create(CloudUrl url, IServiceProvider? services)
    {
        ArgumentNullException.ThrowIfNull(url);
        bool create = url.GetBoolean("create", true);
        url.ThrowIfUnknownSettings("memory");
        if (url.Host.Length == 0)
        {
            throw CloudException.InvalidArgument("url", $"'{url}' has no queue name; write 'mem://name'.");
        }

        return MemoryQueueDriver.OpenShared(url.Host, create, services?.GetService(typeof(TimeProvider)) as TimeProvider);
    }
}
