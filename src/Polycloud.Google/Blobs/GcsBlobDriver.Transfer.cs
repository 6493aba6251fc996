using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Google;
using Google.Apis.Storage.v1.Data;
using Google.Cloud.Storage.V1;
using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;
using GcsObject = Google.Apis.Storage.v1.Data.Object;

namespace Polycloud.Google.Blobs;

/// <content>
/// Transfers on Cloud Storage. A multipart upload is a set of hidden temporary objects under
/// <c>.polycloud-uploads/</c>: the manifest <c>.polycloud-uploads/{uploadId}.upload</c> (empty; its content headers and
/// metadata are those the blob gets, and the metadata entry <c>polycloud-upload-key</c> names the key) and one object per
/// part, <c>.polycloud-uploads/{uploadId}/{partNumber}</c> (five digits), whose generation is the part's ETag. Completing
/// composes the parts into the blob (objects.compose, at most 32 sources per call, so more parts are composed in a tree
/// through intermediate objects), then deletes the temporaries; aborting deletes them. Listings never show the
/// <c>.polycloud-uploads/</c> prefix, and keys under it are refused. Composite objects have a CRC32C but no MD5.
/// A server without objects.compose (answering 501, as the Cloud Storage emulator does) gets the parts assembled by the
/// driver instead: downloaded in order to a temporary file and uploaded as the blob in one request.
/// Server-side copies between buckets of the same endpoint use objects.rewrite, looped on its rewrite token.
/// </content>
public sealed partial class GcsBlobDriver : IBlobMultipartDriver, IBlobServerSideCopyDriver
{
    /// <summary>The hidden prefix of multipart uploads' temporary objects.</summary>
    internal const string UploadsPrefix = ".polycloud-uploads/";

    private const string UploadKeyMetadata = "polycloud-upload-key";
    private const int MaxComposeSources = 32;
    private static readonly BlobMultipartLimits GcsMultipartLimits = new(1, 1024L * 1024 * 1024, 10_000);

    /// <inheritdoc/>
    public BlobMultipartLimits MultipartLimits => GcsMultipartLimits;

    /// <inheritdoc/>
    public async Task<BlobMultipartUpload> StartMultipartUploadAsync(string key, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        RefuseHiddenKey(key);
        string id = Guid.NewGuid().ToString("N");
        var metadata = new Dictionary<string, string>(options.Metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [UploadKeyMetadata] = key,
        };
        var manifest = new GcsObject
        {
            Bucket = BucketName,
            Name = ManifestName(id),
            ContentType = options.ContentType ?? "application/octet-stream",
            CacheControl = options.CacheControl,
            ContentDisposition = options.ContentDisposition,
            ContentEncoding = options.ContentEncoding,
            ContentLanguage = options.ContentLanguage,
            Metadata = metadata,
        };
        await _client.UploadObjectAsync(manifest, Stream.Null, new UploadObjectOptions { IfGenerationMatch = 0 }, cancellationToken).ConfigureAwait(false);
        return new BlobMultipartUpload(key, id);
    }

