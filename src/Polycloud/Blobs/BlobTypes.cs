namespace Polycloud.Blobs;

/// <summary>A condition attached to a write: create-only, or replace only when the current ETag matches.</summary>
public readonly record struct BlobCondition
{
    private BlobCondition(BlobConditionKind kind, string? etag)
    {
        Kind = kind;
        ETag = etag;
    }

    /// <summary>No condition: the write creates or replaces the blob.</summary>
    public static BlobCondition None => default;

    /// <summary>Create only: the write fails with <see cref="CloudErrorCode.AlreadyExists"/> if the key exists.</summary>
    public static BlobCondition IfNotExists => new(BlobConditionKind.IfNotExists, null);

    /// <summary>The kind of condition.</summary>
    public BlobConditionKind Kind { get; }

    /// <summary>The ETag that must match, for <see cref="BlobConditionKind.IfMatch"/>.</summary>
    public string? ETag { get; }

    /// <summary>
    /// Replace only if the blob exists and its ETag equals <paramref name="etag"/> (optimistic concurrency);
    /// otherwise the write fails with <see cref="CloudErrorCode.PreconditionFailed"/>.
    /// </summary>
    /// <param name="etag">An ETag returned by an earlier upload or properties call.</param>
    /// <returns>The condition.</returns>
    public static BlobCondition IfMatch(string etag)
    {
        if (string.IsNullOrEmpty(etag))
        {
            throw CloudException.InvalidArgument(nameof(etag), "an ETag is required for an if-match condition; pass the ETag returned by UploadAsync or GetPropertiesAsync.");
        }

        return new BlobCondition(BlobConditionKind.IfMatch, etag);
    }
}

/// <summary>The kinds of write condition.</summary>
public enum BlobConditionKind
{
    /// <summary>No condition.</summary>
    None = 0,

    /// <summary>Create only.</summary>
    IfNotExists,

    /// <summary>Replace only when the ETag matches.</summary>
    IfMatch,
}

/// <summary>Options for an upload. All are optional.</summary>
public sealed class BlobUploadOptions
{
    internal static readonly BlobUploadOptions Default = new();

    /// <summary>The MIME type stored with the blob. When unset, providers store <c>application/octet-stream</c>.</summary>
    public string? ContentType { get; init; }

    /// <summary>The Cache-Control value stored with the blob.</summary>
    public string? CacheControl { get; init; }

    /// <summary>The Content-Disposition value stored with the blob.</summary>
    public string? ContentDisposition { get; init; }

    /// <summary>The Content-Encoding value stored with the blob (for example <c>gzip</c>). The bytes are stored as given.</summary>
    public string? ContentEncoding { get; init; }

    /// <summary>The Content-Language value stored with the blob.</summary>
    public string? ContentLanguage { get; init; }

    /// <summary>
    /// User metadata. Keys are case-insensitive, returned in lower case, and must start with an ASCII letter followed by
    /// letters, digits, '-' or '_'. Values may hold any Unicode text; providers whose headers are ASCII-only store
    /// non-ASCII values encoded and return them decoded. The bucket copies it when the upload starts: changing the
    /// dictionary afterwards does not change what is written.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The write condition (create-only or if-match). Default: none.</summary>
    public BlobCondition Condition { get; init; }

    /// <summary>
    /// The expected MD5 of the content (16 bytes). When set, the upload is rejected with
    /// <see cref="CloudErrorCode.InvalidArgument"/> if the content does not match, and nothing is written.
    /// </summary>
    public ReadOnlyMemory<byte>? ContentMD5 { get; init; }

    /// <summary>
    /// Size of each part or block when a large upload is split. Default: 8 MiB. Bigger parts mean fewer requests and
    /// more memory (one part is buffered per concurrent transfer).
    /// </summary>
    public int? PartSize { get; init; }

