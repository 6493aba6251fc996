using Polycloud.Residency;

namespace Polycloud.Blobs.Transfer;

/// <summary>What a transfer does with the objects it finds.</summary>
public enum BlobTransferMode
{
    /// <summary>Copies objects missing at the destination or different there; deletes nothing.</summary>
    Copy = 0,

    /// <summary>Like <see cref="Copy"/>, and deletes destination objects that have no source (unless
    /// <see cref="BlobTransferOptions.DeleteExtras"/> is <see langword="false"/>). Deletes nothing when any copy failed.</summary>
    Sync,

    /// <summary>Copies, verifies, then deletes each source object whose copy was verified.</summary>
    Migrate,
}

/// <summary>How the planner decides that a destination object already equals its source.</summary>
public enum BlobComparison
{
    /// <summary>A hash both listings carry (MD5, else CRC32C); else the MD5 Polycloud recorded in the destination's
    /// metadata when it copied (<c>polycloud-md5</c>, read from the destination's properties); else size and
    /// last-modified time (same size and destination newer or as new = equal).</summary>
    Auto = 0,

    /// <summary>Hashes only: from the listings, else from properties, else computed by reading the content (the plan says so).</summary>
    Checksum,

    /// <summary>Same size and destination last-modified time at or after the source's.</summary>
    SizeAndTime,

    /// <summary>Same size.</summary>
    SizeOnly,
}

/// <summary>What the plan does with one object.</summary>
public enum BlobTransferAction
{
    /// <summary>Copy an object missing at the destination.</summary>
    Create = 0,

    /// <summary>Copy over a destination object that differs.</summary>
    Update,

    /// <summary>Nothing: the destination already holds an equal object.</summary>
    SkipEqual,

    /// <summary>Delete a destination object without a source (sync).</summary>
    Delete,

    /// <summary>Delete the source object once its copy is verified (migrate).</summary>
    DeleteSource,
}

/// <summary>How the bytes of one object travel.</summary>
public enum BlobTransferPath
{
    /// <summary>The destination provider copies from the source itself (same provider); the bytes do not pass through the client.</summary>
    ServerSide = 0,

    /// <summary>The destination provider fetches a signed URL of the source.</summary>
    FromUrl,

    /// <summary>The client reads the source and writes the destination (multipart when the destination supports it).</summary>
    Streamed,

    /// <summary>No bytes move (skips and deletes).</summary>
    None,
}

/// <summary>One side of a transfer: a bucket and a key prefix inside it.</summary>
/// <param name="Bucket">The bucket.</param>
/// <param name="Prefix">The key prefix (empty for the whole bucket). A source prefix <c>a/</c> and destination prefix
/// <c>b/</c> map <c>a/x</c> to <c>b/x</c>.</param>
public sealed record BlobEndpoint(BlobBucket Bucket, string Prefix = "")
{
    /// <summary>The URL the bucket was opened from (for example <c>s3://bucket?region=eu-west-1</c>), carried by a plan's
    /// JSON so that another process can open the same bucket. Optional; a plan without it cannot be written as JSON.</summary>
    public string? Url { get; init; }

    /// <inheritdoc/>
    public override string ToString() => (Url ?? Bucket.ToString()) + (Prefix.Length == 0 ? string.Empty : " /" + Prefix);
}

/// <summary>Options of a transfer. All are optional; invalid values are refused with an error naming the option.</summary>
public sealed class BlobTransferOptions
{
    internal static readonly BlobTransferOptions Default = new();

    /// <summary>The default part size: 8 MiB.</summary>
    public const int DefaultPartSize = 8 * 1024 * 1024;

    /// <summary>Copy, sync or migrate. Default: <see cref="BlobTransferMode.Copy"/>.</summary>
    public BlobTransferMode Mode { get; init; }

    /// <summary>The equality rule. Default: <see cref="BlobComparison.Auto"/>.</summary>
    public BlobComparison Comparison { get; init; }

    /// <summary>In <see cref="BlobTransferMode.Sync"/>, whether destination objects without a source are deleted. Default: <see langword="true"/>.</summary>
    public bool DeleteExtras { get; init; } = true;

    /// <summary>The most objects one run may delete (destination extras and migrated sources together); a plan with more
    /// is refused before any delete. Default: <see langword="null"/> (no limit).</summary>
    public int? MaxDeletes { get; init; }

    /// <summary>Objects copied at once, 1 to 256. Default: 4.</summary>
    public int ObjectConcurrency { get; init; } = 4;

