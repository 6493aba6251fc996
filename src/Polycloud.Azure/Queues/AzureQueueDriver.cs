using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text.Json;
using System.Text.Unicode;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Polycloud.Queues;
using Polycloud.Queues.Drivers;
using PortableMessage = Polycloud.Queues.QueueMessage;
using PortableQueueProperties = Polycloud.Queues.QueueProperties;

namespace Polycloud.Azure.Queues;

/// <summary>
/// Azure Storage queues through the official SDK. Azure queue messages are text without attributes: a text body
/// without attributes is sent as it is (so other Azure consumers read it unchanged); a message with attributes or a
/// binary body is sent as a small JSON envelope (<c>{"polycloud-envelope":1,"attributes":{…},"body":"base64"}</c>)
/// that the driver unwraps on receive. Azure has no batch send: a batch is sent as concurrent requests. Azure has no long polling (the portable layer polls) and no dead-letter queue
/// (the portable layer moves messages: see <see cref="MessageQueueOptions"/>). Messages are sent with no expiry
/// (the service default is 7 days), so nothing is dropped silently. Opened as <c>azqueue://queue?account=acct</c> or
/// built from a <see cref="QueueClient"/> with the constructor.
/// </summary>
public sealed partial class AzureQueueDriver : IQueueDriver, Polycloud.Drivers.IResourceLocationProvider
{
    private const int MaxServiceMessageSize = 64 * 1024;
    private static readonly byte[] EnvelopePrefix = "{\"polycloud-envelope\":1,"u8.ToArray();
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    private static readonly QueueCapabilities AzureCapabilities = new()
    {
        MaxMessageSize = 48 * 1024,
        MaxAttributes = 100,
        MaxLease = TimeSpan.FromDays(7),
        MaxDelay = TimeSpan.FromDays(7),
        MaxReceiveBatch = 32,
        MaxSendBatch = 32,
        MaxNativeWait = TimeSpan.Zero,
        NativeDeadLetter = false,
        DetectsStaleLease = true,
        Ordering = "best effort (no ordering guarantee)",
    };

    private readonly QueueClient _client;
    private readonly bool _base64Transport;

    /// <summary>Creates a driver over a queue client.</summary>
    /// <param name="client">The client.</param>
    /// <param name="clientEncodesBase64">Whether the client was created with <see cref="QueueMessageEncoding.Base64"/>
    /// (the drivers opened by URL are): it only sets the size limit check, since every body this driver sends is text.</param>
    public AzureQueueDriver(QueueClient client, bool clientEncodesBase64 = false)
    {
        _client = client ?? throw CloudException.InvalidArgument(nameof(client), "a queue client is required.");
        _base64Transport = clientEncodesBase64;
    }

    /// <inheritdoc/>
    public string ProviderName => "azure-queue";

    /// <summary>The clock that stamps lease expiry times; default <see cref="TimeProvider.System"/> (the factory uses
    /// the <see cref="System.TimeProvider"/> registered in dependency injection, if any).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <inheritdoc/>
    public string QueueName => _client.Name;

    /// <inheritdoc/>
    public QueueCapabilities Capabilities => AzureCapabilities;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> SendAsync(IReadOnlyList<PortableMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 1)
        {
            return [await SendOneAsync(messages[0], cancellationToken).ConfigureAwait(false)];
        }

        // Azure has no batch send: the messages of a batch are sent concurrently, one request each.
        var tasks = new Task<string>[messages.Count];
        for (int i = 0; i < messages.Count; i++)
        {
            tasks[i] = SendOneAsync(messages[i], cancellationToken);
        }

        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private async Task<string> SendOneAsync(PortableMessage m, CancellationToken cancellationToken)
    {
        var payload = Encode(m);
        int wire = _base64Transport ? (payload.Length + 2) / 3 * 4 : payload.Length;
        if (wire > MaxServiceMessageSize)
        {
            throw CloudException.InvalidArgument("message", $"the message is {wire} bytes as stored by Azure Storage queues (after encoding); the service takes at most {MaxServiceMessageSize}.");
        }

        TimeSpan? delay = m.Delay is { } d && d > TimeSpan.Zero ? d : null;
        var receipt = await _client.SendMessageAsync(payload, delay, NeverExpires, cancellationToken).ConfigureAwait(false);
        return receipt.Value.MessageId;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan leaseDuration, TimeSpan waitTime, CancellationToken cancellationToken)
    {
        var lease = TimeSpan.FromSeconds(Math.Ceiling(leaseDuration.TotalSeconds));
        var requestedAt = TimeProvider.GetUtcNow();
        var response = await _client.ReceiveMessagesAsync(maxMessages, lease, cancellationToken).ConfigureAwait(false);
        var messages = response.Value;
        if (messages is not { Length: > 0 })
        {
            return [];
        }

        // The lease end as this client measures it (from the request, so never late): renewals use the local clock.
        var leaseEnd = requestedAt + lease;
        var result = new ReceivedMessage[messages.Length];
        for (int i = 0; i < messages.Length; i++)
        {
            var m = messages[i];
            var (body, attributes) = Decode(m.Body);
            result[i] = new ReceivedMessage(m.MessageId, m.PopReceipt, body, attributes, (int)Math.Min(m.DequeueCount, int.MaxValue), m.InsertedOn, leaseEnd);
        }

        return result;
    }

