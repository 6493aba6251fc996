namespace Polycloud.Blobs.Transfer;

/// <summary>
/// Copies, syncs and migrates blobs between any two buckets (memory, file system, S3, Azure Blob, Cloud Storage), in two
/// steps: <see cref="PlanAsync"/> compares the listings and decides per object; <see cref="ApplyAsync"/> executes exactly
/// that plan, in parallel, verified end to end, resumable with a <see cref="BlobTransferJournal"/>.
/// </summary>
public static partial class BlobTransfer
{
    /// <summary>The metadata key under which Polycloud records the MD5 (lower-case hex) of what it copied, when the
    /// destination does not keep a whole-object MD5 (multipart uploads).</summary>
    public const string Md5MetadataKey = "polycloud-md5";
}

/// <content>The entry points.</content>
public static partial class BlobTransfer
{
    /// <summary>Lists both sides and decides, per object, create / update / skip / delete, with a reason, the path the bytes
    /// take, byte totals and the estimated cost. Nothing is written. A destination outside the allowed regions is refused here.</summary>
    /// <param name="source">The source bucket and prefix.</param>
    /// <param name="destination">The destination bucket and prefix.</param>
    /// <param name="options">The options (mode, comparison, residency, prices, ...).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="CloudException">InvalidArgument for bad options or endpoints; PermissionDenied when the destination
    /// region breaks the residency rule; provider errors from the listings.</exception>
    public static Task<BlobTransferPlan> PlanAsync(BlobEndpoint source, BlobEndpoint destination, BlobTransferOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= BlobTransferOptions.Default;
        options.Validate();
        ValidateEndpoint(source, nameof(source));
        ValidateEndpoint(destination, nameof(destination));
        return TransferPlanner.PlanAsync(source, destination, options, cancellationToken);
    }

    /// <summary>Executes exactly the plan: copies in parallel (server-side, from URL, or streamed; multipart when the
    /// destination supports it), verifies every copy, then runs the planned deletes unless a copy failed. Item failures
    /// do not throw: they are in <see cref="BlobTransferResult.Failed"/>.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="options">Run options (concurrency, rate limits, journal, progress); default: the options the plan was made with.
    /// The mode and comparison always come from the plan.</param>
    /// <param name="cancellationToken">Cancels the run; no partial blob becomes visible (see the journal for resuming).</param>
    /// <returns>The result.</returns>
    /// <exception cref="CloudException">InvalidArgument for bad options; PreconditionFailed when the plan's deletes exceed
    /// <see cref="BlobTransferOptions.MaxDeletes"/> (before anything is written); PermissionDenied on a residency violation.</exception>
    public static Task<BlobTransferResult> ApplyAsync(BlobTransferPlan plan, BlobTransferOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        options ??= plan.Options;
        options.Validate();
        return new TransferRunner(plan, options).RunAsync(cancellationToken);
    }

    private static void ValidateEndpoint(BlobEndpoint endpoint, string name)
    {
        if (endpoint is null || endpoint.Bucket is null)
        {
            throw CloudException.InvalidArgument(name, "an endpoint with a bucket is required.");
        }

        if (endpoint.Prefix is null)
        {
            throw CloudException.InvalidArgument(name, "the prefix must not be null (use \"\" for the whole bucket).");
        }
    }
}
