using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;

#pragma warning disable CA5351 // MD5 is S3's content checksum (Content-MD5), not a security primitive.

namespace Polycloud.Aws.Blobs;

/// <content>
/// Transfers: S3 multipart uploads (InitiateMultipartUpload / UploadPart / ListParts / CompleteMultipartUpload /
/// AbortMultipartUpload / ListMultipartUploads) and server-side copies between buckets reachable with the same client
/// (CopyObject up to 5 GiB, UploadPartCopy above). S3 cannot copy from an arbitrary URL.
/// </content>
public sealed partial class S3BlobDriver : IBlobMultipartDriver, IBlobServerSideCopyDriver
{
    /// <summary>The largest object one CopyObject request copies (5 GiB); larger objects are copied with UploadPartCopy.</summary>
    internal const long MaxSingleCopySize = 5L * 1024 * 1024 * 1024;

    /// <summary>The part size of a copy with UploadPartCopy, unless the object needs larger parts to stay within 10,000.</summary>
    internal const long DefaultCopyPartSize = 512L * 1024 * 1024;

    private static readonly BlobMultipartLimits S3MultipartLimits = new(5L * 1024 * 1024, 5L * 1024 * 1024 * 1024, 10_000);

    /// <inheritdoc/>
    public BlobMultipartLimits MultipartLimits => S3MultipartLimits;

    /// <summary>Above this size a server-side copy uses UploadPartCopy (S3's limit, 5 GiB; lowered only by tests).</summary>
    internal long SingleCopyLimit { get; init; } = MaxSingleCopySize;

    /// <summary>The part size of an UploadPartCopy copy (lowered only by tests).</summary>
    internal long CopyPartSize { get; init; } = DefaultCopyPartSize;

    /// <inheritdoc/>
    public async Task<BlobMultipartUpload> StartMultipartUploadAsync(string key, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckKey(key);
        var initiate = new InitiateMultipartUploadRequest
        {
            BucketName = BucketName,
            Key = key,
            ContentType = options.ContentType ?? "application/octet-stream",
        };
        ApplyHeaders(initiate.Headers, options);
        ApplyMetadata(initiate.Metadata, options.Metadata);
        var started = await _client.InitiateMultipartUploadAsync(initiate, cancellationToken).ConfigureAwait(false);
        return new BlobMultipartUpload(key, started.UploadId);
    }

    /// <inheritdoc/>
    public async Task<BlobUploadedPart> UploadPartAsync(BlobMultipartUpload upload, int partNumber, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (partNumber is < 1 or > 10_000)
        {
            throw CloudException.InvalidArgument(nameof(partNumber), $"an S3 part number is from 1 to 10000; got {partNumber}.", Provider);
        }

        var segment = MemoryMarshal.TryGetArray(content, out ArraySegment<byte> array) ? array : new ArraySegment<byte>(content.ToArray());
        using var body = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false);
        var request = new UploadPartRequest
        {
            BucketName = BucketName,
            Key = upload.Key,
            UploadId = upload.UploadId,
            PartNumber = partNumber,
            PartSize = content.Length,
            InputStream = body,
            MD5Digest = Convert.ToBase64String(MD5.HashData(content.Span)),
        };
        if (_useChunkEncoding is { } chunked)
        {
            request.UseChunkEncoding = chunked;
        }

        var uploaded = await _client.UploadPartAsync(request, cancellationToken).ConfigureAwait(false);
        return new BlobUploadedPart(partNumber, content.Length, uploaded.ETag);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BlobUploadedPart>> ListUploadedPartsAsync(BlobMultipartUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var parts = new List<BlobUploadedPart>();
        string? marker = null;
        while (true)
        {
            var response = await _client.ListPartsAsync(new ListPartsRequest
            {
                BucketName = BucketName,
                Key = upload.Key,
                UploadId = upload.UploadId,
                PartNumberMarker = marker,
            }, cancellationToken).ConfigureAwait(false);
            foreach (var part in response.Parts ?? [])
            {
                parts.Add(new BlobUploadedPart(part.PartNumber ?? 0, part.Size ?? 0, part.ETag));
            }

            if (response.IsTruncated != true || response.NextPartNumberMarker is null or 0)
            {
                break;
            }

            marker = response.NextPartNumberMarker.Value.ToString(CultureInfo.InvariantCulture);
        }

        return parts.OrderBy(p => p.PartNumber).ToArray();
    }

