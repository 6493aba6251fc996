using System.Security.Cryptography;
using System.Text;

namespace Polycloud.Blobs.Transfer;

internal static class PlanIdentity
{
    public static string Compute(BlobEndpoint source, BlobEndpoint destination, BlobTransferMode mode, IReadOnlyList<BlobTransferItem> items)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string? s)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(s ?? "\u0000"));
            hash.AppendData("\u001f"u8);
        }

        Add(source.Bucket.ToString());
        Add(source.Prefix);
        Add(destination.Bucket.ToString());
        Add(destination.Prefix);
        Add(mode.ToString());
        foreach (var i in items)
        {
            Add(i.SourceKey);
            Add(i.DestinationKey);
            Add(i.Action.ToString());
            Add(BlobTransferPlan.Invariant(i.Size));
            Add(i.SourceETag);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}

internal static class TransferCost
{
    private const decimal BytesPerGiB = 1024m * 1024m * 1024m;

    public static decimal? Multiply(long bytes, decimal? pricePerGiB) => pricePerGiB is { } p ? Math.Round(bytes / BytesPerGiB * p, 6) : null;

    /// <summary>Re-prices a plan's routes for a subset of its items (a shard), by the same per-GiB prices.</summary>
    public static BlobTransferCostEstimate Estimate(BlobEndpoint source, BlobEndpoint destination, IReadOnlyList<BlobTransferItem> items, BlobTransferCostEstimate parent)
    {
        long bytes = items.Where(i => i.Action is BlobTransferAction.Create or BlobTransferAction.Update).Sum(i => i.Size);
        return parent with { Routes = parent.Routes.Select(r => r with { Bytes = bytes, Cost = Multiply(bytes, r.PricePerGiB) }).ToArray() };
    }
}