    /// <summary>Parts in flight per object for multipart uploads, 1 to 64. Default: 4. Memory used is at most
    /// <see cref="ObjectConcurrency"/> × <see cref="PartConcurrency"/> × <see cref="PartSize"/>.</summary>
    public int PartConcurrency { get; init; } = 4;

    /// <summary>The part size for multipart uploads, 1 KiB to 512 MiB (raised to the provider's minimum). Default: 8 MiB.</summary>
    public int PartSize { get; init; } = DefaultPartSize;

    /// <summary>The most bytes per second read from sources, across all objects; <see langword="null"/> for no limit.</summary>
    public long? BandwidthLimit { get; init; }

    /// <summary>The most requests per second sent to the providers (listing pages, copies, parts, deletes); <see langword="null"/> for no limit.</summary>
    public double? RequestsPerSecond { get; init; }

    /// <summary>A journal that records progress so that a restarted transfer skips finished objects and resumes
    /// multipart uploads. Default: none.</summary>
    public BlobTransferJournal? Journal { get; init; }

    /// <summary>Receives progress at most every <see cref="ProgressInterval"/> and once at the end.</summary>
    public IProgress<BlobTransferProgress>? Progress { get; init; }

    /// <summary>The least time between two progress reports. Default: 100 ms.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Region patterns the destination must be in (the syntax of <see cref="ResidencyPolicy.Matches"/>, for example
    /// <c>eu-*</c>). A plan whose destination region is outside them, or unknown, is refused before any byte moves.</summary>
    public IReadOnlyList<string>? AllowedRegions { get; init; }

    /// <summary>A residency policy; its rule for the destination bucket's name applies like <see cref="AllowedRegions"/>.</summary>
    public ResidencyPolicy? Residency { get; init; }

    /// <summary>Verify every copy end to end (MD5 computed while streaming against the source's hash). Default: <see langword="true"/>.</summary>
    public bool Verify { get; init; } = true;

    /// <summary>Whether the plan may let the providers copy (<see cref="BlobTransferPath.ServerSide"/>,
    /// <see cref="BlobTransferPath.FromUrl"/>). <see langword="false"/> plans every copy as
    /// <see cref="BlobTransferPath.Streamed"/> through this machine (multipart when the destination supports it), for
    /// example to apply a bandwidth limit to every byte. Default: <see langword="true"/>.</summary>
    public bool ProviderCopies { get; init; } = true;

    /// <summary>The price table for cost estimates. Default: the table shipped with Polycloud (<see cref="BlobTransferPrices.Default"/>).</summary>
    public BlobTransferPrices? Prices { get; init; }

    /// <summary>The clock used for rate limits and progress. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        if (!Enum.IsDefined(Mode))
        {
            throw CloudException.InvalidArgument(nameof(Mode), $"{Mode} is not a transfer mode; use Copy, Sync or Migrate.");
        }

        if (!Enum.IsDefined(Comparison))
        {
            throw CloudException.InvalidArgument(nameof(Comparison), $"{Comparison} is not a comparison; use Auto, Checksum, SizeAndTime or SizeOnly.");
        }

        if (MaxDeletes is < 0)
        {
            throw CloudException.InvalidArgument(nameof(MaxDeletes), $"must be 0 or more (was {MaxDeletes}).");
        }

        if (ObjectConcurrency is < 1 or > 256)
        {
            throw CloudException.InvalidArgument(nameof(ObjectConcurrency), $"must be 1 to 256 (was {ObjectConcurrency}).");
        }

        if (PartConcurrency is < 1 or > 64)
        {
            throw CloudException.InvalidArgument(nameof(PartConcurrency), $"must be 1 to 64 (was {PartConcurrency}).");
        }

        if (PartSize is < 1024 or > 512 * 1024 * 1024)
        {
            throw CloudException.InvalidArgument(nameof(PartSize), $"must be 1 KiB to 512 MiB (was {PartSize}).");
        }

        if (BandwidthLimit is <= 0)
        {
            throw CloudException.InvalidArgument(nameof(BandwidthLimit), $"must be more than 0 bytes per second, or null for no limit (was {BandwidthLimit}).");
        }

        if (RequestsPerSecond is not null && (RequestsPerSecond <= 0 || double.IsNaN(RequestsPerSecond.Value) || double.IsInfinity(RequestsPerSecond.Value)))
        {
            throw CloudException.InvalidArgument(nameof(RequestsPerSecond), $"must be a finite number more than 0, or null for no limit (was {RequestsPerSecond}).");
        }

