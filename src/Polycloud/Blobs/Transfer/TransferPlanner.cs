using System.Security.Cryptography;
using Polycloud.Blobs.Drivers;
using Polycloud.Residency;

#pragma warning disable CA5351 // MD5 is the content checksum blob services use, not a security primitive.

namespace Polycloud.Blobs.Transfer;

internal static class TransferPlanner
{
    public static async Task<BlobTransferPlan> PlanAsync(BlobEndpoint source, BlobEndpoint destination, BlobTransferOptions options, CancellationToken cancellationToken)
    {
        var limiter = TransferLimits.Requests(options);
        var sourceItems = await ListAsync(source, limiter, cancellationToken).ConfigureAwait(false);
        var destinationItems = await ListAsync(destination, limiter, cancellationToken).ConfigureAwait(false);
        var destinationByKey = new Dictionary<string, BlobItem>(destinationItems.Count, StringComparer.Ordinal);
        foreach (var d in destinationItems)
        {
            destinationByKey[d.Key[destination.Prefix.Length..]] = d;
        }

        var notes = new List<string>();
        int computed = 0;
        int propertiesRead = 0;
        var copyPath = options.ProviderCopies ? ChoosePath(source, destination) : BlobTransferPath.Streamed;
        var items = new List<BlobTransferItem>(sourceItems.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in sourceItems)
        {
            string relative = s.Key[source.Prefix.Length..];
            seen.Add(relative);
            string destinationKey = destination.Prefix + relative;
            var md5 = Hex.Of(s.ContentMD5);
            BlobTransferItem Item(BlobTransferAction action, string reason, BlobTransferPath path, string? sourceMd5) => new(s.Key, destinationKey, action, reason, s.Size, path, s.ETag)
            {
                SourceMD5 = sourceMd5,
                SourceCrc32c = s.Crc32c,
                SourceLastModified = s.LastModified,
            };

            if (!destinationByKey.TryGetValue(relative, out var d))
            {
                items.Add(Item(BlobTransferAction.Create, "missing at destination", copyPath, md5));
            }
            else
            {
                var verdict = await CompareAsync(source, destination, s, d, options.Comparison, cancellationToken).ConfigureAwait(false);
                computed += verdict.Computed;
                propertiesRead += verdict.PropertiesRead;
                string? knownMd5 = md5 ?? verdict.SourceMd5;
                if (verdict.Equal && options.Mode == BlobTransferMode.Migrate && !verdict.ByHash)
                {
                    items.Add(Item(BlobTransferAction.Update, verdict.Reason + "; migrate copies again to verify by hash before deleting the source", copyPath, knownMd5));
                }
                else
                {
                    items.Add(Item(verdict.Equal ? BlobTransferAction.SkipEqual : BlobTransferAction.Update, verdict.Reason, verdict.Equal ? BlobTransferPath.None : copyPath, knownMd5));
                }
            }
        }

        if (options.Mode == BlobTransferMode.Sync && options.DeleteExtras)
        {
            foreach (var d in destinationItems)
            {
                if (!seen.Contains(d.Key[destination.Prefix.Length..]))
                {
                    items.Add(new BlobTransferItem(string.Empty, d.Key, BlobTransferAction.Delete, "not at source", d.Size, BlobTransferPath.None, null));
                }
            }
        }

        if (options.Mode == BlobTransferMode.Migrate)
        {
            int count = items.Count;
            for (int i = 0; i < count; i++)
            {
                var copy = items[i];
                items.Add(new BlobTransferItem(copy.SourceKey, copy.DestinationKey, BlobTransferAction.DeleteSource,
                    copy.Action == BlobTransferAction.SkipEqual ? "migrated: destination " + copy.Reason : "migrated: after the copy is verified", copy.Size, BlobTransferPath.None, copy.SourceETag));
            }
        }

        if (computed > 0)
        {
            notes.Add($"checksums computed by reading {computed} objects (the listings and properties carried no hash both sides share)");
        }

        if (propertiesRead > 0)
        {
            notes.Add($"{propertiesRead} properties reads to find a hash the listings lacked");
        }

        var totals = BlobTransferTotals.Of(items);
        await CheckResidencyAsync(destination, options, totals.Copy, cancellationToken).ConfigureAwait(false);
        var bytesByPath = items.Where(i => i.Action is BlobTransferAction.Create or BlobTransferAction.Update)
            .GroupBy(i => i.Path).ToDictionary(g => g.Key, g => g.Sum(i => i.Size));
        var cost = await TransferCost.EstimateAsync(source, destination, bytesByPath, options.Prices ?? BlobTransferPrices.Default, cancellationToken).ConfigureAwait(false);
        return new BlobTransferPlan(PlanIdentity.Compute(source, destination, options.Mode, items), source, destination, options.Mode, options.Comparison, items, cost, notes, options);
    }

