using Amazon.S3;
using LockInPort.Messaging;
using LockInPort.Storage;

namespace LockInPort.Receipts;

/// <summary>Archives a receipt and announces it.</summary>
public sealed class ReceiptService(S3ReceiptStore store, SqsReceiptNotifier notifier)
{
    public async Task ArchiveAsync(string id, byte[] content, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.SaveAsync(id, content, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "SlowDown")
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            await store.SaveAsync(id, content, cancellationToken);
        }

        await notifier.AnnounceAsync(id, cancellationToken);
    }

    public Task<byte[]?> FindAsync(string id, CancellationToken cancellationToken = default)
        => store.LoadAsync(id, cancellationToken);
}
