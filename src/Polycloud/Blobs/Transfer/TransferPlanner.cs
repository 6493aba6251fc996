namespace Polycloud.Blobs.Transfer;

internal static class TransferPlanner
{
    public static Task<BlobTransferPlan> PlanAsync(BlobEndpoint source, BlobEndpoint destination, BlobTransferOptions options, CancellationToken cancellationToken)
        => throw CloudException.NotSupported("transfer", "planning");
}
