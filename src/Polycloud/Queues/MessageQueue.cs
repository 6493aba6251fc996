using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polycloud.Diagnostics;
using Polycloud.Queues.Drivers;

namespace Polycloud.Queues;

/// <summary>
/// A message queue (SQS queue, Azure Storage queue, Pub/Sub topic and subscription, a local SQLite or in-memory
/// queue), used the same way whatever the provider: send, receive under a lease, complete, abandon, renew, dead-letter,
/// and a processing loop. Open one by URL with <see cref="PolycloudOpener.OpenQueue"/>, from configuration with
/// <c>services.AddPolycloud(configuration)</c>, or wrap a driver with the constructor.
/// </summary>
/// <remarks>
/// Every method validates its arguments before any network call, reports failures as <see cref="CloudException"/>
/// with a portable <see cref="CloudErrorCode"/> (the native exception inside), and emits one span and metrics under
/// <see cref="PolycloudDiagnostics.ActivitySourceName"/>. Delivery is at-least-once on every provider: a handler must
/// tolerate seeing a message again. Instances are thread-safe; create one per queue and share it.
/// </remarks>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "A message queue is what the type is; the name is the one users search for.")]
public sealed partial class MessageQueue : IAsyncDisposable, IDisposable
{
    /// <summary>The attribute that says why a message was dead-lettered by the portable layer.</summary>
    public const string DeadLetterReasonAttribute = "polycloud-dead-letter-reason";

    /// <summary>The attribute that carries the original message id of a message dead-lettered by the portable layer.</summary>
    public const string OriginalMessageIdAttribute = "polycloud-original-message-id";

    /// <summary>The attribute that carries the delivery count of a message dead-lettered by the portable layer.</summary>
    public const string DeliveryCountAttribute = "polycloud-delivery-count";

    private const int MaxBatchMessages = 1000;
    private static readonly TimeSpan MaxWaitTime = TimeSpan.FromHours(1);
    private const int MaxAttributeNameLength = 256;
    private int _disposed;
    private static readonly TimeSpan MinLease = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxPollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FirstPollInterval = TimeSpan.FromMilliseconds(25);
    private readonly IQueueDriver _driver;
    private readonly QueueCapabilities _capabilities;
    private readonly string _provider;
    private readonly string _name;
    private readonly MessageQueue? _deadLetterQueue;
    private readonly int _maxDeliveries;
    private readonly bool _ownsDeadLetterQueue;
    private readonly TimeProvider _time;