        if (ProgressInterval < TimeSpan.Zero)
        {
            throw CloudException.InvalidArgument(nameof(ProgressInterval), "must not be negative.");
        }

        if (TimeProvider is null)
        {
            throw CloudException.InvalidArgument(nameof(TimeProvider), "a time provider is required (TimeProvider.System by default).");
        }

        if (AllowedRegions is { } regions && regions.Any(string.IsNullOrWhiteSpace))
        {
            throw CloudException.InvalidArgument(nameof(AllowedRegions), "region patterns must not be empty.");
        }
    }
}

/// <summary>One object of a plan.</summary>
/// <param name="SourceKey">The source key (for <see cref="BlobTransferAction.Delete"/>, empty).</param>
/// <param name="DestinationKey">The destination key.</param>
/// <param name="Action">What happens to it.</param>
/// <param name="Reason">Why, in words ("md5 differs", "missing at destination", "equal by crc32c", ...).</param>
/// <param name="Size">The bytes to copy (for deletes and skips, the object's size).</param>
/// <param name="Path">How the bytes travel: the first path tried at apply; a path that does not apply falls back to the next.</param>
/// <param name="SourceETag">The source's ETag when planned; a source that changed since fails its item.</param>
public sealed record BlobTransferItem(string SourceKey, string DestinationKey, BlobTransferAction Action, string Reason, long Size, BlobTransferPath Path, string? SourceETag)
{
    /// <summary>The source's MD5 when the listing or properties carried one (lower-case hex), else <see langword="null"/>.</summary>
    public string? SourceMD5 { get; init; }

    /// <summary>The source's CRC32C when known, else <see langword="null"/>.</summary>
    public uint? SourceCrc32c { get; init; }

    /// <summary>The source's last-modified time when planned.</summary>
    public DateTimeOffset? SourceLastModified { get; init; }

    /// <inheritdoc/>
    public override string ToString() => Action switch
    {
        BlobTransferAction.Delete => $"delete  {DestinationKey} ({Reason})",
        BlobTransferAction.DeleteSource => $"delete source  {SourceKey} ({Reason})",
        BlobTransferAction.SkipEqual => $"skip    {SourceKey} ({Reason})",
        _ => $"{(Action == BlobTransferAction.Create ? "create" : "update"),-7} {SourceKey} -> {DestinationKey} {Size} B, {Path} ({Reason})",
    };
}

/// <summary>A number of objects and their bytes.</summary>
/// <param name="Objects">The number of objects.</param>
/// <param name="Bytes">Their bytes.</param>
public readonly record struct BlobTransferCount(int Objects, long Bytes)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Objects} objects, {Bytes} bytes";
}

/// <summary>The objects and bytes of a plan per action.</summary>
public sealed record BlobTransferTotals
{
    /// <summary>Objects to create.</summary>
    public BlobTransferCount Create { get; init; }

    /// <summary>Objects to update.</summary>
    public BlobTransferCount Update { get; init; }

    /// <summary>Objects already equal.</summary>
    public BlobTransferCount SkipEqual { get; init; }

    /// <summary>Destination objects to delete.</summary>
    public BlobTransferCount Delete { get; init; }

    /// <summary>Source objects to delete after their copy is verified.</summary>
    public BlobTransferCount DeleteSource { get; init; }

    /// <summary>Objects and bytes to copy (create + update).</summary>
    public BlobTransferCount Copy => new(Create.Objects + Update.Objects, Create.Bytes + Update.Bytes);

    /// <summary>The count for one action.</summary>
    /// <param name="action">The action.</param>
    /// <returns>The count.</returns>
    public BlobTransferCount this[BlobTransferAction action] => action switch
    {
        BlobTransferAction.Create => Create,
        BlobTransferAction.Update => Update,
        BlobTransferAction.SkipEqual => SkipEqual,
        BlobTransferAction.Delete => Delete,
        _ => DeleteSource,
    };

    internal static BlobTransferTotals Of(IEnumerable<BlobTransferItem> items)
    {
        var counts = new BlobTransferCount[5];
        foreach (var item in items)
        {
            var c = counts[(int)item.Action];
            counts[(int)item.Action] = new BlobTransferCount(c.Objects + 1, c.Bytes + item.Size);
        }

        return new BlobTransferTotals { Create = counts[0], Update = counts[1], SkipEqual = counts[2], Delete = counts[3], DeleteSource = counts[4] };
    }

