using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Polycloud.Queues;

/// <summary>
/// A message to send: a body (bytes, text or JSON), string attributes, and optionally a delay before it becomes
/// visible and a group id for providers that order by group (SQS FIFO queues, Pub/Sub ordering keys).
/// </summary>
public sealed class QueueMessage
{
    /// <summary>Creates a message with a binary body.</summary>
    /// <param name="body">The body; any bytes, including non-UTF-8 content.</param>
    public QueueMessage(BinaryData body)
    {
        Body = body ?? throw CloudException.InvalidArgument(nameof(body), "a message body is required; use BinaryData.Empty for an empty body.");
    }

    /// <summary>Creates a message with a UTF-8 text body.</summary>
    /// <param name="body">The text.</param>
    public QueueMessage(string body)
        : this(body is null ? null! : BinaryData.FromString(body))
    {
        OriginalText = body;
    }

    /// <summary>Creates a message with a binary body.</summary>
    /// <param name="body">The bytes.</param>
    public QueueMessage(byte[] body)
        : this(body is null ? null! : new BinaryData(body))
    {
    }

    /// <summary>Creates a message whose body is <paramref name="value"/> serialized as JSON, with the attribute
    /// <c>content-type: application/json</c>.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="options">Serializer options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The message.</returns>
    /// <remarks>Uses reflection-based serialization; in trimmed or Native AOT applications use the overload that takes
    /// a <see cref="JsonTypeInfo{T}"/> from a source-generated <c>JsonSerializerContext</c>.</remarks>
    [RequiresUnreferencedCode(JsonReflectionMessage)]
    [RequiresDynamicCode(JsonReflectionMessage)]
    [OverloadResolutionPriority(1)]
    public static QueueMessage FromJson<T>(T value, JsonSerializerOptions? options = null)
    {
        var message = new QueueMessage(BinaryData.FromObjectAsJson(value, options));
        message.Attributes["content-type"] = "application/json";
        return message;
    }

    /// <summary>Creates a message whose body is <paramref name="value"/> serialized as JSON with the given (for
    /// example source-generated) type information, with the attribute <c>content-type: application/json</c>. Safe in
    /// trimmed and Native AOT applications.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="jsonTypeInfo">The type information, for example <c>MyJsonContext.Default.Order</c>.</param>
    /// <returns>The message.</returns>
    public static QueueMessage FromJson<T>(T value, JsonTypeInfo<T> jsonTypeInfo)
    {
        ArgumentNullException.ThrowIfNull(jsonTypeInfo);
        var message = new QueueMessage(BinaryData.FromObjectAsJson(value, jsonTypeInfo));
        message.Attributes["content-type"] = "application/json";
        return message;
    }

    internal const string JsonReflectionMessage = "Reflection-based JSON serialization of an arbitrary type cannot be statically analysed; pass a JsonTypeInfo<T> from a source-generated JsonSerializerContext instead.";

    /// <summary>The body.</summary>
    public BinaryData Body { get; }

    /// <summary>The text the message was created from, so that drivers of text-only services need not decode it again.</summary>
    internal string? OriginalText { get; }

    /// <summary>String attributes sent with the message (SQS message attributes, Pub/Sub attributes; an envelope on
    /// providers without attributes). Names are 1 to 256 characters of letters, digits, <c>-</c>, <c>_</c> and <c>.</c>;
    /// names starting with <c>polycloud-</c> are reserved.</summary>
    public IDictionary<string, string> Attributes { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>How long the message stays invisible after it is sent, or <see langword="null"/> for none.
    /// See <see cref="QueueCapabilities.MaxDelay"/>.</summary>
    public TimeSpan? Delay { get; set; }

    /// <summary>The group the message belongs to: the message group id of an SQS FIFO queue (required there),
    /// the ordering key on Pub/Sub. Ignored by providers that do not order by group.</summary>
    public string? GroupId { get; set; }

    /// <summary>The deduplication id of an SQS FIFO queue, when content-based deduplication is off.</summary>
    public string? DeduplicationId { get; set; }
}

/// <summary>
/// A message received under a lease: it stays invisible to other receivers until the lease expires, and must be
/// completed (<see cref="MessageQueue.CompleteAsync"/>), abandoned (<see cref="MessageQueue.AbandonAsync"/>) or
/// renewed (<see cref="MessageQueue.RenewLeaseAsync"/>) while the lease holds.
/// </summary>
public sealed class ReceivedMessage
{
    private volatile string _leaseToken;
    private long _leaseExpiresAtTicks;
    private int _settled;