    /// <inheritdoc/>
    public async Task<BlobWriteResult> CompleteMultipartUploadAsync(BlobMultipartUpload upload, IReadOnlyList<BlobUploadedPart> parts, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(options);
        if (parts.Count == 0)
        {
            // S3 refuses to complete an upload without parts: the upload is aborted (which fails with NoSuchUpload,
            // NotFound, when it no longer exists) and the empty blob is one PutObject with the same properties.
            await _client.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = BucketName, Key = upload.Key, UploadId = upload.UploadId },
                cancellationToken).ConfigureAwait(false);
            using var empty = new MemoryStream([], writable: false);
            return await PutAsync(upload.Key, empty, 0, WithoutMd5(options), cancellationToken).ConfigureAwait(false);
        }

        var complete = new CompleteMultipartUploadRequest
        {
            BucketName = BucketName,
            Key = upload.Key,
            UploadId = upload.UploadId,
            PartETags = parts.Select(p => new PartETag(p.PartNumber, p.ETag)).ToList(),
        };
        ApplyCondition(options.Condition, out string? ifNoneMatch, out string? ifMatch);
        complete.IfNoneMatch = ifNoneMatch;
        complete.IfMatch = ifMatch;
        try
        {
            var response = await _client.CompleteMultipartUploadAsync(complete, cancellationToken).ConfigureAwait(false);
            return new BlobWriteResult(response.ETag, null);
        }
        catch (AmazonS3Exception ex) when (IsConditionFailure(ex, options.Condition) && ex.ErrorCode is not "NoSuchUpload")
        {
            throw ConditionFailed(upload.Key, options.Condition, ex);
        }
    }

    /// <inheritdoc/>
    public async Task AbortMultipartUploadAsync(BlobMultipartUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        try
        {
            await _client.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = BucketName, Key = upload.Key, UploadId = upload.UploadId },
                cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorCode is not "NoSuchBucket")
        {
            // Already completed or aborted.
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<BlobMultipartUpload> ListMultipartUploadsAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        string? keyMarker = null;
        string? uploadIdMarker = null;
        while (true)
        {
            var response = await _client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest
            {
                BucketName = BucketName,
                Prefix = prefix.Length == 0 ? null : prefix,
                KeyMarker = keyMarker,
                UploadIdMarker = uploadIdMarker,
            }, cancellationToken).ConfigureAwait(false);
            foreach (var upload in response.MultipartUploads ?? [])
            {
                if (upload.Key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    yield return new BlobMultipartUpload(upload.Key, upload.UploadId);
                }
            }

            if (response.IsTruncated != true || string.IsNullOrEmpty(response.NextKeyMarker))
            {
                yield break;
            }

            keyMarker = response.NextKeyMarker;
            uploadIdMarker = response.NextUploadIdMarker;
        }
    }

    /// <inheritdoc/>
    public async Task<BlobWriteResult?> TryCopyFromAsync(IBlobDriver source, string sourceKey, string destinationKey, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (source is not S3BlobDriver other || !SameService(other))
        {
            return null;
        }

        other.CheckKey(sourceKey);
        CheckKey(destinationKey);
        var head = await other.HeadAsync(sourceKey, cancellationToken).ConfigureAwait(false);
        bool replace = options.ContentType is not null || options.CacheControl is not null || options.ContentDisposition is not null
            || options.ContentEncoding is not null || options.ContentLanguage is not null || options.Metadata is not null;
        var merged = new BlobUploadOptions
        {
            ContentType = options.ContentType ?? head.Headers.ContentType,
            CacheControl = options.CacheControl ?? head.Headers.CacheControl,
            ContentDisposition = options.ContentDisposition ?? head.Headers.ContentDisposition,
            ContentEncoding = options.ContentEncoding ?? head.Headers.ContentEncoding,
            ContentLanguage = options.ContentLanguage ?? head.Headers.ContentLanguage,
            Metadata = options.Metadata ?? ReadMetadata(head.Metadata),
            Condition = options.Condition,
        };

        try
        {
            return head.ContentLength <= SingleCopyLimit
                ? await CopyObjectAsync(other.BucketName, sourceKey, head.ETag, destinationKey, replace ? merged : null, options.Condition, cancellationToken).ConfigureAwait(false)
                : await CopyInPartsAsync(other.BucketName, sourceKey, head.ETag, head.ContentLength, destinationKey, merged, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.Forbidden)
        {
            // These credentials cannot read the source server-side: the caller streams it instead.
            return null;
        }
    }

    /// <inheritdoc/>
    public Task<BlobWriteResult?> TryCopyFromUrlAsync(Uri sourceUrl, long size, string destinationKey, BlobUploadOptions options, CancellationToken cancellationToken)
        => Task.FromResult<BlobWriteResult?>(null);

    /// <summary>Splits a copy of <paramref name="size"/> bytes into UploadPartCopy ranges: parts of
    /// <paramref name="partSize"/> bytes, larger when 10,000 parts would not cover the object, never above 5 GiB.</summary>
    /// <param name="size">The object size.</param>
    /// <param name="partSize">The wanted part size.</param>
    /// <returns>The parts: number, first byte and last byte (inclusive).</returns>
    internal static IReadOnlyList<(int PartNumber, long FirstByte, long LastByte)> PlanCopyParts(long size, long partSize)
    {
        if (size <= 0)
        {
            return [];
        }

        long needed = (size + S3MultipartLimits.MaxParts - 1) / S3MultipartLimits.MaxParts;
        long chosen = Math.Clamp(Math.Max(partSize, needed), S3MultipartLimits.MinPartSize, S3MultipartLimits.MaxPartSize);
        if ((size + chosen - 1) / chosen > S3MultipartLimits.MaxParts)
        {
            throw CloudException.InvalidArgument(nameof(size), $"an object of {size} bytes cannot be copied in at most {S3MultipartLimits.MaxParts} parts of at most 5 GiB.", Provider);
        }

        var parts = new List<(int, long, long)>();
        int number = 1;
        for (long first = 0; first < size; first += chosen)
        {
            parts.Add((number++, first, Math.Min(first + chosen, size) - 1));
        }

        return parts;
    }

    private bool SameService(S3BlobDriver other)
    {
        if (ReferenceEquals(other._client, _client))
        {
            return true;
        }

        // Different clients of one endpoint (and region) can copy server-side when the destination's credentials can
        // read the source; a 403 from the copy falls back to streaming.
        var mine = _client.Config;
        var theirs = other._client.Config;
        return mine is not null && theirs is not null
            && string.Equals(mine.ServiceURL, theirs.ServiceURL, StringComparison.OrdinalIgnoreCase)
            && Equals(mine.RegionEndpoint, theirs.RegionEndpoint);
    }

    private async Task<BlobWriteResult> CopyObjectAsync(string sourceBucket, string sourceKey, string sourceETag, string destinationKey, BlobUploadOptions? replace, BlobCondition condition, CancellationToken cancellationToken)
    {
        var request = new CopyObjectRequest
        {
            SourceBucket = sourceBucket,
            SourceKey = sourceKey,
            ETagToMatch = sourceETag,
            DestinationBucket = BucketName,
            DestinationKey = destinationKey,
            MetadataDirective = replace is null ? S3MetadataDirective.COPY : S3MetadataDirective.REPLACE,
        };
        if (replace is not null)
        {
            request.ContentType = replace.ContentType ?? "application/octet-stream";
            ApplyHeaders(request.Headers, replace);
            ApplyMetadata(request.Metadata, replace.Metadata);
        }

        ApplyCondition(condition, out string? ifNoneMatch, out string? ifMatch);
        request.IfNoneMatch = ifNoneMatch;
        request.IfMatch = ifMatch;
        try
        {
            var response = await _client.CopyObjectAsync(request, cancellationToken).ConfigureAwait(false);
            return new BlobWriteResult(response.ETag, DateTimeOffset.TryParse(response.LastModified, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var modified) ? modified.ToUniversalTime() : null);
        }
        catch (AmazonS3Exception ex) when (condition.Kind != BlobConditionKind.None && ex.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
        {
            throw ConditionFailed(destinationKey, condition, ex);
        }
    }

    private async Task<BlobWriteResult> CopyInPartsAsync(string sourceBucket, string sourceKey, string sourceETag, long size, string destinationKey, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        var upload = await StartMultipartUploadAsync(destinationKey, options, cancellationToken).ConfigureAwait(false);
        try
        {
            var parts = new List<BlobUploadedPart>();
            foreach (var (number, first, last) in PlanCopyParts(size, CopyPartSize))
            {
                var copied = await _client.CopyPartAsync(new CopyPartRequest
                {
                    SourceBucket = sourceBucket,
                    SourceKey = sourceKey,
                    ETagToMatch = [sourceETag],
                    DestinationBucket = BucketName,
                    DestinationKey = destinationKey,
                    UploadId = upload.UploadId,
                    PartNumber = number,
                    FirstByte = first,
                    LastByte = last,
                }, cancellationToken).ConfigureAwait(false);
                parts.Add(new BlobUploadedPart(number, last - first + 1, copied.ETag));
            }

            return await CompleteMultipartUploadAsync(upload, parts, options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await AbortAsync(destinationKey, upload.UploadId).ConfigureAwait(false);
            throw;
        }
    }
}
