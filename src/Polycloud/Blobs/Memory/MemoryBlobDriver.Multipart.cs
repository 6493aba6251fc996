using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Polycloud.Blobs.Drivers;

#pragma warning disable CA5351 // MD5 is the content checksum blob services use (Content-MD5), not a security primitive.

namespace Polycloud.Blobs.Memory;

/// <summary>Multipart uploads and server-side copies between memory buckets.</summary>
public sealed partial class MemoryBlobDriver
{
    private static readonly BlobMultipartLimits MemoryMultipartLimits = new(1, 5L * 1024 * 1024 * 1024, 10_000);
    private readonly ConcurrentDictionary<string, PendingUpload> _uploads = new(StringComparer.Ordinal);
    private long _uploadCounter;

    /// <inheritdoc/>
    public BlobMultipartLimits MultipartLimits => MemoryMultipartLimits;

    /// <inheritdoc/>
    public Task<BlobMultipartUpload> StartMultipartUploadAsync(string key, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string id = "mem-" + Interlocked.Increment(ref _uploadCounter).ToString(CultureInfo.InvariantCulture);
        _uploads[id] = new PendingUpload(key);
        return Task.FromResult(new BlobMultipartUpload(key, id));
    }

    /// <inheritdoc/>
    public Task<BlobUploadedPart> UploadPartAsync(BlobMultipartUpload upload, int partNumber, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = Pending(upload);
        var part = new BlobUploadedPart(partNumber, content.Length, "\"" + Convert.ToHexStringLower(MD5.HashData(content.Span)) + "\"");
        pending.Parts[partNumber] = (part, content.ToArray());
        return Task.FromResult(part);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<BlobUploadedPart>> ListUploadedPartsAsync(BlobMultipartUpload upload, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<BlobUploadedPart> parts = Pending(upload).Parts.Values.Select(p => p.Part).OrderBy(p => p.PartNumber).ToArray();
        return Task.FromResult(parts);
    }

    /// <inheritdoc/>
    public Task<BlobWriteResult> CompleteMultipartUploadAsync(BlobMultipartUpload upload, IReadOnlyList<BlobUploadedPart> parts, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = Pending(upload);
        using var buffer = new MemoryStream();
        foreach (var part in parts)
        {
            if (!pending.Parts.TryGetValue(part.PartNumber, out var held) || held.Part.ETag != part.ETag)
            {
                throw new CloudException(CloudErrorCode.InvalidArgument, $"memory: part {part.PartNumber} of the upload of '{upload.Key}' was not uploaded or has changed.", ProviderName);
            }

            buffer.Write(held.Data);
        }

        var result = Commit(upload.Key, buffer.ToArray(), options, cancellationToken);
        _uploads.TryRemove(upload.UploadId, out _);
        return Task.FromResult(result);
    }

    /// <inheritdoc/>
    public Task AbortMultipartUploadAsync(BlobMultipartUpload upload, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _uploads.TryRemove(upload.UploadId, out _);
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<BlobMultipartUpload> ListMultipartUploadsAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        foreach (var (id, pending) in _uploads.OrderBy(u => u.Value.Key, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (pending.Key.StartsWith(prefix, StringComparison.Ordinal))
            {
                yield return new BlobMultipartUpload(pending.Key, id);
            }
        }
    }

    /// <inheritdoc/>
    public Task<BlobWriteResult?> TryCopyFromAsync(IBlobDriver source, string sourceKey, string destinationKey, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (source is not MemoryBlobDriver other)
        {
            return Task.FromResult<BlobWriteResult?>(null);
        }

        var entry = other.Get(sourceKey);
        var copyOptions = new BlobUploadOptions
        {
            ContentType = options.ContentType ?? entry.ContentType,
            CacheControl = options.CacheControl ?? entry.CacheControl,
            ContentDisposition = options.ContentDisposition ?? entry.ContentDisposition,
            ContentEncoding = options.ContentEncoding ?? entry.ContentEncoding,
            ContentLanguage = options.ContentLanguage ?? entry.ContentLanguage,
            Metadata = options.Metadata ?? entry.Metadata,
            Condition = options.Condition,
        };
        return Task.FromResult<BlobWriteResult?>(Commit(destinationKey, entry.Data, copyOptions, cancellationToken));
    }

    /// <inheritdoc/>
    public Task<BlobWriteResult?> TryCopyFromUrlAsync(Uri sourceUrl, long size, string destinationKey, BlobUploadOptions options, CancellationToken cancellationToken)
        => Task.FromResult<BlobWriteResult?>(null);

    private PendingUpload Pending(BlobMultipartUpload upload)
        => _uploads.TryGetValue(upload.UploadId, out var pending) && pending.Key == upload.Key
            ? pending
            : throw new CloudException(CloudErrorCode.NotFound, $"memory: no upload '{upload.UploadId}' of '{upload.Key}' is in progress in '{BucketName}'.", ProviderName);

    private sealed record PendingUpload(string Key)
    {
        public ConcurrentDictionary<int, (BlobUploadedPart Part, byte[] Data)> Parts { get; } = new();
    }
}
