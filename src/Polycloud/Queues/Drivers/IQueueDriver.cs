using System.Diagnostics.CodeAnalysis;

namespace Polycloud.Queues.Drivers;

/// <summary>
/// The contract a queue provider implements: a thin translation of each call to the native SDK or REST API.
/// Arguments arrive already validated by <see cref="MessageQueue"/>, which also does telemetry, error wrapping,
/// polling for providers without long polling, batching to the provider's limits, lease renewal, dead-lettering
/// where the provider has none, and the processing loop. A driver must be thread-safe. Exceptions a driver throws are
/// classified by <see cref="ClassifyError"/> and wrapped in a <see cref="CloudException"/> by the portable layer,
/// unless the driver already threw a <see cref="CloudException"/> or an <see cref="OperationCanceledException"/>.
/// Every driver must pass the queue conformance suite.
/// </summary>
public interface IQueueDriver : IAsyncDisposable
{
    /// <summary>The provider name used in errors and telemetry, for example <c>aws-sqs</c>.</summary>
    string ProviderName { get; }

    /// <summary>The queue name.</summary>
    string QueueName { get; }

    /// <summary>What this provider supports.</summary>
    QueueCapabilities Capabilities { get; }

    /// <summary>Sends messages in one native call.</summary>
    /// <param name="messages">1 to <see cref="QueueCapabilities.MaxSendBatch"/> validated messages.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The message ids, in the order of <paramref name="messages"/>.</returns>
    Task<IReadOnlyList<string>> SendAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken);

    /// <summary>Receives up to <paramref name="maxMessages"/> messages in one native call.</summary>
    /// <param name="maxMessages">1 to <see cref="QueueCapabilities.MaxReceiveBatch"/>.</param>
    /// <param name="leaseDuration">The lease, 1 s to <see cref="QueueCapabilities.MaxLease"/>.</param>
    /// <param name="waitTime">How long the native call may wait for a first message, at most
    /// <see cref="QueueCapabilities.MaxNativeWait"/> (zero: return at once).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The messages, possibly none.</returns>
    Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan leaseDuration, TimeSpan waitTime, CancellationToken cancellationToken);

    /// <summary>Deletes (acknowledges) a received message. A message already deleted is not an error. A stale token
    /// (the message was delivered again since) is a <see cref="CloudErrorCode.PreconditionFailed"/> error where the
    /// provider can tell.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task.</returns>
    Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken);

    /// <summary>Changes the remaining lease of a received message: zero makes it visible at once (abandon), a positive
    /// value extends the lease from now (renew).</summary>
    /// <param name="message">The message.</param>
    /// <param name="visibleAfter">The time from now after which the message is visible again.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The new lease token when the provider issues one (Azure), else <see langword="null"/>.</returns>
    Task<string?> ChangeLeaseAsync(ReceivedMessage message, TimeSpan visibleAfter, CancellationToken cancellationToken);

    /// <summary>Reads the queue's properties with one read-only native call (SQS GetQueueAttributes, Azure Get Queue
    /// Properties, Pub/Sub subscriptions.get, a local lookup): it receives nothing and changes nothing, so health checks
    /// can call it often. A missing queue is a <see cref="CloudErrorCode.NotFound"/> error. Drivers without such a call
    /// keep this default, which throws <see cref="CloudErrorCode.NotSupported"/>.</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The properties.</returns>
    Task<QueueProperties> GetPropertiesAsync(CancellationToken cancellationToken)
        => Task.FromException<QueueProperties>(CloudException.NotSupported(ProviderName, "reading queue properties"));

    /// <summary>Tells whether <paramref name="other"/> reaches the same underlying queue as this driver (for example two
    /// <c>mem://</c> opens of one name, or one SQLite file and queue reached by two paths). The portable layer uses it
    /// to refuse a queue that is its own dead-letter queue. The default compares the two drivers by reference; drivers
    /// that can tell more override it.</summary>
    /// <param name="other">Another driver.</param>
    /// <returns><see langword="true"/> when both reach the same queue.</returns>
    bool IsSameQueue(IQueueDriver other) => ReferenceEquals(this, other);

    /// <summary>Maps a native exception to the portable error code: the service's native error code where it overrides the
    /// status, else the status by the one table every driver uses (<see cref="Polycloud.Drivers.CloudErrors.FromHttpStatus(int)"/>),
    /// and transport failures by <see cref="Polycloud.Drivers.CloudErrors.TryClassifyTransport"/> (docs/errors.md).</summary>
    /// <param name="exception">The exception the driver's SDK threw.</param>
    /// <returns>The code.</returns>
    CloudErrorCode ClassifyError(Exception exception);

    /// <summary>The escape hatch: gives the native client (or another native object) of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The native type, for example <c>Amazon.SQS.IAmazonSQS</c>.</typeparam>
    /// <param name="value">The native object.</param>
    /// <returns><see langword="true"/> when this driver has an object of that type.</returns>
    bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class;
}
