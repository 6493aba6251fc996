using Azure.Storage.Queues;

namespace LockInPort.Messaging;

/// <summary>The same announcements for the EU tenant, on Azure Queue Storage.</summary>
public sealed class AzureQueueNotifier(QueueServiceClient queues)
{
    public async Task AnnounceAsync(string id, CancellationToken cancellationToken = default)
    {
        var queue = queues.GetQueueClient("receipts-archived");
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queue.SendMessageAsync(id, cancellationToken);
    }
}