    /// <summary>Wraps a driver. The queue owns it and disposes it.</summary>
    /// <param name="driver">The driver, for example <c>new SqsQueueDriver(client, queueUrl)</c>.</param>
    /// <param name="options">Portable dead-lettering, or <see langword="null"/>.</param>
    public MessageQueue(IQueueDriver driver, MessageQueueOptions? options = null)
    {
        _driver = driver ?? throw CloudException.InvalidArgument(nameof(driver), "a queue driver is required.");
        _capabilities = driver.Capabilities;
        _provider = driver.ProviderName;
        _name = driver.QueueName;
        _time = options?.TimeProvider ?? TimeProvider.System;
        if (options?.DeadLetterQueue is { } dlq)
        {
            if (options.MaxDeliveries < 1)
            {
                throw CloudException.InvalidArgument("options.MaxDeliveries", $"the maximum number of deliveries must be at least 1, not {options.MaxDeliveries}.", driver.ProviderName);
            }

            for (var q = dlq; q is not null; q = q._deadLetterQueue)
            {
                if (ReferenceEquals(q, this) || q._driver.IsSameQueue(driver) || driver.IsSameQueue(q._driver))
                {
                    throw CloudException.InvalidArgument(
                        "options.DeadLetterQueue",
                        $"the dead-letter queue of '{driver.QueueName}' is that same {driver.ProviderName} queue{(ReferenceEquals(q, dlq) ? string.Empty : " (through the dead-letter queue's own dead-letter queue)")}; dead-lettering into it would redeliver failing messages forever under new ids. Set deadLetterQueue to another queue.",
                        driver.ProviderName);
                }
            }

            if (!_capabilities.ReportsDeliveryCount)
            {
                throw CloudException.InvalidArgument(
                    "options.DeadLetterQueue",
                    $"{_provider} does not report how often a message was delivered unless the queue has a native dead-letter policy, so the portable dead-lettering (deadLetterQueue, maxDeliveries) would never move a message; configure the provider's dead-letter policy on the queue instead.");
            }

            _deadLetterQueue = dlq;
            _maxDeliveries = options.MaxDeliveries;
            _ownsDeadLetterQueue = options.OwnsDeadLetterQueue;
        }
    }

    /// <summary>The queue name.</summary>
    public string Name => _name;

    /// <summary>The clock the queue runs on.</summary>
    internal TimeProvider Clock => _time;

    /// <summary>The provider name, for example <c>memory</c>, <c>sqlite</c>, <c>aws-sqs</c>, <c>azure-queue</c>, <c>gcp-pubsub</c>.</summary>
    public string Provider => _provider;

    /// <summary>What the provider supports.</summary>
    public QueueCapabilities Capabilities => _capabilities;

    /// <summary>The queue that receives messages delivered more than <see cref="MaxDeliveries"/> times by the portable
    /// layer, or <see langword="null"/>.</summary>
    public MessageQueue? DeadLetterQueue => _deadLetterQueue;

    /// <summary>The delivery count above which the portable layer dead-letters a message (0 when it does not).</summary>
    public int MaxDeliveries => _maxDeliveries;

    /// <summary>Sends one message.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The provider's message id.</returns>
    /// <exception cref="CloudException">InvalidArgument for a bad message; NotSupported for a delay the provider cannot do;
    /// NotFound when the queue does not exist.</exception>
    public Task<string> SendAsync(QueueMessage message, CancellationToken cancellationToken = default)
        => SendCoreAsync(message, allowReserved: false, cancellationToken);

    private async Task<string> SendCoreAsync(QueueMessage message, bool allowReserved, CancellationToken cancellationToken)
    {
        long size = Validate(message, nameof(message), allowReserved);
        var scope = OperationScope.Start("queue.send", _provider, _name, null);
        try
        {
            var ids = await _driver.SendAsync([message], cancellationToken).ConfigureAwait(false);
            scope.Complete(bytesSent: size);
            return ids[0];
        }
        catch (Exception ex)
        {
            throw Fail(ref scope, ex, "send to", null, cancellationToken);
        }
    }

    /// <summary>Sends one message with a binary body.</summary>
    /// <param name="body">The body.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The provider's message id.</returns>
    public Task<string> SendAsync(BinaryData body, CancellationToken cancellationToken = default)
        => SendAsync(new QueueMessage(body), cancellationToken);

    /// <summary>Sends one message with a UTF-8 text body.</summary>
    /// <param name="body">The body.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The provider's message id.</returns>
    public Task<string> SendAsync(string body, CancellationToken cancellationToken = default)
        => SendAsync(new QueueMessage(body), cancellationToken);

    /// <summary>Sends <paramref name="value"/> serialized as JSON (attribute <c>content-type: application/json</c>).</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="options">Serializer options, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The provider's message id.</returns>
    /// <remarks>Uses reflection-based serialization; in trimmed or Native AOT applications use the overload that takes
    /// a <see cref="JsonTypeInfo{T}"/> from a source-generated <c>JsonSerializerContext</c>.</remarks>
    [RequiresUnreferencedCode(QueueMessage.JsonReflectionMessage)]
    [RequiresDynamicCode(QueueMessage.JsonReflectionMessage)]
    [OverloadResolutionPriority(1)]
    public Task<string> SendJsonAsync<T>(T value, JsonSerializerOptions? options = null, CancellationToken cancellationToken = default)
        => SendAsync(QueueMessage.FromJson(value, options), cancellationToken);

    /// <summary>Sends <paramref name="value"/> serialized as JSON with the given (for example source-generated) type
    /// information (attribute <c>content-type: application/json</c>). Safe in trimmed and Native AOT applications.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="jsonTypeInfo">The type information, for example <c>MyJsonContext.Default.Order</c>.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The provider's message id.</returns>
    public Task<string> SendJsonAsync<T>(T value, JsonTypeInfo<T> jsonTypeInfo, CancellationToken cancellationToken = default)
        => SendAsync(QueueMessage.FromJson(value, jsonTypeInfo), cancellationToken);

    /// <summary>
    /// Sends several messages with as few native calls as the provider allows (SQS: 10 per call; Pub/Sub: 1000;
    /// providers without batch sends: one call each). When a call fails, the messages of earlier calls stay sent.
    /// </summary>
    /// <param name="messages">The messages, at least one.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The message ids, in order.</returns>
    public async Task<IReadOnlyList<string>> SendBatchAsync(IEnumerable<QueueMessage> messages, CancellationToken cancellationToken = default)
    {
        if (messages is null)
        {
            throw Invalid(nameof(messages), "a collection of messages is required.");
        }

        var list = messages as IReadOnlyList<QueueMessage> ?? messages.ToArray();
        if (list.Count == 0)
        {
            throw Invalid(nameof(messages), "at least one message is required.");
        }

        if (list.Count > MaxBatchMessages)
        {
            throw Invalid(nameof(messages), $"{_provider} takes at most {MaxBatchMessages} messages per SendBatchAsync call (sent in native calls of up to {Math.Max(1, _capabilities.MaxSendBatch)}), not {list.Count}; split the batch.");
        }

        long size = 0;
        for (int i = 0; i < list.Count; i++)
        {
            size += Validate(list[i], $"messages[{i}]", allowReserved: false);
        }

        var scope = OperationScope.Start("queue.send_batch", _provider, _name, null);
        try
        {
            int max = Math.Max(1, _capabilities.MaxSendBatch);
            IReadOnlyList<string> ids;
            if (list.Count <= max)
            {
                ids = await _driver.SendAsync(list, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                var all = new List<string>(list.Count);
                for (int start = 0; start < list.Count; start += max)
                {
                    int n = Math.Min(max, list.Count - start);
                    var chunk = new QueueMessage[n];
                    for (int i = 0; i < n; i++)
                    {
                        chunk[i] = list[start + i];
                    }

                    all.AddRange(await _driver.SendAsync(chunk, cancellationToken).ConfigureAwait(false));
                }

                ids = all;
            }

            scope.Complete(bytesSent: size);
            return ids;
        }
        catch (Exception ex)
        {
            throw Fail(ref scope, ex, "send a batch to", null, cancellationToken);
        }
    }

    /// <summary>Receives up to <paramref name="maxMessages"/> messages with the default 30 s lease.</summary>
    /// <param name="maxMessages">1 to 1000.</param>
    /// <param name="waitTime">How long to wait for a first message (default: return at once).</param>
    /// <param name="cancellationToken">Cancels the wait promptly.</param>
    /// <returns>The messages, possibly none.</returns>
    public Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan waitTime = default, CancellationToken cancellationToken = default)
        => ReceiveAsync(new QueueReceiveOptions { MaxMessages = maxMessages, WaitTime = waitTime }, cancellationToken);

    /// <summary>
    /// Receives up to <see cref="QueueReceiveOptions.MaxMessages"/> messages, each under a lease, waiting up to
    /// <see cref="QueueReceiveOptions.WaitTime"/> for a first one. Messages delivered more than
    /// <see cref="MaxDeliveries"/> times are moved to the <see cref="DeadLetterQueue"/> instead of being returned.
    /// </summary>
    /// <param name="options">Count, lease and wait time.</param>
    /// <param name="cancellationToken">Cancels the wait promptly.</param>
    /// <returns>The messages, possibly none.</returns>
    /// <exception cref="CloudException">NotFound when the queue does not exist.</exception>
    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(QueueReceiveOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= QueueReceiveOptions.Default;
        int maxMessages = Math.Max(1, _capabilities.MaxReceiveBatch);
        if (options.MaxMessages < 1 || options.MaxMessages > maxMessages)
        {
            throw Invalid("options.MaxMessages", $"{_provider} returns at most {maxMessages} messages per receive; the number must be from 1 to {maxMessages}, not {options.MaxMessages}.");
        }

        ValidateLease(options.LeaseDuration, "options.LeaseDuration");
        ValidateWaitTime(options.WaitTime, "options.WaitTime");

        var scope = OperationScope.Start("queue.receive", _provider, _name, null);
        try
        {
            var result = await ReceiveCoreAsync(options, cancellationToken).ConfigureAwait(false);
            long bytes = 0;
            foreach (var m in result)
            {
                bytes += m.Body.Length;
            }

            scope.Complete(bytesReceived: bytes);
            return result;
        }
        catch (Exception ex)
        {
            throw Fail(ref scope, ex, "receive from", null, cancellationToken);
        }
    }

    /// <summary>Completes (acknowledges, deletes) a message. Completing it again is harmless.</summary>
    /// <param name="message">The received message.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task.</returns>
    /// <exception cref="CloudException">PreconditionFailed when the lease was lost and the message was delivered again
    /// (where the provider can tell: see <see cref="QueueCapabilities.DetectsStaleLease"/>).</exception>
    public async Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken = default)
    {
        ValidateReceived(message);
        var scope = OperationScope.Start("queue.complete", _provider, _name, message.MessageId);
        try
        {
            await _driver.CompleteAsync(message, cancellationToken).ConfigureAwait(false);
            message.TrySettle();
            scope.Complete();
        }
        catch (Exception ex)
        {
            throw Fail(ref scope, ex, "complete message", message.MessageId, cancellationToken);
        }
    }