    internal static BlobTransferPath ChoosePath(BlobEndpoint source, BlobEndpoint destination)
    {
        if (destination.Bucket.Driver is IBlobServerSideCopyDriver)
        {
            if (string.Equals(source.Bucket.Provider, destination.Bucket.Provider, StringComparison.Ordinal))
            {
                return BlobTransferPath.ServerSide;
            }

            if (source.Bucket.Capabilities.SignedUrls)
            {
                return BlobTransferPath.FromUrl;
            }
        }

        return BlobTransferPath.Streamed;
    }

    internal static async Task CheckResidencyAsync(BlobEndpoint destination, BlobTransferOptions options, BlobTransferCount copy, CancellationToken cancellationToken)
    {
        IReadOnlyList<string>? patterns = options.AllowedRegions;
        string rule = patterns is null ? string.Empty : "AllowedRegions [" + string.Join(", ", patterns) + "]";
        if (patterns is null && options.Residency?.RuleFor(destination.Bucket.Name) is { } r)
        {
            (patterns, rule) = (r.Patterns, r.Rule);
        }

        if (patterns is null)
        {
            return;
        }

        var location = await destination.Bucket.GetLocationAsync(cancellationToken).ConfigureAwait(false);
        string? region = location.Region.Value;
        if (region is null)
        {
            throw new CloudException(CloudErrorCode.PermissionDenied,
                $"residency: the plan copies {copy.Objects} objects ({copy.Bytes} bytes) to '{destination.Bucket}', whose region is unknown ({location.Region.UnknownReason}); rule {rule} needs a known region. Nothing was copied.", destination.Bucket.Provider);
        }

        if (!region.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).All(x => patterns.Any(p => ResidencyPolicy.Matches(p, x))))
        {
            throw new CloudException(CloudErrorCode.PermissionDenied,
                $"residency: the plan copies {copy.Objects} objects ({copy.Bytes} bytes) to '{destination.Bucket}' in region '{region}', outside rule {rule}. Nothing was copied.", destination.Bucket.Provider);
        }
    }

    private static async Task<List<BlobItem>> ListAsync(BlobEndpoint endpoint, TokenBucket? limiter, CancellationToken cancellationToken)
    {
        var items = new List<BlobItem>();
        var listOptions = new BlobListOptions { Prefix = endpoint.Prefix.Length == 0 ? null : endpoint.Prefix };
        string? token = null;
        do
        {
            if (limiter is not null)
            {
                await limiter.TakeAsync(1, cancellationToken).ConfigureAwait(false);
            }

            var page = await endpoint.Bucket.ListPageAsync(listOptions, token, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                if (!item.IsPrefix)
                {
                    items.Add(item);
                }
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        return items;
    }

    private sealed record Verdict(bool Equal, string Reason, bool ByHash, int Computed = 0, int PropertiesRead = 0, string? SourceMd5 = null);

    private static async Task<Verdict> CompareAsync(BlobEndpoint source, BlobEndpoint destination, BlobItem s, BlobItem d, BlobComparison comparison, CancellationToken cancellationToken)
    {
        if (s.Size != d.Size)
        {
            return new Verdict(false, $"size differs ({s.Size} at source, {d.Size} at destination)", false);
        }

        string? sm = Hex.Of(s.ContentMD5), dm = Hex.Of(d.ContentMD5);
        switch (comparison)
        {
            case BlobComparison.SizeOnly:
                return new Verdict(true, "equal by size", false);
            case BlobComparison.SizeAndTime:
                return SizeAndTime(s, d);
        }

        if (sm is not null && dm is not null)
        {
            return ByMd5(sm, dm, string.Empty);
        }

        if (s.Crc32c is { } sc && d.Crc32c is { } dc)
        {
            return sc == dc ? new Verdict(true, "equal by crc32c", true) : new Verdict(false, "crc32c differs", true);
        }

        int reads = 0;
        if (sm is not null)
        {
            var p = await destination.Bucket.GetPropertiesAsync(d.Key, cancellationToken).ConfigureAwait(false);
            reads++;
            if (Hex.Of(p.ContentMD5) is { } pm)
            {
                return ByMd5(sm, pm, " (destination properties)") with { PropertiesRead = reads };
            }

            if (Hex.Recorded(p.Metadata) is { } recorded)
            {
                return ByMd5(sm, recorded, " (recorded at destination in " + BlobTransfer.Md5MetadataKey + ")") with { PropertiesRead = reads };
            }
        }
        else if (dm is not null || comparison == BlobComparison.Checksum)
        {
            var p = await source.Bucket.GetPropertiesAsync(s.Key, cancellationToken).ConfigureAwait(false);
            reads++;
            sm = Hex.Of(p.ContentMD5) ?? Hex.Recorded(p.Metadata);
            if (sm is not null && dm is not null)
            {
                return ByMd5(sm, dm, " (source properties)") with { PropertiesRead = reads, SourceMd5 = sm };
            }
        }

        if (comparison != BlobComparison.Checksum)
        {
            return SizeAndTime(s, d) with { PropertiesRead = reads };
        }

        // Checksum forced and no shared hash: read what is missing.
        int computed = 0;
        if (dm is null)
        {
            var p = await destination.Bucket.GetPropertiesAsync(d.Key, cancellationToken).ConfigureAwait(false);
            reads++;
            dm = Hex.Of(p.ContentMD5) ?? Hex.Recorded(p.Metadata);
        }

        if (sm is null)
        {
            sm = await ComputeMd5Async(source.Bucket, s.Key, cancellationToken).ConfigureAwait(false);
            computed++;
        }

        if (dm is null)
        {
            dm = await ComputeMd5Async(destination.Bucket, d.Key, cancellationToken).ConfigureAwait(false);
            computed++;
        }

        return ByMd5(sm, dm, computed > 0 ? " (computed by reading)" : string.Empty) with { Computed = computed, PropertiesRead = reads, SourceMd5 = sm };
    }

    private static Verdict ByMd5(string a, string b, string how)
        => string.Equals(a, b, StringComparison.Ordinal) ? new Verdict(true, "equal by md5" + how, true) : new Verdict(false, "md5 differs" + how, true);

    private static Verdict SizeAndTime(BlobItem s, BlobItem d)
        => d.LastModified >= s.LastModified
            ? new Verdict(true, "equal by size and time (destination not older)", false)
            : new Verdict(false, "source is newer (same size)", false);

    private static async Task<string> ComputeMd5Async(BlobBucket bucket, string key, CancellationToken cancellationToken)
    {
        await using var download = await bucket.OpenReadAsync(key, default, cancellationToken).ConfigureAwait(false);
        using var md5 = MD5.Create();
        return Convert.ToHexStringLower(await md5.ComputeHashAsync(download.Content, cancellationToken).ConfigureAwait(false));
    }
}
