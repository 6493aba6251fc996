using Polycloud;

namespace LockInPort.Receipts;

/// <summary>Archives a receipt and announces it, on whichever cloud is configured.</summary>
public sealed class ReceiptService(IReceiptStore store, IReceiptNotifier notifier)
{
    public async Task ArchiveAsync(string id, byte[] content, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.SaveAsync(id, content, cancellationToken);
        }
        catch (CloudException e) when (e.ErrorCode == CloudErrorCode.Throttled)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            await store.SaveAsync(id, content, cancellationToken);
        }

        await notifier.AnnounceAsync(id, cancellationToken);
    }

    public async Task<byte[]?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            return await store.LoadAsync(id, cancellationToken);
        }
        catch (CloudException e) when (e.ErrorCode == CloudErrorCode.NotFound)
        {
            return null;
        }
    }
}