    /// <summary>Creates a received message. Drivers call this; applications receive instances from the queue.</summary>
    /// <param name="messageId">The provider's message id.</param>
    /// <param name="leaseToken">The receipt handle, pop receipt or ack id of this delivery.</param>
    /// <param name="body">The body.</param>
    /// <param name="attributes">The attributes (reserved <c>polycloud-</c> attributes already removed).</param>
    /// <param name="deliveryCount">How many times the message has been delivered, this delivery included; 0 when the
    /// provider does not say.</param>
    /// <param name="enqueuedAt">When the message was first sent, when the provider says.</param>
    /// <param name="leaseExpiresAt">When the lease ends.</param>
    public ReceivedMessage(string messageId, string leaseToken, BinaryData body, IReadOnlyDictionary<string, string> attributes, int deliveryCount, DateTimeOffset? enqueuedAt, DateTimeOffset leaseExpiresAt)
    {
        MessageId = messageId;
        _leaseToken = leaseToken;
        Body = body;
        Attributes = attributes;
        DeliveryCount = deliveryCount;
        EnqueuedAt = enqueuedAt;
        _leaseExpiresAtTicks = leaseExpiresAt.UtcTicks;
    }

    /// <summary>The provider's message id.</summary>
    public string MessageId { get; }

    /// <summary>
    /// The opaque token of this delivery (SQS receipt handle, Azure pop receipt, Pub/Sub ack id, a local token).
    /// Some providers issue a new token when the lease is renewed; the queue updates this property when they do.
    /// </summary>
    public string LeaseToken
    {
        get => _leaseToken;
        internal set => _leaseToken = value;
    }

    /// <summary>The body.</summary>
    public BinaryData Body { get; }

    /// <summary>The attributes sent with the message.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; }

    /// <summary>How many times the message has been delivered, this delivery included (1 on the first delivery);
    /// 0 when the provider does not report it (Pub/Sub without a dead-letter policy).</summary>
    public int DeliveryCount { get; }

    /// <summary>When the message was first sent, when the provider reports it.</summary>
    public DateTimeOffset? EnqueuedAt { get; }

    /// <summary>When the current lease ends (as known by this client), after which the message is delivered again.</summary>
    public DateTimeOffset LeaseExpiresAt
    {
        get => new(Volatile.Read(ref _leaseExpiresAtTicks), TimeSpan.Zero);
        internal set => Volatile.Write(ref _leaseExpiresAtTicks, value.UtcTicks);
    }

    /// <summary>The group id (SQS FIFO message group, Pub/Sub ordering key), when there is one.</summary>
    public string? GroupId { get; init; }

    /// <summary><see langword="true"/> once this delivery was completed, abandoned or dead-lettered through the queue.</summary>
    public bool IsSettled => Volatile.Read(ref _settled) != 0;

    /// <summary>Deserializes the JSON body.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="options">Serializer options, or <see langword="null"/>.</param>
    /// <returns>The value.</returns>
    /// <remarks>Uses reflection-based deserialization; in trimmed or Native AOT applications use the overload that
    /// takes a <see cref="JsonTypeInfo{T}"/> from a source-generated <c>JsonSerializerContext</c>.</remarks>
    [RequiresUnreferencedCode(QueueMessage.JsonReflectionMessage)]
    [RequiresDynamicCode(QueueMessage.JsonReflectionMessage)]
    [OverloadResolutionPriority(1)]
    public T? BodyAsJson<T>(JsonSerializerOptions? options = null) => Body.ToObjectFromJson<T>(options);

    /// <summary>Deserializes the JSON body with the given (for example source-generated) type information. Safe in
    /// trimmed and Native AOT applications.</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="jsonTypeInfo">The type information, for example <c>MyJsonContext.Default.Order</c>.</param>
    /// <returns>The value.</returns>
    public T? BodyAsJson<T>(JsonTypeInfo<T> jsonTypeInfo)
    {
        ArgumentNullException.ThrowIfNull(jsonTypeInfo);
        return Body.ToObjectFromJson(jsonTypeInfo);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{MessageId} (delivery {DeliveryCount})";

    internal bool TrySettle() => Interlocked.Exchange(ref _settled, 1) == 0;

    internal void Unsettle() => Volatile.Write(ref _settled, 0);
}

/// <summary>What a read-only look at a queue tells (<see cref="MessageQueue.GetPropertiesAsync"/>).</summary>
public sealed class QueueProperties
{
    /// <summary>The approximate number of messages in the queue (visible, delayed or leased, as the provider counts
    /// them), or <see langword="null"/> when the provider does not say (Pub/Sub).</summary>
    public long? ApproximateMessageCount { get; init; }
}

/// <summary>Options for a receive. All are optional.</summary>
public sealed class QueueReceiveOptions
{
    internal static readonly QueueReceiveOptions Default = new();