    /// <summary>Abandons (negatively acknowledges) a message: it becomes visible again at once, or after
    /// <paramref name="retryAfter"/>, and is delivered again with a higher delivery count.</summary>
    /// <param name="message">The received message.</param>
    /// <param name="retryAfter">How long it stays invisible (default zero).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task.</returns>
    public async Task AbandonAsync(ReceivedMessage message, TimeSpan retryAfter = default, CancellationToken cancellationToken = default)
    {
        ValidateReceived(message);
        if (retryAfter < TimeSpan.Zero || retryAfter > _capabilities.MaxLease)
        {
            throw Invalid(nameof(retryAfter), $"the retry delay must be from zero to {_capabilities.MaxLease} on {_provider}, not {Describe(retryAfter)}.");
        }

        var scope = OperationScope.Start("queue.abandon", _provider, _name, message.MessageId);
        try
        {
            string? token = await _driver.ChangeLeaseAsync(message, retryAfter, cancellationToken).ConfigureAwait(false);
            if (token is not null)
            {
                message.LeaseToken = token;
            }

            message.LeaseExpiresAt = _time.GetUtcNow() + retryAfter;
            message.TrySettle();
            scope.Complete();
        }
        catch (Exception ex)
        {
            throw Fail(ref scope, ex, "abandon message", message.MessageId, cancellationToken);
        }
    }

