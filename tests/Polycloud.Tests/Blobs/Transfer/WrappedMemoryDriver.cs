using System.Diagnostics.CodeAnalysis;
using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;
using Polycloud.Blobs.Memory;

namespace Polycloud.Tests.Blobs.Transfer;

/// <summary>
/// A memory bucket seen through hooks: it keeps multipart uploads (so streamed copies go through parts) but no
/// server-side copy, and lets a test corrupt reads, hide hashes, count and fail parts.
/// </summary>
internal sealed class WrappedMemoryDriver(MemoryBlobDriver inner, string provider = "memory-wrapped") : IBlobDriver, IBlobMultipartDriver
{
    private int _partCalls;

    public MemoryBlobDriver Inner => inner;

    /// <summary>Flips one byte (the middle one) of what reads of these keys return.</summary>
    public HashSet<string> CorruptReads { get; } = new(StringComparer.Ordinal);

    /// <summary>How many more times a corrupting read corrupts (then reads are clean again).</summary>
    public int CorruptReadsLeft { get; set; } = int.MaxValue;

    /// <summary>Reads of these keys fail.</summary>
    public HashSet<string> FailReads { get; } = new(StringComparer.Ordinal);

    /// <summary>Listings and properties carry no MD5.</summary>
    public bool HideMd5 { get; set; }

    /// <summary>Listings carry this CRC32C per key.</summary>
    public Dictionary<string, uint> ListedCrc32c { get; } = new(StringComparer.Ordinal);

    /// <summary>UploadPartAsync calls so far (successful or not).</summary>
    public int PartCalls => Volatile.Read(ref _partCalls);

    /// <summary>After this many successful part uploads, every further one throws (a crash in the middle).</summary>
    public int? FailPartsAfter { get; set; }

    /// <summary>Called before each part is sent, with the call's number.</summary>
    public Action<int>? OnPart { get; set; }

    public string ProviderName => provider;

    public string BucketName => inner.BucketName;

    public BlobCapabilities Capabilities => inner.Capabilities;

    public BlobMultipartLimits MultipartLimits => inner.MultipartLimits;

    public Task<BlobWriteResult> UploadAsync(string key, Stream content, BlobUploadOptions options, CancellationToken cancellationToken) => inner.UploadAsync(key, content, options, cancellationToken);

    public Task<BlobWriteResult> UploadAsync(string key, BinaryData content, BlobUploadOptions options, CancellationToken cancellationToken) => inner.UploadAsync(key, content, options, cancellationToken);

    public async Task<BlobDownload> OpenReadAsync(string key, BlobRange range, CancellationToken cancellationToken)
    {
        if (FailReads.Contains(key))
        {
            throw new CloudException(CloudErrorCode.Unavailable, $"simulated read failure of '{key}'", ProviderName);
        }

        var d = await inner.OpenReadAsync(key, range, cancellationToken);
        if (!CorruptReads.Contains(key) || CorruptReadsLeft <= 0 || d.ContentLength == 0)
        {
            return d;
        }

        CorruptReadsLeft--;
        var bytes = new MemoryStream();
        await d.Content.CopyToAsync(bytes, cancellationToken);
        var data = bytes.ToArray();
        data[data.Length / 2] ^= 0x5A;
        return new BlobDownload(new MemoryStream(data), d.ContentLength, d.Size, d.ETag, d.ContentType, d.LastModified);
    }

    public async Task<BlobProperties> GetPropertiesAsync(string key, CancellationToken cancellationToken)
    {
        var p = await inner.GetPropertiesAsync(key, cancellationToken);
        return HideMd5
            ? new BlobProperties
            {
                Key = p.Key, Size = p.Size, ETag = p.ETag, LastModified = p.LastModified, ContentType = p.ContentType, CacheControl = p.CacheControl,
                ContentDisposition = p.ContentDisposition, ContentEncoding = p.ContentEncoding, ContentLanguage = p.ContentLanguage, Metadata = p.Metadata,
            }
            : p;
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => inner.ExistsAsync(key, cancellationToken);

    public async Task<BlobPage> ListPageAsync(string prefix, string? delimiter, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        var page = await inner.ListPageAsync(prefix, delimiter, pageSize, continuationToken, cancellationToken);
        if (!HideMd5 && ListedCrc32c.Count == 0)
        {
            return page;
        }

        return page with
        {
            Items = page.Items.Select(i => new BlobItem
            {
                Key = i.Key, IsPrefix = i.IsPrefix, Size = i.Size, ETag = i.ETag, LastModified = i.LastModified,
                ContentMD5 = HideMd5 ? null : i.ContentMD5,
                Crc32c = ListedCrc32c.TryGetValue(i.Key, out var crc) ? crc : i.Crc32c,
            }).ToArray(),
        };
    }

    public Task<BlobWriteResult> CopyAsync(string sourceKey, string destinationKey, BlobCopyOptions options, CancellationToken cancellationToken) => inner.CopyAsync(sourceKey, destinationKey, options, cancellationToken);

    public Task<bool> DeleteAsync(string key, bool throwIfMissing, CancellationToken cancellationToken) => inner.DeleteAsync(key, throwIfMissing, cancellationToken);

    public Task<Uri> GetSignedUrlAsync(string key, BlobSignedUrlOptions options, CancellationToken cancellationToken) => inner.GetSignedUrlAsync(key, options, cancellationToken);

    public CloudErrorCode ClassifyError(Exception exception) => inner.ClassifyError(exception);

    public bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class => inner.TryAs(out value);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public Task<BlobMultipartUpload> StartMultipartUploadAsync(string key, BlobUploadOptions options, CancellationToken cancellationToken) => inner.StartMultipartUploadAsync(key, options, cancellationToken);

    public Task<BlobUploadedPart> UploadPartAsync(BlobMultipartUpload upload, int partNumber, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        int call = Interlocked.Increment(ref _partCalls);
        OnPart?.Invoke(call);
        if (FailPartsAfter is { } n && call > n)
        {
            throw new IOException($"simulated crash before part {partNumber} of '{upload.Key}'");
        }

        return inner.UploadPartAsync(upload, partNumber, content, cancellationToken);
    }

    public Task<IReadOnlyList<BlobUploadedPart>> ListUploadedPartsAsync(BlobMultipartUpload upload, CancellationToken cancellationToken) => inner.ListUploadedPartsAsync(upload, cancellationToken);

    public Task<BlobWriteResult> CompleteMultipartUploadAsync(BlobMultipartUpload upload, IReadOnlyList<BlobUploadedPart> parts, BlobUploadOptions options, CancellationToken cancellationToken)
        => inner.CompleteMultipartUploadAsync(upload, parts, options, cancellationToken);

    public Task AbortMultipartUploadAsync(BlobMultipartUpload upload, CancellationToken cancellationToken) => inner.AbortMultipartUploadAsync(upload, cancellationToken);

    public IAsyncEnumerable<BlobMultipartUpload> ListMultipartUploadsAsync(string prefix, CancellationToken cancellationToken) => inner.ListMultipartUploadsAsync(prefix, cancellationToken);
}
