using Amazon.SQS;
using Amazon.SQS.Model;
using Azure.Storage.Queues;
using LockInPort.Receipts;
using Microsoft.Extensions.Options;

namespace LockInPort.Adapters;

internal sealed class SqsReceiptNotifier(IAmazonSQS sqs, IOptions<ReceiptOptions> options) : IReceiptNotifier
{
    public Task AnnounceAsync(string id, CancellationToken cancellationToken = default)
        => sqs.SendMessageAsync(new SendMessageRequest(options.Value.QueueUrl, id), cancellationToken);
}

internal sealed class AzureQueueNotifier(QueueServiceClient queues) : IReceiptNotifier
{
    public async Task AnnounceAsync(string id, CancellationToken cancellationToken = default)
    {
        var queue = queues.GetQueueClient("receipts-archived");
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queue.SendMessageAsync(id, cancellationToken);
    }
}

/// <summary>Google announcements are not ported yet: the Google deployment does not announce receipts.</summary>
internal sealed class NoNotifier : IReceiptNotifier
{
    public Task AnnounceAsync(string id, CancellationToken cancellationToken = default) => Task.CompletedTask;
}