    /// <summary>Extends the lease of a message that is still being worked on: it stays invisible for
    /// <paramref name="leaseDuration"/> from now. For long handlers use <see cref="StartLeaseRenewal"/> or
    /// <see cref="ProcessAsync"/>, which renew automatically.</summary>
    /// <param name="message">The received message; its <see cref="ReceivedMessage.LeaseToken"/> is updated when the
    /// provider issues a new one.</param>
    /// <param name="leaseDuration">The new lease from now (default 30 s).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task.</returns>
    /// <exception cref="CloudException">PreconditionFailed when the lease was already lost; NotFound when the message
    /// was completed.</exception>
    public async Task RenewLeaseAsync(ReceivedMessage message, TimeSpan? leaseDuration = null, CancellationToken cancellationToken = default)
    {
        ValidateReceived(message);
        var lease = leaseDuration ?? TimeSpan.FromSeconds(30);
        ValidateLease(lease, nameof(leaseDuration));
        var scope = OperationScope.Start("queue.renew", _provider, _name, message.MessageId);
        try
        {
            string? token = await _driver.ChangeLeaseAsync(message, lease, cancellationToken).ConfigureAwait(false);
            if (token is not null)
            {
                message.LeaseToken = token;
            }

            message.LeaseExpiresAt = _time.GetUtcNow() + lease;
            scope.Complete();
        }
        catch (Exception ex)
        {
            throw Fail(ref scope, ex, "renew the lease of message", message.MessageId, cancellationToken);
        }
    }

