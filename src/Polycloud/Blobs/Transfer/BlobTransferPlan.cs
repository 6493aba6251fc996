namespace Polycloud.Blobs.Transfer;

/// <summary>
/// What a transfer will do, object by object, decided from the listings of both sides. A dry run is a plan: print it
/// (<see cref="ToString"/> or <see cref="WriteTo"/>). Apply it with <see cref="BlobTransfer.ApplyAsync"/>; split it with
/// <see cref="Slice"/> and send the parts as JSON (<see cref="ToJson"/>, <see cref="FromJson(string, Func{string, BlobBucket}, BlobTransferOptions)"/>) to workers.
/// </summary>
public sealed partial class BlobTransferPlan
{
    internal BlobTransferPlan(string id, BlobEndpoint source, BlobEndpoint destination, BlobTransferMode mode, BlobComparison comparison,
        IReadOnlyList<BlobTransferItem> items, BlobTransferCostEstimate cost, IReadOnlyList<string> notes, BlobTransferOptions options)
    {
        Id = id;
        Source = source;
        Destination = destination;
        Mode = mode;
        Comparison = comparison;
        Items = items;
        Totals = BlobTransferTotals.Of(items);
        Cost = cost;
        Notes = notes;
        Options = options;
    }

    /// <summary>The plan's identity: a hash of the endpoints, the mode and the items. A journal is tied to it.</summary>
    public string Id { get; }

    /// <summary>The source.</summary>
    public BlobEndpoint Source { get; }

    /// <summary>The destination.</summary>
    public BlobEndpoint Destination { get; }

    /// <summary>Copy, sync or migrate.</summary>
    public BlobTransferMode Mode { get; }

    /// <summary>The comparison used.</summary>
    public BlobComparison Comparison { get; }

    /// <summary>The items, in source-key order (deletes of extras after the copies, in destination-key order).</summary>
    public IReadOnlyList<BlobTransferItem> Items { get; }

    /// <summary>Objects and bytes per action.</summary>
    public BlobTransferTotals Totals { get; }

    /// <summary>The estimated data-transfer cost of the bytes to copy.</summary>
    public BlobTransferCostEstimate Cost { get; }

    /// <summary>Remarks on how the plan was made (for example "checksums computed by reading 3 objects").</summary>
    public IReadOnlyList<string> Notes { get; }

    internal BlobTransferOptions Options { get; }

    /// <summary>Writes the plan, one line per item, then the totals and the cost.</summary>
    /// <param name="writer">The writer.</param>
    public void WriteTo(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine($"{Mode} {Source} -> {Destination} (comparison {Comparison}, plan {Id})");
        foreach (var item in Items)
        {
            writer.WriteLine("  " + item);
        }

        foreach (var note in Notes)
        {
            writer.WriteLine("note: " + note);
        }

        writer.WriteLine("totals: " + Totals);
        writer.WriteLine("estimated cost: " + Cost);
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        WriteTo(writer);
        return writer.ToString();
    }
}

/// <content>Shards and JSON.</content>
public sealed partial class BlobTransferPlan
{
    /// <summary>The part of the plan whose items' keys (source key, or destination key for deletes, both relative to
    /// their prefixes) fall in [<paramref name="fromKey"/>, <paramref name="toKey"/>), ordinal order. A shard is a plan of its own, with its own id.</summary>
    /// <param name="fromKey">The first relative key included, or <see langword="null"/> from the start.</param>
    /// <param name="toKey">The first relative key excluded, or <see langword="null"/> to the end.</param>
    /// <returns>The shard.</returns>
    public BlobTransferPlan Slice(string? fromKey, string? toKey)
    {
        if (fromKey is not null && toKey is not null && string.CompareOrdinal(fromKey, toKey) > 0)
        {
            throw CloudException.InvalidArgument(nameof(toKey), $"must not sort before fromKey ('{toKey}' < '{fromKey}').");
        }

        var items = Items.Where(i =>
        {
            string k = RelativeKey(i);
            return (fromKey is null || string.CompareOrdinal(k, fromKey) >= 0) && (toKey is null || string.CompareOrdinal(k, toKey) < 0);
        }).ToArray();
        return WithItems(items);
    }

    /// <summary>Splits the plan into at most <paramref name="count"/> shards of about equal bytes, by key range, in key order.</summary>
    /// <param name="count">The number of shards, 1 or more.</param>
    /// <returns>The shards (fewer when the plan has fewer items).</returns>
    public IReadOnlyList<BlobTransferPlan> Split(int count)
    {
        if (count < 1)
        {
            throw CloudException.InvalidArgument(nameof(count), $"must be 1 or more (was {count}).");
        }

        var ordered = Items.OrderBy(RelativeKey, StringComparer.Ordinal).ToArray();
        long total = ordered.Sum(i => Math.Max(1, i.Size));
        var shards = new List<BlobTransferPlan>();
        var current = new List<BlobTransferItem>();
        long acc = 0;
        foreach (var item in ordered)
        {
            current.Add(item);
            acc += Math.Max(1, item.Size);
            if (shards.Count < count - 1 && acc * count >= total * (shards.Count + 1))
            {
                shards.Add(WithItems(current.ToArray()));
                current = [];
            }
        }

        if (current.Count > 0)
        {
            shards.Add(WithItems(current.ToArray()));
        }

        return shards;
    }

    internal string RelativeKey(BlobTransferItem item) => item.Action == BlobTransferAction.Delete
        ? item.DestinationKey[Destination.Prefix.Length..]
        : item.SourceKey[Source.Prefix.Length..];

    private BlobTransferPlan WithItems(IReadOnlyList<BlobTransferItem> items)
        => new(PlanIdentity.Compute(Source, Destination, Mode, items), Source, Destination, Mode, Comparison, items,
            TransferCost.Estimate(Source, Destination, items, Cost), Notes, Options);
}
