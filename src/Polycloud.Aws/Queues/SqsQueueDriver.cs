using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Unicode;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Polycloud.Queues;
using Polycloud.Queues.Drivers;

namespace Polycloud.Aws.Queues;

/// <summary>
/// Amazon SQS queues (standard and FIFO) through the official SDK. Bodies that are not text SQS accepts (non-UTF-8
/// bytes, control characters) are sent base64-encoded with the reserved attribute <c>polycloud-body-encoding</c> and
/// decoded on receive. Dead-lettering is native: configure a redrive policy (<c>maxReceiveCount</c>) on the queue.
/// Opened as <c>sqs://queue-name?region=us-east-1</c> (optionally <c>&amp;endpoint=http://127.0.0.1:4566</c>), or
/// built from an <see cref="IAmazonSQS"/> with the constructor.
/// </summary>
public sealed partial class SqsQueueDriver : IQueueDriver, Polycloud.Drivers.IResourceLocationProvider
{
    /// <summary>The reserved attribute that marks a base64-encoded body.</summary>
    internal const string BodyEncodingAttribute = "polycloud-body-encoding";

    private static readonly QueueCapabilities SqsCapabilities = new()
    {
        MaxMessageSize = 256 * 1024,
        MaxAttributes = 10,
        MaxLease = TimeSpan.FromHours(12),
        MaxDelay = TimeSpan.FromMinutes(15),
        MaxReceiveBatch = 10,
        MaxSendBatch = 10,
        MaxNativeWait = TimeSpan.FromSeconds(20),
        NativeDeadLetter = true,
        DetectsStaleLease = false,
        Ordering = "best effort on standard queues; first-in-first-out per message group on FIFO (.fifo) queues",
    };

    private static readonly List<string> AllAttributes = ["All"];
    private static readonly List<string> SystemAttributes = ["ApproximateReceiveCount", "SentTimestamp", "MessageGroupId"];
    private readonly IAmazonSQS _client;
    private readonly bool _ownsClient;
    private readonly string? _fixedQueueUrl;
    private Task<string>? _queueUrl;

    /// <summary>Creates a driver over an SQS client.</summary>
    /// <param name="client">The client (its region, endpoint and credentials are used as they are).</param>
    /// <param name="queueUrlOrName">The queue URL (<c>https://sqs.us-east-1.amazonaws.com/123456789012/orders</c>), or the
    /// queue name, resolved to its URL on first use.</param>
    /// <param name="ownsClient">Dispose the client with the driver.</param>
    public SqsQueueDriver(IAmazonSQS client, string queueUrlOrName, bool ownsClient = false)
    {
        _client = client ?? throw CloudException.InvalidArgument(nameof(client), "an SQS client is required.");
        if (string.IsNullOrEmpty(queueUrlOrName))
        {
            throw CloudException.InvalidArgument(nameof(queueUrlOrName), "a queue URL or name is required.");
        }

        _ownsClient = ownsClient;
        if (queueUrlOrName.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || queueUrlOrName.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            _fixedQueueUrl = queueUrlOrName;
            QueueName = queueUrlOrName[(queueUrlOrName.TrimEnd('/').LastIndexOf('/') + 1)..].TrimEnd('/');
        }
        else
        {
            QueueName = queueUrlOrName;
        }
    }

    /// <inheritdoc/>
    public string ProviderName => "aws-sqs";

    /// <summary>The clock that stamps lease expiry times; default <see cref="TimeProvider.System"/> (the factory uses
    /// the <see cref="System.TimeProvider"/> registered in dependency injection, if any).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <inheritdoc/>
    public string QueueName { get; }