    /// <inheritdoc/>
    public async Task<BlobUploadedPart> UploadPartAsync(BlobMultipartUpload upload, int partNumber, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        if (partNumber < 1 || partNumber > GcsMultipartLimits.MaxParts)
        {
            throw CloudException.InvalidArgument(nameof(partNumber), $"a part number is from 1 to {GcsMultipartLimits.MaxParts}; got {partNumber}.", Provider);
        }

        if (content.Length > GcsMultipartLimits.MaxPartSize)
        {
            throw CloudException.InvalidArgument(nameof(content), $"a part is at most {GcsMultipartLimits.MaxPartSize} bytes; got {content.Length}.", Provider);
        }

        await ReadManifestAsync(upload, cancellationToken).ConfigureAwait(false);
        var part = new GcsObject { Bucket = BucketName, Name = PartName(upload.UploadId, partNumber), ContentType = "application/octet-stream" };
        using var body = new MemoryStream(content.ToArray(), writable: false);
        var stored = await _client.UploadObjectAsync(part, body, new UploadObjectOptions
        {
            // One chunk: the part is sent in a single request.
            ChunkSize = (int)Math.Max(ChunkGranularity, (content.Length + (long)ChunkGranularity - 1) / ChunkGranularity * ChunkGranularity),
        }, cancellationToken).ConfigureAwait(false);
        if ((long)(stored.Size ?? 0) != content.Length)
        {
            await DeleteQuietlyAsync(stored.Name, stored.Generation).ConfigureAwait(false);
            throw new CloudException(CloudErrorCode.Unavailable, $"{Provider}: part {partNumber} of the upload of '{upload.Key}' was stored with {stored.Size} of {content.Length} bytes; it was removed.", Provider);
        }

        return new BlobUploadedPart(partNumber, content.Length, FormatGeneration(stored.Generation));
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BlobUploadedPart>> ListUploadedPartsAsync(BlobMultipartUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        await ReadManifestAsync(upload, cancellationToken).ConfigureAwait(false);
        return await ListPartsAsync(upload.UploadId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<BlobWriteResult> CompleteMultipartUploadAsync(BlobMultipartUpload upload, IReadOnlyList<BlobUploadedPart> parts, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(options);
        var manifest = await ReadManifestAsync(upload, cancellationToken).ConfigureAwait(false);
        var held = (await ListPartsAsync(upload.UploadId, cancellationToken).ConfigureAwait(false)).ToDictionary(p => p.PartNumber);
        int previous = 0;
        var sources = new List<ComposeRequest.SourceObjectsData>(parts.Count);
        foreach (var part in parts)
        {
            if (part.PartNumber <= previous)
            {
                throw CloudException.InvalidArgument(nameof(parts), $"the parts of an upload are committed in ascending part-number order; part {part.PartNumber} follows part {previous}.", Provider);
            }

            previous = part.PartNumber;
            if (!held.TryGetValue(part.PartNumber, out var stored) || stored.ETag != part.ETag)
            {
                throw new CloudException(CloudErrorCode.InvalidArgument, $"{Provider}: part {part.PartNumber} of the upload of '{upload.Key}' was not uploaded or has changed.", Provider);
            }

            sources.Add(new ComposeRequest.SourceObjectsData
            {
                Name = PartName(upload.UploadId, part.PartNumber),
                Generation = long.Parse(part.ETag, NumberStyles.None, CultureInfo.InvariantCulture),
                ObjectPreconditions = new ComposeRequest.SourceObjectsData.ObjectPreconditionsData
                {
                    IfGenerationMatch = long.Parse(part.ETag, NumberStyles.None, CultureInfo.InvariantCulture),
                },
            });
        }

        var destination = new GcsObject
        {
            Bucket = BucketName,
            Name = upload.Key,
            ContentType = manifest.ContentType ?? "application/octet-stream",
            CacheControl = manifest.CacheControl,
            ContentDisposition = manifest.ContentDisposition,
            ContentEncoding = manifest.ContentEncoding,
            ContentLanguage = manifest.ContentLanguage,
            Metadata = manifest.Metadata?.Where(m => m.Key != UploadKeyMetadata).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal),
        };

        GcsObject result;
        var intermediates = new List<string>();
        try
        {
            if (sources.Count == 0)
            {
                var emptyOptions = new UploadObjectOptions { IfGenerationMatch = ToGenerationCondition(upload.Key, options.Condition) };
                result = await _client.UploadObjectAsync(destination, Stream.Null, emptyOptions, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                try
                {
                    result = await ComposeAsync(upload, sources, destination, options, intermediates, cancellationToken).ConfigureAwait(false);
                }
                catch (GoogleApiException ex) when (ex.HttpStatusCode == HttpStatusCode.NotImplemented)
                {
                    // A server without objects.compose (the Cloud Storage emulator): assemble the parts here.
                    result = await AssembleAsync(upload, sources, destination, options, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (GoogleApiException ex) when (options.Condition.Kind == BlobConditionKind.IfNotExists && ex.HttpStatusCode == HttpStatusCode.PreconditionFailed)
        {
            throw AlreadyExists(upload.Key, ex);
        }

        await DeleteUploadAsync(upload.UploadId, cancellationToken, intermediates).ConfigureAwait(false);
        return new BlobWriteResult(FormatGeneration(result.Generation), GcsTimestamp.Updated(result));
    }

    /// <inheritdoc/>
    public Task AbortMultipartUploadAsync(BlobMultipartUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        return IsUploadId(upload.UploadId) ? DeleteUploadAsync(upload.UploadId, cancellationToken, null) : Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<BlobMultipartUpload> ListMultipartUploadsAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var found = new List<BlobMultipartUpload>();
        var listing = _client.ListObjectsAsync(BucketName, UploadsPrefix, new ListObjectsOptions { Delimiter = "/" });
        await foreach (var o in listing.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            string name = o.Name[UploadsPrefix.Length..];
            if (!name.EndsWith(".upload", StringComparison.Ordinal) || !IsUploadId(name[..^".upload".Length]))
            {
                continue;
            }

            if (o.Metadata is not null && o.Metadata.TryGetValue(UploadKeyMetadata, out string? key) && key.StartsWith(prefix, StringComparison.Ordinal))
            {
                found.Add(new BlobMultipartUpload(key, name[..^".upload".Length]));
            }
        }

        foreach (var upload in found.OrderBy(u => u.Key, StringComparer.Ordinal).ThenBy(u => u.UploadId, StringComparer.Ordinal))
        {
            yield return upload;
        }
    }

    /// <inheritdoc/>
    public async Task<BlobWriteResult?> TryCopyFromAsync(IBlobDriver source, string sourceKey, string destinationKey, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (source is not GcsBlobDriver other || other._serviceUri != _serviceUri)
        {
            return null;
        }

        RefuseHiddenKey(destinationKey);
        var from = await other.GetObjectAsync(sourceKey, null, cancellationToken).ConfigureAwait(false);
        var destination = new GcsObject
        {
            Bucket = BucketName,
            Name = destinationKey,
            ContentType = options.ContentType ?? from.ContentType,
            CacheControl = options.CacheControl ?? from.CacheControl,
            ContentDisposition = options.ContentDisposition ?? from.ContentDisposition,
            ContentEncoding = options.ContentEncoding ?? from.ContentEncoding,
            ContentLanguage = options.ContentLanguage ?? from.ContentLanguage,
            Metadata = options.Metadata is not null ? new Dictionary<string, string>(options.Metadata, StringComparer.Ordinal) : from.Metadata,
        };
        string? token = null;
        try
        {
            while (true)
            {
                var request = _client.Service.Objects.Rewrite(destination, other.BucketName, sourceKey, BucketName, destinationKey);
                request.SourceGeneration = from.Generation;
                request.RewriteToken = token;
                request.IfGenerationMatch = ToGenerationCondition(destinationKey, options.Condition);
                var response = await request.ExecuteAsync(cancellationToken).ConfigureAwait(false);
                if (response.Done == true)
                {
                    return new BlobWriteResult(FormatGeneration(response.Resource.Generation), GcsTimestamp.Updated(response.Resource));
                }

                token = response.RewriteToken;
            }
        }
        catch (GoogleApiException ex) when (options.Condition.Kind == BlobConditionKind.IfNotExists && ex.HttpStatusCode == HttpStatusCode.PreconditionFailed)
        {
            throw AlreadyExists(destinationKey, ex);
        }
        catch (GoogleApiException ex) when (ex.HttpStatusCode == HttpStatusCode.Forbidden && token is null)
        {
            // This client's credentials cannot read the source server-side: the caller streams it instead.
            return null;
        }
    }

    /// <inheritdoc/>
    public Task<BlobWriteResult?> TryCopyFromUrlAsync(Uri sourceUrl, long size, string destinationKey, BlobUploadOptions options, CancellationToken cancellationToken)
        => Task.FromResult<BlobWriteResult?>(null);

    /// <summary>Reads a Cloud Storage <c>crc32c</c> field: the base64 of the checksum's four bytes, big-endian.</summary>
    /// <param name="crc32c">The field.</param>
    /// <returns>The checksum, or <see langword="null"/> when absent or malformed.</returns>
    internal static uint? ParseCrc32c(string? crc32c)
    {
        if (string.IsNullOrEmpty(crc32c))
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[6];
        return Convert.TryFromBase64String(crc32c, bytes, out int written) && written == 4 ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : null;
    }

    /// <summary>Whether <paramref name="key"/> names a hidden object of the multipart uploads.</summary>
    internal static bool IsHiddenKey(string key) => key.StartsWith(UploadsPrefix, StringComparison.Ordinal);

    private static void RefuseHiddenKey(string key)
    {
        if (IsHiddenKey(key))
        {
            throw CloudException.InvalidArgument("key", $"keys under '{UploadsPrefix}' are reserved for the temporary objects of multipart uploads on Cloud Storage; '{key}' is one.", Provider);
        }
    }

    private static string ManifestName(string uploadId) => UploadsPrefix + uploadId + ".upload";

    private static string PartName(string uploadId, int partNumber) => UploadsPrefix + uploadId + "/" + partNumber.ToString("D5", CultureInfo.InvariantCulture);

    private static bool IsUploadId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);

    private async Task<GcsObject> ReadManifestAsync(BlobMultipartUpload upload, CancellationToken cancellationToken)
    {
        if (IsUploadId(upload.UploadId))
        {
            try
            {
                var manifest = await _client.GetObjectAsync(BucketName, ManifestName(upload.UploadId), NoAclOptions, cancellationToken).ConfigureAwait(false);
                if (manifest.Metadata is not null && manifest.Metadata.TryGetValue(UploadKeyMetadata, out string? key) && key == upload.Key)
                {
                    return manifest;
                }
            }
            catch (GoogleApiException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
            {
                // Not started, completed or aborted.
            }
        }

        throw new CloudException(CloudErrorCode.NotFound, $"{Provider}: no upload '{upload.UploadId}' of '{upload.Key}' is in progress in '{BucketName}'.", Provider);
    }

    private async Task<IReadOnlyList<BlobUploadedPart>> ListPartsAsync(string uploadId, CancellationToken cancellationToken)
    {
        var parts = new List<BlobUploadedPart>();
        string prefix = UploadsPrefix + uploadId + "/";
        await foreach (var o in _client.ListObjectsAsync(BucketName, prefix).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            string rest = o.Name[prefix.Length..];
            if (rest.Length == 5 && int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out int number))
            {
                parts.Add(new BlobUploadedPart(number, (long)(o.Size ?? 0), FormatGeneration(o.Generation)));
            }
        }

        return parts.OrderBy(p => p.PartNumber).ToArray();
    }

    private async Task<GcsObject> ComposeAsync(BlobMultipartUpload upload, List<ComposeRequest.SourceObjectsData> sources, GcsObject destination, BlobUploadOptions options, List<string> intermediates, CancellationToken cancellationToken)
    {
        int level = 0;
        while (sources.Count > MaxComposeSources)
        {
            sources = await ComposeLevelAsync(upload.UploadId, level++, sources, cancellationToken).ConfigureAwait(false);
            intermediates.AddRange(sources.Select(s => s.Name));
        }

        var request = _client.Service.Objects.Compose(new ComposeRequest { Destination = destination, SourceObjects = sources }, BucketName, upload.Key);
        request.IfGenerationMatch = ToGenerationCondition(upload.Key, options.Condition);
        return await request.ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<GcsObject> AssembleAsync(BlobMultipartUpload upload, List<ComposeRequest.SourceObjectsData> sources, GcsObject destination, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        string path = Path.Combine(Path.GetTempPath(), "polycloud-gcs-assemble-" + Guid.NewGuid().ToString("N"));
        await using var buffer = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        foreach (var source in sources)
        {
            await _client.DownloadObjectAsync(BucketName, source.Name, buffer, new DownloadObjectOptions { Generation = source.Generation }, cancellationToken).ConfigureAwait(false);
        }

        long total = buffer.Length;
        buffer.Position = 0;
        var uploadOptions = new UploadObjectOptions
        {
            // One chunk: a chunked resumable upload is truncated by the emulator this path exists for.
            ChunkSize = (int)Math.Min(Math.Max(ChunkGranularity, (total + (long)ChunkGranularity - 1) / ChunkGranularity * ChunkGranularity), int.MaxValue / ChunkGranularity * ChunkGranularity),
            IfGenerationMatch = ToGenerationCondition(upload.Key, options.Condition),
        };
        var result = await _client.UploadObjectAsync(destination, buffer, uploadOptions, cancellationToken).ConfigureAwait(false);
        if ((long)(result.Size ?? 0) != total)
        {
            await DeleteQuietlyAsync(upload.Key, result.Generation).ConfigureAwait(false);
            throw new CloudException(CloudErrorCode.Unavailable, $"{Provider}: the assembled upload of '{upload.Key}' was stored with {result.Size} of {total} bytes; it was removed.", Provider);
        }

        return result;
    }

    private async Task<List<ComposeRequest.SourceObjectsData>> ComposeLevelAsync(string uploadId, int level, List<ComposeRequest.SourceObjectsData> sources, CancellationToken cancellationToken)
    {
        var next = new List<ComposeRequest.SourceObjectsData>();
        for (int i = 0; i < sources.Count; i += MaxComposeSources)
        {
            string name = UploadsPrefix + uploadId + "/c" + level.ToString(CultureInfo.InvariantCulture) + "-" + (i / MaxComposeSources).ToString("D5", CultureInfo.InvariantCulture);
            var group = sources.GetRange(i, Math.Min(MaxComposeSources, sources.Count - i));
            var composed = await _client.Service.Objects.Compose(
                new ComposeRequest { Destination = new GcsObject { Bucket = BucketName, Name = name, ContentType = "application/octet-stream" }, SourceObjects = group },
                BucketName,
                name).ExecuteAsync(cancellationToken).ConfigureAwait(false);
            next.Add(new ComposeRequest.SourceObjectsData
            {
                Name = name,
                Generation = composed.Generation,
                ObjectPreconditions = new ComposeRequest.SourceObjectsData.ObjectPreconditionsData { IfGenerationMatch = composed.Generation },
            });
        }

        return next;
    }

    private async Task DeleteUploadAsync(string uploadId, CancellationToken cancellationToken, IEnumerable<string>? known = null)
    {
        var names = new List<string>(known ?? []);
        await foreach (var o in _client.ListObjectsAsync(BucketName, UploadsPrefix + uploadId + "/").WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            names.Add(o.Name);
        }

        names.Add(ManifestName(uploadId)); // last: the upload exists until its manifest is gone
        foreach (string name in names.Distinct(StringComparer.Ordinal))
        {
            try
            {
                await _client.DeleteObjectAsync(BucketName, name, null, cancellationToken).ConfigureAwait(false);
            }
            catch (GoogleApiException ex) when (ex.HttpStatusCode == HttpStatusCode.NotFound)
            {
                // Already gone.
            }
        }
    }

    private async Task DeleteQuietlyAsync(string name, long? generation)
    {
        try
        {
            await _client.DeleteObjectAsync(BucketName, name, new DeleteObjectOptions { IfGenerationMatch = generation }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (GoogleApiException)
        {
            // Replaced or gone.
        }
    }
}