    /// <summary>The most messages to return, 1 to 1000 (default 1). Providers return at most what one native call
    /// gives (SQS 10, Azure 32, Pub/Sub 1000), possibly fewer than are waiting.</summary>
    public int MaxMessages { get; init; } = 1;

    /// <summary>How long the messages stay invisible to other receivers (default 30 s). See
    /// <see cref="QueueCapabilities.MaxLease"/>. Rounded up to whole seconds by providers that count in seconds.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for a first message when the queue is empty (default zero: return at once). Long
    /// polling is native on SQS (up to 20 s per call) and Pub/Sub; elsewhere the queue polls with a growing interval.</summary>
    public TimeSpan WaitTime { get; init; }
}

/// <summary>What a queue provider supports.</summary>
public sealed class QueueCapabilities
{
    /// <summary>The largest message (body plus attributes) in bytes.</summary>
    public required int MaxMessageSize { get; init; }

    /// <summary>The longest lease a receive or renewal may ask for.</summary>
    public required TimeSpan MaxLease { get; init; }

    /// <summary>The longest send delay, or <see cref="TimeSpan.Zero"/> when delayed sends are not supported.</summary>
    public required TimeSpan MaxDelay { get; init; }

    /// <summary>The most attributes a message may carry.</summary>
    public required int MaxAttributes { get; init; }

    /// <summary>The most messages one native receive returns.</summary>
    public required int MaxReceiveBatch { get; init; }

    /// <summary>The most messages one native send call takes.</summary>
    public required int MaxSendBatch { get; init; }

    /// <summary>The longest wait one native receive can do server-side; zero when the provider has no long polling
    /// and the portable layer polls.</summary>
    public required TimeSpan MaxNativeWait { get; init; }

    /// <summary><see langword="true"/> when the provider moves over-delivered messages to a dead-letter queue itself
    /// (SQS redrive policy, Pub/Sub dead-letter policy) once that is configured on the queue.</summary>
    public required bool NativeDeadLetter { get; init; }

    /// <summary><see langword="true"/> (default) when every received message carries its delivery count;
    /// <see langword="false"/> when the provider may report 0 (Pub/Sub reports delivery attempts only on a subscription
    /// with a dead-letter policy). The portable dead-lettering (<see cref="MessageQueueOptions.DeadLetterQueue"/>) counts
    /// on it, so a queue whose provider does not report delivery counts refuses it.</summary>
    public bool ReportsDeliveryCount { get; init; } = true;

    /// <summary><see langword="true"/> when completing or renewing with a stale lease token (the message was delivered
    /// again since) is reported as <see cref="CloudErrorCode.PreconditionFailed"/>; <see langword="false"/> when the
    /// provider accepts it silently (SQS, Pub/Sub without exactly-once delivery).</summary>
    public required bool DetectsStaleLease { get; init; }

    /// <summary>The ordering the provider gives: none (best effort), or first-in-first-out per group.</summary>
    public required string Ordering { get; init; }
}

/// <summary>Dead-lettering done by the portable layer, for providers without a native dead-letter queue (or as a
/// safety net on those that have one).</summary>
public sealed class MessageQueueOptions
{
    /// <summary>
    /// The queue that receives messages delivered more than <see cref="MaxDeliveries"/> times, or
    /// <see langword="null"/> for no portable dead-lettering. The message is sent there first (with its attributes plus
    /// <c>polycloud-dead-letter-reason</c>, <c>polycloud-original-message-id</c> and <c>polycloud-delivery-count</c>),
    /// and only then completed on this queue: at-least-once, never lost.
    /// </summary>
    public MessageQueue? DeadLetterQueue { get; init; }

    /// <summary>The most deliveries a message gets before it is dead-lettered (default 5, at least 1).</summary>
    public int MaxDeliveries { get; init; } = 5;

    /// <summary><see langword="true"/> (default) when disposing this queue also disposes the dead-letter queue.</summary>
    public bool OwnsDeadLetterQueue { get; init; } = true;

    /// <summary>
    /// The clock that times receive waits, lease expiry and lease renewal, or <see langword="null"/> for
    /// <see cref="TimeProvider.System"/>. Queues opened by URL use the <see cref="TimeProvider"/> registered in
    /// dependency injection, if any; tests pass a fake one.
    /// </summary>
    public TimeProvider? TimeProvider { get; init; }
}