    /// <summary>Reads the queue's properties with one read-only call: nothing is received, leased or changed, so it is
    /// the cheap way to check that a queue exists and can be reached (the Polycloud health checks use it).</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The properties.</returns>
    /// <exception cref="CloudException">NotFound when the queue does not exist; NotSupported when the provider has no
    /// read-only call.</exception>
    public async Task<QueueProperties> GetPropertiesAsync(CancellationToken cancellationToken = default)
    {
        var scope = OperationScope.Start("queue.properties", _provider, _name, null);
        try
        {
            var result = await _driver.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
            scope.Complete();
            return result;
        }
        catch (Exception ex)
        {
            throw Fail(ref scope, ex, "read the properties of", null, cancellationToken);
        }
    }

    /// <summary>
    /// Starts renewing the lease of <paramref name="message"/> in the background, at half the lease duration, until the
    /// returned object is disposed or <paramref name="maxTotal"/> has passed. When a renewal fails for good,
    /// <see cref="QueueLeaseRenewal.LeaseLost"/> is cancelled so that the work can stop.
    /// </summary>
    /// <param name="message">The received message.</param>
    /// <param name="leaseDuration">The lease each renewal asks for (default 30 s).</param>
    /// <param name="maxTotal">The longest time to keep renewing (default one hour).</param>
    /// <returns>The renewal; dispose it before completing or abandoning the message.</returns>
    public QueueLeaseRenewal StartLeaseRenewal(ReceivedMessage message, TimeSpan? leaseDuration = null, TimeSpan? maxTotal = null)
    {
        ValidateReceived(message);
        var lease = leaseDuration ?? TimeSpan.FromSeconds(30);
        ValidateLease(lease, nameof(leaseDuration));
        var total = maxTotal ?? TimeSpan.FromHours(1);
        if (total <= TimeSpan.Zero)
        {
            throw Invalid(nameof(maxTotal), $"the renewal time must be positive, not {total}.");
        }

        return new QueueLeaseRenewal(this, message, lease, total);
    }