    /// <summary>These options with other metadata (every other property copied).</summary>
    internal BlobUploadOptions WithMetadata(IReadOnlyDictionary<string, string>? metadata) => new()
    {
        ContentType = ContentType,
        CacheControl = CacheControl,
        ContentDisposition = ContentDisposition,
        ContentEncoding = ContentEncoding,
        ContentLanguage = ContentLanguage,
        Metadata = metadata,
        Condition = Condition,
        ContentMD5 = ContentMD5,
        PartSize = PartSize,
    };
}

/// <summary>The outcome of a successful write.</summary>
/// <param name="ETag">The new ETag (for Google Cloud Storage, the object generation), usable in <see cref="BlobCondition.IfMatch"/>.</param>
/// <param name="LastModified">When the provider reports it, the new last-modified time.</param>
public sealed record BlobWriteResult(string ETag, DateTimeOffset? LastModified);

/// <summary>The properties of a blob.</summary>
public sealed class BlobProperties
{
    /// <summary>The key.</summary>
    public required string Key { get; init; }

    /// <summary>The size in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>The ETag (for Google Cloud Storage, the object generation).</summary>
    public required string ETag { get; init; }

    /// <summary>When the blob was last written.</summary>
    public DateTimeOffset LastModified { get; init; }

    /// <summary>The MIME type.</summary>
    public string? ContentType { get; init; }

    /// <summary>The Cache-Control value.</summary>
    public string? CacheControl { get; init; }

    /// <summary>The Content-Disposition value.</summary>
    public string? ContentDisposition { get; init; }

    /// <summary>The Content-Encoding value.</summary>
    public string? ContentEncoding { get; init; }

    /// <summary>The Content-Language value.</summary>
    public string? ContentLanguage { get; init; }

    /// <summary>The MD5 of the content when the provider has it (not for S3 multipart uploads), else <see langword="null"/>.</summary>
    public ReadOnlyMemory<byte>? ContentMD5 { get; init; }

    /// <summary>The CRC32C checksum of the whole content (Cloud Storage keeps one for every object), or <see langword="null"/>.</summary>
    public uint? Crc32c { get; init; }

    /// <summary>User metadata, keys in lower case.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata;

    internal static readonly IReadOnlyDictionary<string, string> EmptyMetadata = new Dictionary<string, string>();
}

/// <summary>One entry of a listing: a blob, or a "folder" prefix when a delimiter was given.</summary>
public sealed class BlobItem
{
    /// <summary>The key, or the common prefix (ending with the delimiter) when <see cref="IsPrefix"/>.</summary>
    public required string Key { get; init; }

    /// <summary><see langword="true"/> for a common prefix ("folder") produced by a delimiter.</summary>
    public bool IsPrefix { get; init; }

    /// <summary>The size in bytes (0 for prefixes).</summary>
    public long Size { get; init; }

    /// <summary>The ETag, or <see langword="null"/> for prefixes.</summary>
    public string? ETag { get; init; }

    /// <summary>The last-modified time, or <see langword="null"/> for prefixes.</summary>
    public DateTimeOffset? LastModified { get; init; }

    /// <summary>The MD5 of the whole content when the listing carries it (Azure lists Content-MD5, Cloud Storage lists md5Hash,
    /// S3's ETag is the MD5 of single-part uploads without KMS encryption), else <see langword="null"/>.</summary>
    public ReadOnlyMemory<byte>? ContentMD5 { get; init; }

    /// <summary>The CRC32C of the whole content when the listing carries it (Cloud Storage), else <see langword="null"/>.</summary>
    public uint? Crc32c { get; init; }

    /// <inheritdoc/>
    public override string ToString() => IsPrefix ? Key + " (prefix)" : Key;
}

/// <summary>Options for listing.</summary>
public sealed class BlobListOptions
{
    internal static readonly BlobListOptions Default = new();

    /// <summary>Only keys that start with this prefix. Default: all keys.</summary>
    public string? Prefix { get; init; }

    /// <summary>
    /// Groups keys that contain the delimiter after the prefix into one prefix item ("folder"), as S3, Azure and GCS
    /// do. Any non-empty string works, including multi-character ones. Default: none (a flat listing).
    /// </summary>
    public string? Delimiter { get; init; }

