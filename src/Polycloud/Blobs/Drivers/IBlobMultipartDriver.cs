namespace Polycloud.Blobs.Drivers;

/// <summary>
/// An optional driver contract: writing one blob as separately sent parts that are committed at once. The transfer engine
/// (<c>BlobTransfer</c>) uses it to keep several parts in flight, to resume an upload after
/// a restart without sending a finished part again, and to abort what it started. Nothing is visible to readers until
/// <see cref="CompleteMultipartUploadAsync"/> succeeds. Maps to S3 multipart uploads, Azure block blobs (Put Block /
/// Put Block List) and, on Cloud Storage, the driver's documented equivalent. Every implementation must pass the
/// multipart conformance suite.
/// </summary>
public interface IBlobMultipartDriver
{
    /// <summary>The part-size and part-count limits of this provider.</summary>
    BlobMultipartLimits MultipartLimits { get; }

    /// <summary>Starts an upload of <paramref name="key"/>. Properties and metadata given here are those the blob gets
    /// when the upload completes.</summary>
    /// <param name="key">The validated key.</param>
    /// <param name="options">The options (condition, content headers, metadata). <see cref="BlobUploadOptions.ContentMD5"/> is
    /// stored as the blob's whole-object MD5 where the provider keeps one.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The upload; its <see cref="BlobMultipartUpload.UploadId"/> can be written to a journal and used after a restart.</returns>
    Task<BlobMultipartUpload> StartMultipartUploadAsync(string key, BlobUploadOptions options, CancellationToken cancellationToken);

    /// <summary>Sends one part. Sending a part number again replaces that part.</summary>
    /// <param name="upload">The upload.</param>
    /// <param name="partNumber">The part number, from 1 to <see cref="BlobMultipartLimits.MaxParts"/>.</param>
    /// <param name="content">The part's bytes; every part but the last is at least <see cref="BlobMultipartLimits.MinPartSize"/>.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The part as the provider recorded it.</returns>
    Task<BlobUploadedPart> UploadPartAsync(BlobMultipartUpload upload, int partNumber, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Lists the parts the provider holds for an upload, in part-number order (used to resume).</summary>
    /// <param name="upload">The upload.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The parts; an upload that no longer exists is an error classified as NotFound.</returns>
    Task<IReadOnlyList<BlobUploadedPart>> ListUploadedPartsAsync(BlobMultipartUpload upload, CancellationToken cancellationToken);

    /// <summary>Commits the parts, in the order given, as the blob's content, atomically.</summary>
    /// <param name="upload">The upload.</param>
    /// <param name="parts">The parts, in ascending part-number order.</param>
    /// <param name="options">The same options as at the start (drivers that set properties at commit use them here).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The write result.</returns>
    Task<BlobWriteResult> CompleteMultipartUploadAsync(BlobMultipartUpload upload, IReadOnlyList<BlobUploadedPart> parts, BlobUploadOptions options, CancellationToken cancellationToken);

    /// <summary>Aborts an upload and frees its parts. Aborting an upload that no longer exists is not an error.</summary>
    /// <param name="upload">The upload.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the parts are gone.</returns>
    Task AbortMultipartUploadAsync(BlobMultipartUpload upload, CancellationToken cancellationToken);

    /// <summary>Lists the uploads started and neither completed nor aborted, under a key prefix (to find orphans).</summary>
    /// <param name="prefix">The key prefix, or empty.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The uploads.</returns>
    IAsyncEnumerable<BlobMultipartUpload> ListMultipartUploadsAsync(string prefix, CancellationToken cancellationToken);
}

/// <summary>The limits of a provider's multipart uploads.</summary>
/// <param name="MinPartSize">The smallest size of every part but the last, in bytes.</param>
/// <param name="MaxPartSize">The largest part, in bytes.</param>
/// <param name="MaxParts">The most parts one blob may have.</param>
public sealed record BlobMultipartLimits(long MinPartSize, long MaxPartSize, int MaxParts);

/// <summary>An upload in progress: the key and the provider's id for it. Both are plain strings so that a journal can
/// keep them and resume after a restart.</summary>
/// <param name="Key">The blob key.</param>
/// <param name="UploadId">The provider's upload id.</param>
public sealed record BlobMultipartUpload(string Key, string UploadId);

/// <summary>A part the provider holds.</summary>
/// <param name="PartNumber">The part number.</param>
/// <param name="Size">The part's size in bytes.</param>
/// <param name="ETag">The provider's tag for the part (needed to commit on some providers).</param>
public sealed record BlobUploadedPart(int PartNumber, long Size, string ETag);

/// <summary>
/// An optional driver contract: copying a blob into this bucket without the bytes passing through the client.
/// Either from another bucket of the same provider (server-side copy: S3 CopyObject / UploadPartCopy, Azure copy from URL,
/// Cloud Storage rewrite) or from any URL the provider can read (Azure Put Block From URL with a signed source URL).
/// A driver answers <see langword="null"/> when it cannot take that path, and the caller streams instead.
/// </summary>
public interface IBlobServerSideCopyDriver
{
    /// <summary>Copies <paramref name="sourceKey"/> of <paramref name="source"/> to <paramref name="destinationKey"/> in this
    /// bucket, server-side, with content headers and metadata (or those of <paramref name="options"/> when it sets them).</summary>
    /// <param name="source">The source driver; copies are possible when it is the same provider and account or endpoint.</param>
    /// <param name="sourceKey">The validated source key.</param>
    /// <param name="destinationKey">The validated destination key.</param>
    /// <param name="options">Options; a non-null <see cref="BlobUploadOptions.ContentType"/> or metadata replaces the source's.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The write result, or <see langword="null"/> when this source cannot be copied server-side.</returns>
    Task<BlobWriteResult?> TryCopyFromAsync(IBlobDriver source, string sourceKey, string destinationKey, BlobUploadOptions options, CancellationToken cancellationToken);

    /// <summary>Copies from a URL the provider fetches itself (for example a signed URL of another cloud's object).</summary>
    /// <param name="sourceUrl">The URL, readable without further credentials.</param>
    /// <param name="size">The source size in bytes.</param>
    /// <param name="destinationKey">The validated destination key.</param>
    /// <param name="options">The properties and metadata the destination gets.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The write result, or <see langword="null"/> when this driver cannot copy from URLs.</returns>
    Task<BlobWriteResult?> TryCopyFromUrlAsync(Uri sourceUrl, long size, string destinationKey, BlobUploadOptions options, CancellationToken cancellationToken);
}