    /// <inheritdoc/>
    public async Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await _client.DeleteMessageAsync(message.MessageId, message.LeaseToken, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == QueueErrorCode.MessageNotFound)
        {
            // Already completed (or expired): completing again is harmless.
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == QueueErrorCode.PopReceiptMismatch)
        {
            throw StaleLease(message, "complete", ex);
        }
    }

    /// <inheritdoc/>
    public async Task<string?> ChangeLeaseAsync(ReceivedMessage message, TimeSpan visibleAfter, CancellationToken cancellationToken)
    {
        try
        {
            var receipt = await _client.UpdateMessageAsync(message.MessageId, message.LeaseToken, (BinaryData?)null, TimeSpan.FromSeconds(Math.Ceiling(visibleAfter.TotalSeconds)), cancellationToken).ConfigureAwait(false);
            return receipt.Value.PopReceipt;
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == QueueErrorCode.PopReceiptMismatch)
        {
            throw StaleLease(message, "change the lease of", ex);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == QueueErrorCode.MessageNotFound)
        {
            throw new CloudException(CloudErrorCode.NotFound, $"azure-queue: message '{message.MessageId}' is no longer in '{QueueName}' (it was completed).", ProviderName, ex);
        }
    }

    /// <inheritdoc/>
    public async Task<PortableQueueProperties> GetPropertiesAsync(CancellationToken cancellationToken)
    {
        var properties = await _client.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
        return new PortableQueueProperties { ApproximateMessageCount = properties.Value.ApproximateMessagesCountLong };
    }

    /// <inheritdoc/>
    public bool IsSameQueue(IQueueDriver other)
        => ReferenceEquals(this, other)
            || (other is AzureQueueDriver a && Uri.Compare(_client.Uri, a._client.Uri, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0);

    /// <inheritdoc/>
    public CloudErrorCode ClassifyError(Exception exception) => AzureStorageErrors.Classify(exception, FromErrorCode);

    /// <summary>The Queue service's error codes whose meaning the status alone does not carry.</summary>
    private static CloudErrorCode? FromErrorCode(string errorCode) => errorCode switch
    {
        "QueueNotFound" or "MessageNotFound" => CloudErrorCode.NotFound,

        // 409, but the queue is going away: to the caller it is not there.
        "QueueBeingDeleted" => CloudErrorCode.NotFound,
        "QueueAlreadyExists" => CloudErrorCode.AlreadyExists,

        // 400: the message's lease has moved on (it was received again, or its visibility changed).
        "PopReceiptMismatch" => CloudErrorCode.PreconditionFailed,
        _ => null,
    };

    /// <inheritdoc/>
    public bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class
    {
        value = _client as T ?? this as T;
        return value is not null;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static BinaryData Encode(PortableMessage message)
    {
        var body = message.Body.ToMemory();
        if (message.Attributes.Count == 0 && IsPlainText(body.Span))
        {
            return message.Body;
        }

        var buffer = new ArrayBufferWriter<byte>(body.Length * 4 / 3 + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("polycloud-envelope", 1);
            if (message.Attributes.Count > 0)
            {
                writer.WriteStartObject("attributes");
                foreach (var (k, v) in message.Attributes)
                {
                    writer.WriteString(k, v);
                }

                writer.WriteEndObject();
            }

            writer.WriteBase64String("body", body.Span);
            writer.WriteEndObject();
        }

        return new BinaryData(buffer.WrittenMemory);
    }

    private static (BinaryData Body, IReadOnlyDictionary<string, string> Attributes) Decode(BinaryData raw)
    {
        var span = raw.ToMemory().Span;
        if (!span.StartsWith(EnvelopePrefix))
        {
            return (raw, EmptyAttributes);
        }

        try
        {
            var reader = new Utf8JsonReader(span);
            Dictionary<string, string>? attributes = null;
            byte[]? body = null;
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("attributes"u8))
                {
                    reader.Read();
                    attributes = new Dictionary<string, string>(StringComparer.Ordinal);
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        string name = reader.GetString()!;
                        reader.Read();
                        attributes[name] = reader.GetString() ?? string.Empty;
                    }
                }
                else if (reader.ValueTextEquals("body"u8))
                {
                    reader.Read();
                    body = reader.GetBytesFromBase64();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return body is null ? (raw, EmptyAttributes) : (new BinaryData(body), attributes is null ? EmptyAttributes : attributes.AsReadOnly());
        }
        catch (JsonException)
        {
            // Not an envelope after all: a body that merely starts like one is delivered unchanged.
            return (raw, EmptyAttributes);
        }
        catch (FormatException)
        {
            return (raw, EmptyAttributes);
        }
    }

    private static bool IsPlainText(ReadOnlySpan<byte> body)
    {
        // Azure stores message text in XML: only characters XML 1.0 allows, and nothing that looks like an envelope.
        if (!Utf8.IsValid(body) || body.StartsWith(EnvelopePrefix))
        {
            return false;
        }

        foreach (byte b in body)
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r'))
            {
                return false;
            }
        }

        // U+FFFE and U+FFFF (EF BF BE / EF BF BF) are not XML characters either.
        return body.IndexOf("\uFFFE"u8) < 0 && body.IndexOf("\uFFFF"u8) < 0;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyAttributes = new Dictionary<string, string>().AsReadOnly();

    private CloudException StaleLease(ReceivedMessage message, string operation, Exception inner)
        => new(CloudErrorCode.PreconditionFailed, $"azure-queue: cannot {operation} message '{message.MessageId}' in '{QueueName}': its lease expired and it was delivered again; this pop receipt is stale and the message will be processed again.", ProviderName, inner);
}