    /// <summary>
    /// Receives and handles messages until <paramref name="cancellationToken"/> is cancelled: up to
    /// <see cref="QueueProcessOptions.MaxConcurrency"/> handlers run at once, each message's lease is renewed while its
    /// handler runs, a message is completed when its handler returns and abandoned when it throws, and a message
    /// delivered more than <see cref="MaxDeliveries"/> times goes to the dead-letter queue (natively where the provider
    /// has one configured). On cancellation the loop stops receiving, lets running handlers finish and settles their
    /// messages, then returns normally.
    /// </summary>
    /// <param name="handler">The handler. Its token is cancelled when the message's lease is lost. A handler may
    /// complete or abandon the message itself; the loop then leaves it alone.</param>
    /// <param name="options">Concurrency, lease, renewal, wait time, retry delay, error callback.</param>
    /// <param name="cancellationToken">Stops the loop gracefully.</param>
    /// <returns>A task that ends when the loop has stopped.</returns>
    /// <exception cref="CloudException">When receiving fails for a reason that retrying cannot fix (for example
    /// NotFound or PermissionDenied); running handlers are let finish first.</exception>
    public async Task ProcessAsync(Func<ReceivedMessage, CancellationToken, Task> handler, QueueProcessOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (handler is null)
        {
            throw Invalid(nameof(handler), "a message handler is required.");
        }

        options ??= QueueProcessOptions.Default;
        if (options.MaxConcurrency is < 1 or > 1000)
        {
            throw Invalid("options.MaxConcurrency", $"the concurrency must be from 1 to 1000, not {options.MaxConcurrency}.");
        }

        ValidateLease(options.LeaseDuration, "options.LeaseDuration");
        ValidateWaitTime(options.WaitTime, "options.WaitTime");

        if (options.RetryDelay < TimeSpan.Zero || options.RetryDelay > _capabilities.MaxLease)
        {
            throw Invalid("options.RetryDelay", $"the retry delay must be from zero to {_capabilities.MaxLease} on {_provider}, not {Describe(options.RetryDelay)}.");
        }

        if (options.MaxRetryDelay < options.RetryDelay)
        {
            throw Invalid("options.MaxRetryDelay", $"the longest retry delay must be at least RetryDelay ({Describe(options.RetryDelay)}), not {Describe(options.MaxRetryDelay)}.");
        }

        if (options.TimeProvider is null)
        {
            throw Invalid("options.TimeProvider", "a time provider is required (TimeProvider.System by default).");
        }

        if (options.MaxLeaseRenewal <= TimeSpan.Zero)
        {
            throw Invalid("options.MaxLeaseRenewal", $"the renewal time must be positive, not {options.MaxLeaseRenewal}.");
        }

        var processor = new QueueProcessor(this, handler, options);
        await processor.RunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The escape hatch: gets the provider's native client (for example <c>Amazon.SQS.IAmazonSQS</c>,
    /// <c>Azure.Storage.Queues.QueueClient</c>, <c>System.Net.Http.HttpClient</c> for Pub/Sub) for what is not portable.
    /// Code that uses it is tied to that provider; the Polycloud analyzers report it.
    /// </summary>
    /// <typeparam name="T">The native type.</typeparam>
    /// <param name="value">The native object.</param>
    /// <returns><see langword="true"/> when the provider has an object of that type.</returns>
    public bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class
        => _driver.TryAs(out value);

    /// <summary>The escape hatch, failing when the provider has no object of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The native type.</typeparam>
    /// <returns>The native object.</returns>
    /// <exception cref="CloudException">NotSupported when the provider has no such object.</exception>
    public T As<T>()
        where T : class
        => _driver.TryAs(out T? value)
            ? value
            : throw CloudException.NotSupported(_provider, $"the native type {typeof(T).FullName}");

    /// <summary>Maps a native exception from this queue's provider to a portable code, as the queue does.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The portable error code.</returns>
    public CloudErrorCode GetErrorCode(Exception exception) => PortableErrors.Code(exception, _driver.ClassifyError);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _driver.DisposeAsync().ConfigureAwait(false);
        if (_ownsDeadLetterQueue && _deadLetterQueue is not null)
        {
            await _deadLetterQueue.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override string ToString() => $"{_provider}:{_name}";

    internal static bool IsReservedAttribute(string name) => name.StartsWith("polycloud-", StringComparison.OrdinalIgnoreCase);

    private async Task<IReadOnlyList<ReceivedMessage>> ReceiveCoreAsync(QueueReceiveOptions options, CancellationToken cancellationToken)
    {
        int max = Math.Min(options.MaxMessages, Math.Max(1, _capabilities.MaxReceiveBatch));
        long start = _time.GetTimestamp();
        var interval = FirstPollInterval;
        while (true)
        {
            var remaining = options.WaitTime - _time.GetElapsedTime(start);
            if (remaining < TimeSpan.Zero)
            {
                remaining = TimeSpan.Zero;
            }

            var nativeWait = remaining < _capabilities.MaxNativeWait ? remaining : _capabilities.MaxNativeWait;
            var received = await _driver.ReceiveAsync(max, options.LeaseDuration, nativeWait, cancellationToken).ConfigureAwait(false);
            bool any = received.Count > 0;
            if (any && _deadLetterQueue is not null)
            {
                received = await DeadLetterOverDeliveredAsync(received, cancellationToken).ConfigureAwait(false);
            }

            if (received.Count > 0)
            {
                return received;
            }

            remaining = options.WaitTime - _time.GetElapsedTime(start);
            if (remaining <= TimeSpan.Zero)
            {
                return [];
            }

            if (any)
            {
                interval = FirstPollInterval;
                continue;
            }

            if (_capabilities.MaxNativeWait == TimeSpan.Zero || nativeWait < TimeSpan.FromSeconds(1))
            {
                await Task.Delay(interval < remaining ? interval : remaining, _time, cancellationToken).ConfigureAwait(false);
                interval = interval * 2 < MaxPollInterval ? interval * 2 : MaxPollInterval;
            }
        }
    }

    private async Task<IReadOnlyList<ReceivedMessage>> DeadLetterOverDeliveredAsync(IReadOnlyList<ReceivedMessage> received, CancellationToken cancellationToken)
    {
        List<ReceivedMessage>? kept = null;
        for (int i = 0; i < received.Count; i++)
        {
            var m = received[i];
            if (m.DeliveryCount <= _maxDeliveries)
            {
                if (kept is not null)
                {
                    kept.Add(m);
                }

                continue;
            }

            if (kept is null)
            {
                kept = new List<ReceivedMessage>(received.Count);
                for (int j = 0; j < i; j++)
                {
                    kept.Add(received[j]);
                }
            }

            try
            {
                var copy = new QueueMessage(m.Body) { GroupId = m.GroupId };
                foreach (var (k, v) in m.Attributes)
                {
                    copy.Attributes[k] = v;
                }

                // The provenance attributes are added while the dead-letter queue's attribute limit allows.
                int room = _deadLetterQueue!.Capabilities.MaxAttributes - copy.Attributes.Count;
                if (room-- > 0)
                {
                    copy.Attributes[DeadLetterReasonAttribute] = "max-deliveries-exceeded";
                }

                if (room-- > 0)
                {
                    copy.Attributes[OriginalMessageIdAttribute] = m.MessageId;
                }

                if (room > 0)
                {
                    copy.Attributes[DeliveryCountAttribute] = m.DeliveryCount.ToString(CultureInfo.InvariantCulture);
                }

                await _deadLetterQueue.SendCoreAsync(copy, allowReserved: true, cancellationToken).ConfigureAwait(false);
                await _driver.CompleteAsync(m, cancellationToken).ConfigureAwait(false);
                m.TrySettle();
            }
            catch (Exception)
            {
                // Nothing is lost: make the rest of this batch visible again and report the failure. The message that
                // could not be moved comes back when its lease ends.
                for (int j = i + 1; j < received.Count; j++)
                {
                    await AbandonQuietlyAsync(received[j]).ConfigureAwait(false);
                }

                foreach (var k in kept)
                {
                    await AbandonQuietlyAsync(k).ConfigureAwait(false);
                }

                throw;
            }
        }

        return kept ?? received;
    }

    private async Task AbandonQuietlyAsync(ReceivedMessage message)
    {
        try
        {
            await _driver.ChangeLeaseAsync(message, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Best effort: the message becomes visible when its lease ends anyway.
        }
    }

    private long Validate(QueueMessage message, string argumentName, bool allowReserved)
    {
        if (message is null)
        {
            throw Invalid(argumentName, "a message is required.");
        }

        long size = message.Body.Length;
        foreach (var (name, value) in message.Attributes)
        {
            if (!(allowReserved && IsReservedAttribute(name)))
            {
                ValidateAttributeName(name, argumentName);
            }

            if (string.IsNullOrEmpty(value))
            {
                throw Invalid($"{argumentName}.Attributes[{name}]", "an attribute value must not be empty (SQS rejects empty values).");
            }

            size += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);
        }

        if (message.Attributes.Count > _capabilities.MaxAttributes)
        {
            throw Invalid($"{argumentName}.Attributes", $"{_provider} takes at most {_capabilities.MaxAttributes} attributes per message, not {message.Attributes.Count}.");
        }

        if (size > _capabilities.MaxMessageSize)
        {
            throw Invalid(argumentName, $"the message is {size} bytes (body plus attributes); {_provider} takes at most {_capabilities.MaxMessageSize}. Store large payloads in a blob and send its key.");
        }

        if (message.Delay is { } delay)
        {
            if (delay < TimeSpan.Zero)
            {
                throw Invalid($"{argumentName}.Delay", $"the delay must not be negative, not {delay}.");
            }

            if (delay > TimeSpan.Zero && _capabilities.MaxDelay == TimeSpan.Zero)
            {
                throw CloudException.NotSupported(_provider, "delayed messages", "Send the message later, or use a provider with delays (SQS, Azure Storage Queues, local queues).");
            }

            if (delay > _capabilities.MaxDelay)
            {
                throw Invalid($"{argumentName}.Delay", $"{_provider} delays messages by at most {_capabilities.MaxDelay}, not {delay}.");
            }
        }

        if (message.GroupId is { Length: 0 or > 128 })
        {
            throw Invalid($"{argumentName}.GroupId", "a group id must be 1 to 128 characters.");
        }

        if (message.DeduplicationId is { Length: 0 or > 128 })
        {
            throw Invalid($"{argumentName}.DeduplicationId", "a deduplication id must be 1 to 128 characters.");
        }

        return size;
    }

    private void ValidateAttributeName(string name, string argumentName)
    {
        string arg = $"{argumentName}.Attributes";
        if (string.IsNullOrEmpty(name) || name.Length > MaxAttributeNameLength)
        {
            throw Invalid(arg, $"an attribute name must be 1 to {MaxAttributeNameLength} characters, not '{name}'.");
        }

        foreach (char c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                throw Invalid(arg, $"the attribute name '{name}' may only contain ASCII letters, digits, '-', '_' and '.'.");
            }
        }

        if (name[0] == '.' || name[^1] == '.' || name.Contains("..", StringComparison.Ordinal))
        {
            throw Invalid(arg, $"the attribute name '{name}' must not start or end with '.' or contain '..'.");
        }

        if (IsReservedAttribute(name) || name.StartsWith("aws.", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("amazon.", StringComparison.OrdinalIgnoreCase) || name.StartsWith("goog", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(arg, $"the attribute name '{name}' uses a reserved prefix ('polycloud-', 'aws.', 'amazon.', 'goog').");
        }
    }

    private CloudException Invalid(string argumentName, string rule) => CloudException.InvalidArgument(argumentName, rule, _provider);

    private void ValidateWaitTime(TimeSpan waitTime, string argumentName)
    {
        if (waitTime < TimeSpan.Zero || waitTime > MaxWaitTime)
        {
            throw Invalid(argumentName, $"the wait time on {_provider} must be from zero to {MaxWaitTime}, not {Describe(waitTime)}.");
        }
    }

    internal static string Describe(TimeSpan value)
        => value == Timeout.InfiniteTimeSpan ? "Timeout.InfiniteTimeSpan (an infinite wait; cancel the token to stop waiting instead)" : value.ToString("c", CultureInfo.InvariantCulture);

    private void ValidateLease(TimeSpan lease, string argumentName)
    {
        if (lease < MinLease || lease > _capabilities.MaxLease)
        {
            throw Invalid(argumentName, $"the lease must be from {MinLease} to {_capabilities.MaxLease} on {_provider}, not {Describe(lease)}.");
        }
    }

    private void ValidateReceived(ReceivedMessage message)
    {
        if (message is null)
        {
            throw Invalid(nameof(message), "a received message is required.");
        }
    }

    private Exception Fail(ref OperationScope scope, Exception ex, string operation, string? item, CancellationToken cancellationToken)
        => PortableErrors.Fail(scope, ex, Map(ex, operation, item, cancellationToken));

    private Exception Map(Exception ex, string operation, string? item, CancellationToken cancellationToken)
        => PortableErrors.Map(ex, _provider, item is null ? $"{operation} '{_name}'" : $"{operation} '{item}' in '{_name}'", _driver.ClassifyError, null, cancellationToken);
}
