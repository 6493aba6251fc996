using Microsoft.Extensions.DependencyInjection;
using Polycloud;
using Polycloud.Blobs;
using Polycloud.Queues;

namespace LockInPort.Receipts;

/// <summary>
/// Archives a receipt and announces it, on whichever cloud configuration names. The port replaced three native
/// stores, two native notifiers and their error mapping with one portable bucket and one portable queue.
/// </summary>
public sealed class ReceiptService(
    [FromKeyedServices("receipts")] BlobBucket receipts,
    [FromKeyedServices("receipt-events")] MessageQueue events)
{
    public async Task ArchiveAsync(string id, byte[] content, CancellationToken cancellationToken = default)
    {
        var options = new BlobUploadOptions { ContentType = "application/pdf", Condition = BlobCondition.IfNotExists };
        try
        {
            await receipts.UploadAsync(Key(id), content, options, cancellationToken);
        }
        catch (CloudException e) when (e.ErrorCode == CloudErrorCode.Throttled)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            await receipts.UploadAsync(Key(id), content, options, cancellationToken);
        }
        catch (CloudException e) when (e.ErrorCode == CloudErrorCode.AlreadyExists)
        {
            return; // archived before: receipts are immutable, announce once
        }

        await events.SendAsync(new QueueMessage(id) { Attributes = { ["kind"] = "receipt-archived" } }, cancellationToken);
    }

    public async Task<byte[]?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await receipts.ReadAllAsync(Key(id), default, cancellationToken)).ToArray();
        }
        catch (CloudException e) when (e.ErrorCode == CloudErrorCode.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        var ids = new List<string>();
        await foreach (var item in receipts.ListAsync(new BlobListOptions { Prefix = "receipts/" }, cancellationToken))
        {
            ids.Add(item.Key["receipts/".Length..^".pdf".Length]);
        }

        return ids;
    }

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken = default)
        => receipts.DeleteIfExistsAsync(Key(id), cancellationToken);

    private static string Key(string id) => $"receipts/{id}.pdf";
}
