namespace Polycloud.Queues;

/// <summary>
/// Gives the queues named in configuration (<c>Polycloud:Queues:{name}</c>). Registered by
/// <c>services.AddPolycloud(configuration)</c>; each named queue is also a keyed service
/// (<c>[FromKeyedServices("orders")] MessageQueue orders</c>).
/// </summary>
public interface IMessageQueueFactory
{
    /// <summary>The configured queue names.</summary>
    IReadOnlyCollection<string> Names { get; }

    /// <summary>Gets the queue configured under <paramref name="name"/>. The same instance is returned every time.</summary>
    /// <param name="name">The name, as in <c>Polycloud:Queues:{name}</c>.</param>
    /// <returns>The queue; the container owns it.</returns>
    /// <exception cref="CloudException">InvalidArgument when no queue has that name or its URL is invalid.</exception>
    MessageQueue GetQueue(string name);
}
