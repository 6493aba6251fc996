namespace Polycloud.Blobs.Transfer;

internal sealed class TransferRunner(BlobTransferPlan plan, BlobTransferOptions options)
{
    public Task<BlobTransferResult> RunAsync(CancellationToken cancellationToken)
        => throw CloudException.NotSupported("transfer", "apply " + plan.Id + options.Mode);
}
