namespace Polycloud.Queues;

/// <summary>
/// Handles one queue message for a hosted queue worker (<c>services.AddQueueWorker&lt;THandler&gt;("orders")</c>). The
/// handler is resolved from a new dependency-injection scope for each message, so it can take scoped services such as
/// a database context. Returning completes the message; throwing abandons it, and it is delivered again (after
/// <see cref="QueueWorkerOptions.RetryDelay"/>, and to the dead-letter queue after the maximum deliveries).
/// Delivery is at-least-once: a handler must tolerate seeing a message again.
/// </summary>
public interface IQueueMessageHandler
{
    /// <summary>Handles a message.</summary>
    /// <param name="message">The received message. The handler may complete or abandon it itself through the queue;
    /// the worker then leaves it alone.</param>
    /// <param name="cancellationToken">Cancelled when the message's lease is lost, or when the host is stopping and the
    /// <see cref="QueueWorkerOptions.ShutdownGracePeriod"/> has passed. A message whose handler was cancelled is not
    /// completed: it comes back.</param>
    /// <returns>A task that ends when the message has been handled.</returns>
    Task HandleAsync(ReceivedMessage message, CancellationToken cancellationToken);
}