    /// <summary>The maximum number of items per page, 1 to 1000. Default: 1000 (providers may return fewer).</summary>
    public int? PageSize { get; init; }
}

/// <summary>One page of a listing.</summary>
/// <param name="Items">The items, in ascending key order.</param>
/// <param name="ContinuationToken">The token for the next page, or <see langword="null"/> when this was the last page.</param>
public sealed record BlobPage(IReadOnlyList<BlobItem> Items, string? ContinuationToken);

/// <summary>A byte range to read.</summary>
/// <param name="Offset">The first byte, zero-based; never negative.</param>
/// <param name="Length">The number of bytes, or <see langword="null"/> to read to the end.</param>
public readonly record struct BlobRange(long Offset, long? Length = null)
{
    /// <summary>The whole blob.</summary>
    public static BlobRange All => default;

    internal bool IsAll => Offset == 0 && Length is null;
}

/// <summary>An open read of a blob: the content stream plus the properties the provider returned with it. Dispose it.</summary>
public sealed class BlobDownload : IDisposable, IAsyncDisposable
{
    /// <summary>Creates a download result. Drivers create these.</summary>
    /// <param name="content">The content stream (the requested range).</param>
    /// <param name="contentLength">The number of bytes the stream will yield.</param>
    /// <param name="size">The full size of the blob.</param>
    /// <param name="etag">The blob's ETag.</param>
    /// <param name="contentType">The MIME type.</param>
    /// <param name="lastModified">The last-modified time.</param>
    public BlobDownload(Stream content, long contentLength, long size, string etag, string? contentType, DateTimeOffset lastModified)
    {
        Content = content;
        ContentLength = contentLength;
        Size = size;
        ETag = etag;
        ContentType = contentType;
        LastModified = lastModified;
    }

    /// <summary>The content (the requested range), read forward once.</summary>
    public Stream Content { get; }

    /// <summary>The number of bytes <see cref="Content"/> yields.</summary>
    public long ContentLength { get; }

    /// <summary>The full size of the blob.</summary>
    public long Size { get; }

    /// <summary>The blob's ETag.</summary>
    public string ETag { get; }

    /// <summary>The MIME type.</summary>
    public string? ContentType { get; }

    /// <summary>When the blob was last written.</summary>
    public DateTimeOffset LastModified { get; }

    /// <inheritdoc/>
    public void Dispose() => Content.Dispose();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}

/// <summary>The HTTP method a signed URL allows.</summary>
public enum SignedUrlMethod
{
    /// <summary>Download with GET.</summary>
    Get = 0,

    /// <summary>Upload with PUT.</summary>
    Put,
}

/// <summary>Options for a signed URL.</summary>
public sealed class BlobSignedUrlOptions
{
    /// <summary>The allowed method. Default: GET.</summary>
    public SignedUrlMethod Method { get; init; } = SignedUrlMethod.Get;

    /// <summary>How long the URL stays valid, more than zero and at most 7 days. Default: 15 minutes.</summary>
    public TimeSpan ExpiresIn { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>For PUT: the Content-Type the uploader must send, if the URL should pin it.</summary>
    public string? ContentType { get; init; }
}

/// <summary>Options for a server-side copy.</summary>
public sealed class BlobCopyOptions
{
    internal static readonly BlobCopyOptions Default = new();

    /// <summary>A write condition on the destination (create-only or if-match). Default: none.</summary>
    public BlobCondition Condition { get; init; }
}

/// <summary>What a blob provider supports; a feature it lacks throws <see cref="CloudErrorCode.NotSupported"/>.</summary>
public sealed record BlobCapabilities
{
    /// <summary>Signed URLs (GET and PUT).</summary>
    public bool SignedUrls { get; init; }

    /// <summary>Create-only and if-match conditional writes.</summary>
    public bool ConditionalWrites { get; init; } = true;

    /// <summary>The provider stores an MD5 of the content and reports it.</summary>
    public bool ContentMD5 { get; init; }

    /// <summary>The largest blob the provider accepts, in bytes, or <see langword="null"/> when unbounded.</summary>
    public long? MaxBlobSize { get; init; }
}