    /// <inheritdoc/>
    public QueueCapabilities Capabilities => SqsCapabilities;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> SendAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
    {
        string url = _fixedQueueUrl ?? await GetQueueUrlAsync(cancellationToken).ConfigureAwait(false);
        if (messages.Count == 1)
        {
            var m = messages[0];
            var request = new SendMessageRequest
            {
                QueueUrl = url,
                MessageBody = EncodeBody(m, out var attributes),
                MessageAttributes = attributes,
                MessageGroupId = m.GroupId,
                MessageDeduplicationId = m.DeduplicationId,
            };
            if (m.Delay is { } d && d > TimeSpan.Zero)
            {
                request.DelaySeconds = (int)Math.Ceiling(d.TotalSeconds);
            }

            var response = await _client.SendMessageAsync(request, cancellationToken).ConfigureAwait(false);
            return [response.MessageId];
        }

        var entries = new List<SendMessageBatchRequestEntry>(messages.Count);
        for (int i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            var entry = new SendMessageBatchRequestEntry
            {
                Id = i.ToString(CultureInfo.InvariantCulture),
                MessageBody = EncodeBody(m, out var attributes),
                MessageAttributes = attributes,
                MessageGroupId = m.GroupId,
                MessageDeduplicationId = m.DeduplicationId,
            };
            if (m.Delay is { } d && d > TimeSpan.Zero)
            {
                entry.DelaySeconds = (int)Math.Ceiling(d.TotalSeconds);
            }

            entries.Add(entry);
        }

        var batch = await _client.SendMessageBatchAsync(new SendMessageBatchRequest { QueueUrl = url, Entries = entries }, cancellationToken).ConfigureAwait(false);
        if (batch.Failed is { Count: > 0 } failed)
        {
            var first = failed[0];
            var code = first.SenderFault == true ? CloudErrorCode.InvalidArgument : CloudErrorCode.Unavailable;
            int sent = batch.Successful?.Count ?? 0;
            throw new CloudException(
                code,
                $"aws-sqs: {failed.Count} of {messages.Count} messages in a batch to '{QueueName}' were not sent ({sent} were); first failure: entry {first.Id}: {first.Code}: {first.Message}",
                ProviderName);
        }

        var ids = new string[messages.Count];
        foreach (var ok in batch.Successful!)
        {
            ids[int.Parse(ok.Id, CultureInfo.InvariantCulture)] = ok.MessageId;
        }

        return ids;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan leaseDuration, TimeSpan waitTime, CancellationToken cancellationToken)
    {
        string url = _fixedQueueUrl ?? await GetQueueUrlAsync(cancellationToken).ConfigureAwait(false);
        int lease = (int)Math.Ceiling(leaseDuration.TotalSeconds);
        var requestedAt = TimeProvider.GetUtcNow();
        var response = await _client.ReceiveMessageAsync(
            new ReceiveMessageRequest
            {
                QueueUrl = url,
                MaxNumberOfMessages = maxMessages,
                VisibilityTimeout = lease,
                WaitTimeSeconds = (int)waitTime.TotalSeconds,
                MessageAttributeNames = AllAttributes,
                MessageSystemAttributeNames = SystemAttributes,
            },
            cancellationToken).ConfigureAwait(false);
        if (response.Messages is not { Count: > 0 } messages)
        {
            return [];
        }

        var leaseEnd = requestedAt.AddSeconds(lease);
        var result = new ReceivedMessage[messages.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = ToReceived(messages[i], leaseEnd);
        }

        return result;
    }

