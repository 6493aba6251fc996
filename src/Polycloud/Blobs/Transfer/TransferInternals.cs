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

    /// <summary>Prices the bytes of each path: server-side and from-URL copies go from the source's location to the
    /// destination's; streamed copies pass through this machine, so the source bills them as egress to it.</summary>
    public static async Task<BlobTransferCostEstimate> EstimateAsync(BlobEndpoint source, BlobEndpoint destination, IReadOnlyDictionary<BlobTransferPath, long> bytesByPath, BlobTransferPrices prices, CancellationToken cancellationToken)
    {
        var from = await LocateAsync(source.Bucket, cancellationToken).ConfigureAwait(false);
        var to = await LocateAsync(destination.Bucket, cancellationToken).ConfigureAwait(false);
        var client = ResourceLocation.Local("client", ResourceKind.Blob, "this machine");
        var routes = new List<BlobTransferRouteCost>();
        long direct = (bytesByPath.TryGetValue(BlobTransferPath.ServerSide, out var ss) ? ss : 0) + (bytesByPath.TryGetValue(BlobTransferPath.FromUrl, out var fu) ? fu : 0);
        long streamed = bytesByPath.TryGetValue(BlobTransferPath.Streamed, out var st) ? st : 0;
        if (direct > 0)
        {
            routes.Add(prices.Price(from, to, direct));
        }

        if (streamed > 0)
        {
            var r = prices.Price(from, client, streamed);
            routes.Add(r with { Explanation = "streamed through this machine: " + r.Explanation });
        }

        return new BlobTransferCostEstimate(routes) { Currency = prices.Currency };
    }

    private static async Task<ResourceLocation> LocateAsync(BlobBucket bucket, CancellationToken cancellationToken)
    {
        try
        {
            return await bucket.GetLocationAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CloudException e)
        {
            return new ResourceLocation
            {
                Provider = bucket.Provider,
                Service = bucket.Provider,
                Kind = ResourceKind.Blob,
                Name = bucket.Name,
                Region = LocationValue.Unknown("the location could not be read: " + e.Message),
            };
        }
    }

    /// <summary>Re-prices a plan's routes for a subset of its items (a shard), by the same per-GiB prices.</summary>
    public static BlobTransferCostEstimate Estimate(BlobEndpoint source, BlobEndpoint destination, IReadOnlyList<BlobTransferItem> items, BlobTransferCostEstimate parent)
    {
        long direct = items.Where(i => i.Action is BlobTransferAction.Create or BlobTransferAction.Update && i.Path != BlobTransferPath.Streamed).Sum(i => i.Size);
        long streamed = items.Where(i => i.Action is BlobTransferAction.Create or BlobTransferAction.Update && i.Path == BlobTransferPath.Streamed).Sum(i => i.Size);
        return parent with
        {
            Routes = parent.Routes.Select(r =>
            {
                long bytes = r.Explanation.StartsWith("streamed", StringComparison.Ordinal) ? streamed : direct;
                return r with { Bytes = bytes, Cost = Multiply(bytes, r.PricePerGiB) };
            }).Where(r => r.Bytes > 0).ToArray(),
        };
    }
}

/// <summary>A token bucket on the <see cref="TimeProvider"/>: a rate per second and a burst of one second's worth.
/// Takers wait (by the provider's timers) until enough tokens have accrued; requests larger than the burst are served
/// by going into debt, so that any size passes at the configured average rate.</summary>
internal sealed class TokenBucket
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly double _rate;
    private readonly double _burst;
    private double _tokens;
    private long _stamp;

    public TokenBucket(double ratePerSecond, TimeProvider time)
    {
        _rate = ratePerSecond;
        _burst = Math.Max(1, ratePerSecond);
        _time = time;
        _tokens = _burst;
        _stamp = time.GetTimestamp();
    }

    /// <summary>The total delay scheduled so far (for reporting).</summary>
    public TimeSpan ScheduledDelay { get; private set; }

    public Task TakeAsync(double amount, CancellationToken cancellationToken)
    {
        TimeSpan wait;
        lock (_gate)
        {
            long now = _time.GetTimestamp();
            _tokens = Math.Min(_burst, _tokens + (_time.GetElapsedTime(_stamp, now).TotalSeconds * _rate));
            _stamp = now;
            _tokens -= amount;
            if (_tokens >= 0)
            {
                return Task.CompletedTask;
            }

            wait = TimeSpan.FromSeconds(-_tokens / _rate);
            ScheduledDelay += wait;
        }

        return Task.Delay(wait, _time, cancellationToken);
    }
}

internal static class TransferLimits
{
    public static TokenBucket? Requests(BlobTransferOptions options)
        => options.RequestsPerSecond is { } r ? new TokenBucket(r, options.TimeProvider) : null;

    public static TokenBucket? Bandwidth(BlobTransferOptions options)
        => options.BandwidthLimit is { } b ? new TokenBucket(b, options.TimeProvider) : null;
}