    /// <inheritdoc/>
    public override string ToString() => $"create {Create}; update {Update}; skip {SkipEqual}; delete {Delete}; delete source {DeleteSource}";
}

/// <summary>A progress report.</summary>
/// <param name="ObjectsDone">Items finished (copied, skipped, deleted or failed).</param>
/// <param name="ObjectsTotal">Items in the plan.</param>
/// <param name="BytesDone">Bytes copied so far.</param>
/// <param name="BytesTotal">Bytes the plan copies.</param>
/// <param name="BytesPerSecond">The average rate since the start.</param>
/// <param name="Eta">The estimated time left at that rate, or <see langword="null"/> before any byte moved.</param>
/// <param name="CurrentKeys">Source keys in flight.</param>
/// <param name="Failed">Items failed so far.</param>
/// <param name="IsFinal"><see langword="true"/> for the last report.</param>
public sealed record BlobTransferProgress(int ObjectsDone, int ObjectsTotal, long BytesDone, long BytesTotal, double BytesPerSecond, TimeSpan? Eta, IReadOnlyList<string> CurrentKeys, int Failed, bool IsFinal)
{
    /// <summary>Multipart parts sent so far in this run, each counted once the provider accepted it and the journal (when
    /// one is set) recorded it; parts resumed from an earlier run are not counted.</summary>
    public int PartsSent { get; init; }
}

/// <summary>An item that failed.</summary>
/// <param name="Item">The planned item.</param>
/// <param name="Reason">What went wrong, in words.</param>
/// <param name="ErrorCode">The portable error code when the failure was a provider error.</param>
public sealed record BlobTransferFailure(BlobTransferItem Item, string Reason, CloudErrorCode? ErrorCode)
{
    /// <summary>The exception, when one was thrown.</summary>
    public Exception? Exception { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"{Item.SourceKey.Length switch { 0 => Item.DestinationKey, _ => Item.SourceKey }}: {Reason}";
}

/// <summary>What an apply did.</summary>
public sealed class BlobTransferResult
{
    /// <summary>The identity of the plan applied.</summary>
    public required string PlanId { get; init; }

    /// <summary>Objects created (verified).</summary>
    public int Created { get; init; }

    /// <summary>Objects updated (verified).</summary>
    public int Updated { get; init; }

    /// <summary>Objects left alone because they were equal.</summary>
    public int Skipped { get; init; }

    /// <summary>Objects the journal showed as finished by an earlier run (not copied again).</summary>
    public int AlreadyDone { get; init; }

    /// <summary>Destination objects deleted.</summary>
    public int Deleted { get; init; }

    /// <summary>Source objects deleted after their verified copy (migrate).</summary>
    public int SourcesDeleted { get; init; }

    /// <summary>Copies verified end to end.</summary>
    public int Verified { get; init; }

    /// <summary>Bytes copied (each copied object's size, once).</summary>
    public long BytesCopied { get; init; }

    /// <summary>Bytes copied per path.</summary>
    public IReadOnlyDictionary<BlobTransferPath, long> BytesByPath { get; init; } = new Dictionary<BlobTransferPath, long>();

    /// <summary>Multipart parts sent in this run.</summary>
    public int PartsSent { get; init; }

    /// <summary>Multipart parts an earlier run had sent, confirmed with the provider and not sent again.</summary>
    public int PartsResumed { get; init; }

    /// <summary>The items that failed, with reasons.</summary>
    public IReadOnlyList<BlobTransferFailure> Failed { get; init; } = [];

    /// <summary>Why planned deletes did not run (a failed copy in this run), or <see langword="null"/>.</summary>
    public string? DeletesSkippedReason { get; init; }

    /// <summary>The cost of the bytes actually moved, per route.</summary>
    public required BlobTransferCostEstimate Cost { get; init; }

    /// <summary>How long the apply took (by <see cref="BlobTransferOptions.TimeProvider"/>).</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary><see langword="true"/> when no item failed.</summary>
    public bool Succeeded => Failed.Count == 0;

    /// <inheritdoc/>
    public override string ToString()
        => $"created {Created}, updated {Updated}, skipped {Skipped}, already done {AlreadyDone}, deleted {Deleted}, sources deleted {SourcesDeleted}, verified {Verified}, failed {Failed.Count}, {BytesCopied} bytes in {Elapsed}";
}