    /// <inheritdoc/>
    public async Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        string url = _fixedQueueUrl ?? await GetQueueUrlAsync(cancellationToken).ConfigureAwait(false);
        await _client.DeleteMessageAsync(new DeleteMessageRequest { QueueUrl = url, ReceiptHandle = message.LeaseToken }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<string?> ChangeLeaseAsync(ReceivedMessage message, TimeSpan visibleAfter, CancellationToken cancellationToken)
    {
        string url = _fixedQueueUrl ?? await GetQueueUrlAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _client.ChangeMessageVisibilityAsync(
                new ChangeMessageVisibilityRequest { QueueUrl = url, ReceiptHandle = message.LeaseToken, VisibilityTimeout = (int)Math.Ceiling(visibleAfter.TotalSeconds) },
                cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonSQSException ex) when (ex.ErrorCode == "InvalidParameterValue")
        {
            // SQS answers a receipt handle whose lease has ended with InvalidParameterValue; the portable layer has
            // already checked the visibility timeout, the call's only other parameter.
            throw new CloudException(CloudErrorCode.PreconditionFailed, $"aws-sqs: the lease on message '{message.MessageId}' in '{QueueName}' has ended (its receipt handle is no longer valid).", ProviderName, ex);
        }

        return null;
    }

    /// <inheritdoc/>
    public async Task<QueueProperties> GetPropertiesAsync(CancellationToken cancellationToken)
    {
        string url = _fixedQueueUrl ?? await GetQueueUrlAsync(cancellationToken).ConfigureAwait(false);
        var response = await _client.GetQueueAttributesAsync(
            new GetQueueAttributesRequest { QueueUrl = url, AttributeNames = [QueueAttributeName.ApproximateNumberOfMessages, QueueAttributeName.ApproximateNumberOfMessagesNotVisible, QueueAttributeName.ApproximateNumberOfMessagesDelayed] },
            cancellationToken).ConfigureAwait(false);
        long? count = null;
        if (response.Attributes is { } attributes)
        {
            foreach (var (name, value) in attributes)
            {
                if (name.StartsWith("ApproximateNumberOfMessages", StringComparison.Ordinal) && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
                {
                    count = (count ?? 0) + n;
                }
            }
        }

        return new QueueProperties { ApproximateMessageCount = count };
    }

    /// <inheritdoc/>
    public CloudErrorCode ClassifyError(Exception exception)
        => exception switch
        {
            // The SDK raises these types for SQS's own codes; their status (often 400) does not carry the meaning.
            QueueDoesNotExistException or QueueDeletedRecentlyException or ResourceNotFoundException => CloudErrorCode.NotFound,
            ReceiptHandleIsInvalidException or MessageNotInflightException => CloudErrorCode.PreconditionFailed,
            RequestThrottledException or OverLimitException or KmsThrottledException => CloudErrorCode.Throttled,
            KmsAccessDeniedException => CloudErrorCode.PermissionDenied,
            InvalidAddressException => CloudErrorCode.InvalidArgument,
            _ => AwsErrors.Classify(exception, FromErrorCode),
        };

    /// <summary>The SQS error codes (query-protocol and JSON-protocol spellings) whose meaning the status alone does not carry.</summary>
    private static CloudErrorCode? FromErrorCode(string errorCode) => errorCode switch
    {
        "AWS.SimpleQueueService.NonExistentQueue" or "QueueDoesNotExist" or "AWS.SimpleQueueService.QueueDeletedRecently" or "QueueDeletedRecently"
            or "ResourceNotFoundException" => CloudErrorCode.NotFound,
        "ReceiptHandleIsInvalid" or "AWS.SimpleQueueService.MessageNotInflight" or "MessageNotInflight" => CloudErrorCode.PreconditionFailed,
        "OverLimit" or "KMS.ThrottlingException" or "KmsThrottled" => CloudErrorCode.Throttled,
        "KMS.AccessDeniedException" or "KmsAccessDenied" => CloudErrorCode.PermissionDenied,
        "InvalidAddress" => CloudErrorCode.InvalidArgument,
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
    public ValueTask DisposeAsync()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private Task<string> GetQueueUrlAsync(CancellationToken cancellationToken)
    {
        var task = _queueUrl;
        if (task is { IsCompletedSuccessfully: true })
        {
            return task;
        }

        if (task is null || task.IsFaulted || task.IsCanceled)
        {
            // Not cached on failure: a queue created later is found by the next call.
            task = ResolveAsync(cancellationToken);
            _queueUrl = task;
        }

        return task.WaitAsync(cancellationToken);
    }

    private async Task<string> ResolveAsync(CancellationToken cancellationToken)
        => (await _client.GetQueueUrlAsync(new GetQueueUrlRequest { QueueName = QueueName }, cancellationToken).ConfigureAwait(false)).QueueUrl;

    private static string EncodeBody(QueueMessage message, out Dictionary<string, MessageAttributeValue>? attributes)
    {
        attributes = null;
        if (message.Attributes.Count > 0)
        {
            attributes = new Dictionary<string, MessageAttributeValue>(message.Attributes.Count + 1, StringComparer.Ordinal);
            foreach (var (k, v) in message.Attributes)
            {
                attributes[k] = new MessageAttributeValue { DataType = "String", StringValue = v };
            }
        }

        if (QueueDriverHelpers.TryGetOriginalText(message, out string? original) && IsSqsText(original))
        {
            return original;
        }

        var span = message.Body.ToMemory().Span;
        if (Utf8.IsValid(span))
        {
            string text = Encoding.UTF8.GetString(span);
            if (IsSqsText(text))
            {
                return text;
            }
        }

        if ((attributes?.Count ?? 0) >= SqsCapabilities.MaxAttributes)
        {
            throw CloudException.InvalidArgument("message.Attributes", "a binary (non-text) body on SQS needs one attribute for its encoding; send at most 9 attributes with it.");
        }

        attributes ??= new Dictionary<string, MessageAttributeValue>(1, StringComparer.Ordinal);
        attributes[BodyEncodingAttribute] = new MessageAttributeValue { DataType = "String", StringValue = "base64" };
        string encoded = Convert.ToBase64String(span);
        if (encoded.Length > SqsCapabilities.MaxMessageSize)
        {
            throw CloudException.InvalidArgument("message", $"the binary body is {span.Length} bytes, {encoded.Length} once base64-encoded for SQS; SQS takes at most {SqsCapabilities.MaxMessageSize}.");
        }

        return encoded;
    }

    private static bool IsSqsText(string text)
    {
        // SQS accepts #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF (valid surrogate pairs).
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c < 0x20 ? c is not ('\t' or '\n' or '\r') : c is '\uFFFE' or '\uFFFF')
            {
                return false;
            }

            if (char.IsSurrogate(c))
            {
                if (!char.IsHighSurrogate(c) || i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }

    private static ReceivedMessage ToReceived(Message m, DateTimeOffset leaseEnd)
    {
        BinaryData body;
        Dictionary<string, string> attributes;
        bool base64 = false;
        if (m.MessageAttributes is { Count: > 0 } native)
        {
            attributes = new Dictionary<string, string>(native.Count, StringComparer.Ordinal);
            foreach (var (k, v) in native)
            {
                if (k == BodyEncodingAttribute)
                {
                    base64 = v.StringValue == "base64";
                    continue;
                }

                attributes[k] = v.StringValue ?? string.Empty;
            }
        }
        else
        {
            attributes = new Dictionary<string, string>(0, StringComparer.Ordinal);
        }

        body = base64 ? new BinaryData(Convert.FromBase64String(m.Body)) : BinaryData.FromString(m.Body ?? string.Empty);
        int deliveryCount = 0;
        DateTimeOffset? sent = null;
        string? group = null;
        if (m.Attributes is { } system)
        {
            if (system.TryGetValue("ApproximateReceiveCount", out string? rc))
            {
                _ = int.TryParse(rc, NumberStyles.Integer, CultureInfo.InvariantCulture, out deliveryCount);
            }

            if (system.TryGetValue("SentTimestamp", out string? ts) && long.TryParse(ts, NumberStyles.Integer, CultureInfo.InvariantCulture, out long ms))
            {
                sent = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            }

            system.TryGetValue("MessageGroupId", out group);
        }

        return new ReceivedMessage(m.MessageId, m.ReceiptHandle, body, attributes.AsReadOnly(), deliveryCount, sent, leaseEnd) { GroupId = group };
    }
}
