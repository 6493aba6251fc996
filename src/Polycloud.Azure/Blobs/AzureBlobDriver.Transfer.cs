using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;
using BlobUploadOptions = Polycloud.Blobs.BlobUploadOptions;

#pragma warning disable CA5351 // MD5 is the content checksum Azure Blob Storage uses (Content-MD5), not a security primitive.

namespace Polycloud.Azure.Blobs;

/// <content>
/// Transfers on block blobs. A multipart upload is a set of uncommitted blocks of the blob: its upload id is 16 random
/// bytes (32 hex digits) and each block id is the fixed-length base64 of (upload id, part number), so several uploads of
/// one key never mix. Starting an upload stages a one-byte marker block (part number 0), which makes the upload
/// discoverable and lets a gone upload be told from one without parts. Completing is one Put Block List of the parts with
/// the content headers, metadata and MD5 of the options (Azure discards every other uncommitted block of the blob then,
/// including those of other uploads of the same key). Aborting marks the marker as aborted (a two-byte block) and, when
/// the key has no committed blob and no other upload, writes an empty blob with If-None-Match: * and deletes it at once:
/// writing a blob is the documented way to discard its uncommitted blocks. Otherwise the aborted blocks stay invisible
/// until the next write of the key, or until the service discards them a week after the last block was staged.
/// Server-side copies within one storage account use Copy Blob (StartCopyFromUri, waited on); copies from any other URL use
/// Put Block From URL in blocks of <see cref="FromUrlBlockSize"/> and one Put Block List, so no byte passes through the client.
/// </content>
public sealed partial class AzureBlobDriver : IBlobMultipartDriver, IBlobServerSideCopyDriver
{
    /// <summary>The block size of a copy from a URL (Put Block From URL takes up to 4000 MiB; 100 MiB keeps retries cheap).</summary>
    internal const long FromUrlBlockSize = 100L * 1024 * 1024;

    private const int MarkerPart = 0;
    private static readonly BlobMultipartLimits AzureMultipartLimits = new(1, 4000L * 1024 * 1024, 50_000);

    /// <inheritdoc/>
    public BlobMultipartLimits MultipartLimits => AzureMultipartLimits;

    /// <inheritdoc/>
    public async Task<BlobMultipartUpload> StartMultipartUploadAsync(string key, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        ValidateAddressable(key);
        byte[] id = RandomNumberGenerator.GetBytes(16);
        await StageBytesAsync(_container.GetBlockBlobClient(key), BlockId(id, MarkerPart), new byte[] { 1 }, cancellationToken).ConfigureAwait(false);
        return new BlobMultipartUpload(key, Convert.ToHexStringLower(id));
    }

    /// <inheritdoc/>
    public async Task<BlobUploadedPart> UploadPartAsync(BlobMultipartUpload upload, int partNumber, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ValidateAddressable(upload.Key);
        if (partNumber < 1 || partNumber > AzureMultipartLimits.MaxParts)
        {
            throw CloudException.InvalidArgument(nameof(partNumber), $"an Azure part number is from 1 to {AzureMultipartLimits.MaxParts}; got {partNumber}.", Provider);
        }

        string blockId = BlockId(ParseUploadId(upload), partNumber);
        await StageBytesAsync(_container.GetBlockBlobClient(upload.Key), blockId, content, cancellationToken).ConfigureAwait(false);
        return new BlobUploadedPart(partNumber, content.Length, blockId);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BlobUploadedPart>> ListUploadedPartsAsync(BlobMultipartUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ValidateAddressable(upload.Key);
        var (live, parts, _) = await ReadUploadAsync(upload, cancellationToken).ConfigureAwait(false);
        return live ? parts : throw UploadNotFound(upload);
    }

    /// <inheritdoc/>
    public async Task<BlobWriteResult> CompleteMultipartUploadAsync(BlobMultipartUpload upload, IReadOnlyList<BlobUploadedPart> parts, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(options);
        ValidateAddressable(upload.Key);
        var (live, staged, _) = await ReadUploadAsync(upload, cancellationToken).ConfigureAwait(false);
        if (!live)
        {
            throw UploadNotFound(upload);
        }

        byte[] id = ParseUploadId(upload);
        var held = staged.ToDictionary(p => p.PartNumber);
        var blockIds = new List<string>(parts.Count);
        int previous = 0;
        foreach (var part in parts)
        {
            if (part.PartNumber <= previous)
            {
                throw CloudException.InvalidArgument(nameof(parts), $"the parts of an upload are committed in ascending part-number order; part {part.PartNumber} follows part {previous}.", Provider);
            }

            previous = part.PartNumber;
            string blockId = BlockId(id, part.PartNumber);
            if (!held.TryGetValue(part.PartNumber, out var stagedPart) || stagedPart.ETag != part.ETag)
            {
                throw new CloudException(CloudErrorCode.InvalidArgument, $"{Provider}: part {part.PartNumber} of the upload of '{upload.Key}' was not uploaded.", Provider);
            }

            blockIds.Add(blockId);
        }

        var commit = new CommitBlockListOptions
        {
            HttpHeaders = ToHttpHeaders(options, options.ContentMD5?.ToArray()),
            Metadata = ToMetadata(options.Metadata),
            Conditions = ToConditions(options.Condition),
        };
        try
        {
            var response = await _container.GetBlockBlobClient(upload.Key).CommitBlockListAsync(blockIds, commit, cancellationToken).ConfigureAwait(false);
            return new BlobWriteResult(response.Value.ETag.AsQuoted(), response.Value.LastModified);
        }
        catch (RequestFailedException e) when (ConditionFailure(e, options.Condition, upload.Key, isCopy: false) is { } failure)
        {
            throw failure;
        }
    }

    /// <inheritdoc/>
    public async Task AbortMultipartUploadAsync(BlobMultipartUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ValidateAddressable(upload.Key);
        if (!TryParseUploadId(upload.UploadId, out byte[] id))
        {
            return;
        }

        var (live, _, others) = await ReadUploadAsync(upload, cancellationToken).ConfigureAwait(false);
        if (!live)
        {
            return;
        }

        var blob = _container.GetBlockBlobClient(upload.Key);
        await StageBytesAsync(blob, BlockId(id, MarkerPart), new byte[] { 2, 2 }, cancellationToken).ConfigureAwait(false);
        if (others > 0)
        {
            return; // other uploads of this key are in progress: writing the blob would discard their blocks too
        }

        try
        {
            // No committed blob (If-None-Match: *): write an empty one, which discards every uncommitted block, and delete it.
            var written = await blob.UploadAsync(Stream.Null, new global::Azure.Storage.Blobs.Models.BlobUploadOptions
            {
                Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, cancellationToken).ConfigureAwait(false);
            await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, new BlobRequestConditions { IfMatch = written.Value.ETag }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // A committed blob exists: its uncommitted blocks go at its next write, or a week after the last was staged.
        }
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<BlobMultipartUpload> ListMultipartUploadsAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        var listing = _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix.Length == 0 ? null : prefix, States = BlobStates.Uncommitted }, cancellationToken);
        await foreach (var item in listing.ConfigureAwait(false))
        {
            // A key with only uncommitted blocks is listed with no content; keys that also have a committed blob would each
            // need a block-list call, so their uploads are found through ListUploadedPartsAsync with the id instead.
            if (item.Properties.ContentLength is > 0)
            {
                continue;
            }

            BlockList blocks;
            try
            {
                blocks = (await _container.GetBlockBlobClient(item.Name).GetBlockListAsync(BlockListTypes.Uncommitted, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                continue;
            }

            foreach (var block in blocks.UncommittedBlocks ?? [])
            {
                if (TryDecodeBlockId(block.Name, out var id, out int part) && part == MarkerPart && block.SizeLong == 1)
                {
                    yield return new BlobMultipartUpload(item.Name, Convert.ToHexStringLower(id));
                }
            }
        }
    }

    /// <inheritdoc/>
    public async Task<BlobWriteResult?> TryCopyFromAsync(IBlobDriver source, string sourceKey, string destinationKey, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (source is not AzureBlobDriver other || !SameAccount(other))
        {
            return null;
        }

        ValidateAddressable(sourceKey, nameof(sourceKey));
        ValidateAddressable(destinationKey, nameof(destinationKey));
        var sourceBlob = other._container.GetBlobClient(sourceKey);
        var destination = _container.GetBlobClient(destinationKey);
        var native = new BlobCopyFromUriOptions
        {
            DestinationConditions = ToConditions(options.Condition),
            Metadata = ToMetadata(options.Metadata) ?? (options.Metadata is null ? null : new Dictionary<string, string>()),
        };
        try
        {
            // Same account: the service copies with the destination's credentials; properties and metadata come along.
            var operation = await destination.StartCopyFromUriAsync(sourceBlob.Uri, native, cancellationToken).ConfigureAwait(false);
            if (!operation.HasCompleted)
            {
                await operation.WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException e) when (ConditionFailure(e, options.Condition, destinationKey, isCopy: true) is { } failure)
        {
            throw failure;
        }

        var copied = (await destination.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        if (options.ContentType is null && options.CacheControl is null && options.ContentDisposition is null && options.ContentEncoding is null && options.ContentLanguage is null)
        {
            return new BlobWriteResult(copied.ETag.AsQuoted(), copied.LastModified);
        }

        // Content headers given in the options replace the copied ones (Copy Blob has no header override).
        var headers = new BlobHttpHeaders
        {
            ContentType = options.ContentType ?? copied.ContentType,
            CacheControl = options.CacheControl ?? copied.CacheControl,
            ContentDisposition = options.ContentDisposition ?? copied.ContentDisposition,
            ContentEncoding = options.ContentEncoding ?? copied.ContentEncoding,
            ContentLanguage = options.ContentLanguage ?? copied.ContentLanguage,
            ContentHash = copied.ContentHash,
        };
        var set = await destination.SetHttpHeadersAsync(headers, new BlobRequestConditions { IfMatch = copied.ETag }, cancellationToken).ConfigureAwait(false);
        return new BlobWriteResult(set.Value.ETag.AsQuoted(), set.Value.LastModified);
    }

    /// <inheritdoc/>
    public async Task<BlobWriteResult?> TryCopyFromUrlAsync(Uri sourceUrl, long size, string destinationKey, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sourceUrl);
        ArgumentNullException.ThrowIfNull(options);
        ValidateAddressable(destinationKey, nameof(destinationKey));
        if (size < 0 || size > MaxBlockBlobSize)
        {
            throw CloudException.InvalidArgument(nameof(size), $"a copy from a URL is from 0 to {MaxBlockBlobSize} bytes; got {size}.", Provider);
        }

        var blob = _container.GetBlockBlobClient(destinationKey);
        byte[] id = RandomNumberGenerator.GetBytes(16);
        var blockIds = new List<string>();
        int part = 1;
        for (long offset = 0; offset < size; offset += FromUrlBlockSize, part++)
        {
            string blockId = BlockId(id, part);
            var range = new global::Azure.HttpRange(offset, Math.Min(FromUrlBlockSize, size - offset));
            try
            {
                await blob.StageBlockFromUriAsync(sourceUrl, blockId, new StageBlockFromUriOptions { SourceRange = range }, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.ErrorCode == "CannotVerifyCopySource")
            {
                // The service cannot read the URL (refused, unreachable, or a server that reads only its own blobs): the
                // caller streams instead. Blocks staged so far stay uncommitted and invisible.
                return null;
            }

            blockIds.Add(blockId);
        }

        var commit = new CommitBlockListOptions
        {
            HttpHeaders = ToHttpHeaders(options, options.ContentMD5?.ToArray()),
            Metadata = ToMetadata(options.Metadata),
            Conditions = ToConditions(options.Condition),
        };
        try
        {
            var response = await blob.CommitBlockListAsync(blockIds, commit, cancellationToken).ConfigureAwait(false);
            return new BlobWriteResult(response.Value.ETag.AsQuoted(), response.Value.LastModified);
        }
        catch (RequestFailedException e) when (ConditionFailure(e, options.Condition, destinationKey, isCopy: false) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>Decodes a block id made by <see cref="BlockId"/>: 20 bytes, the upload id and a big-endian part number.</summary>
    internal static bool TryDecodeBlockId(string blockId, out byte[] uploadId, out int partNumber)
    {
        uploadId = [];
        partNumber = 0;
        Span<byte> bytes = stackalloc byte[21];
        if (!Convert.TryFromBase64String(blockId, bytes, out int written) || written != 20)
        {
            return false;
        }

        uploadId = bytes[..16].ToArray();
        partNumber = BinaryPrimitives.ReadInt32BigEndian(bytes[16..20]);
        return true;
    }

    private bool SameAccount(AzureBlobDriver other)
    {
        var mine = _container.Uri;
        var theirs = other._container.Uri;
        return string.Equals(mine.Scheme, theirs.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(mine.Authority, theirs.Authority, StringComparison.OrdinalIgnoreCase)
            && string.Equals(_container.AccountName, other._container.AccountName, StringComparison.Ordinal);
    }

    private static async Task StageBytesAsync(BlockBlobClient blob, string blockId, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var segment = MemoryMarshal.TryGetArray(content, out ArraySegment<byte> array) ? array : new ArraySegment<byte>(content.ToArray());
        using var body = new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false);
        await blob.StageBlockAsync(blockId, body, new BlockBlobStageBlockOptions
        {
            TransferValidation = new global::Azure.Storage.UploadTransferValidationOptions { ChecksumAlgorithm = global::Azure.Storage.StorageChecksumAlgorithm.MD5 },
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the uncommitted blocks of the upload's key: whether the upload is live (its marker is there and not
    /// aborted), its parts in order, and how many other live uploads of the key there are.</summary>
    private async Task<(bool Live, IReadOnlyList<BlobUploadedPart> Parts, int OtherUploads)> ReadUploadAsync(BlobMultipartUpload upload, CancellationToken cancellationToken)
    {
        if (!TryParseUploadId(upload.UploadId, out byte[] id))
        {
            return (false, [], 0);
        }

        BlockList blocks;
        try
        {
            blocks = (await _container.GetBlockBlobClient(upload.Key).GetBlockListAsync(BlockListTypes.Uncommitted, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return (false, [], 0);
        }

        bool live = false;
        int others = 0;
        var parts = new List<BlobUploadedPart>();
        foreach (var block in blocks.UncommittedBlocks ?? [])
        {
            if (!TryDecodeBlockId(block.Name, out byte[] blockUpload, out int part))
            {
                continue;
            }

            if (!blockUpload.AsSpan().SequenceEqual(id))
            {
                others += part == MarkerPart && block.SizeLong == 1 ? 1 : 0;
                continue;
            }

            if (part == MarkerPart)
            {
                live = block.SizeLong == 1;
            }
            else
            {
                parts.Add(new BlobUploadedPart(part, block.SizeLong, block.Name));
            }
        }

        return (live, parts.OrderBy(p => p.PartNumber).ToArray(), others);
    }

    private static byte[] ParseUploadId(BlobMultipartUpload upload)
        => TryParseUploadId(upload.UploadId, out byte[] id) ? id : throw UploadNotFound(upload);

    private static bool TryParseUploadId(string uploadId, out byte[] id)
    {
        id = [];
        if (uploadId.Length != 32)
        {
            return false;
        }

        try
        {
            id = Convert.FromHexString(uploadId);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static CloudException UploadNotFound(BlobMultipartUpload upload)
        => new(CloudErrorCode.NotFound, $"{Provider}: no upload '{upload.UploadId}' of '{upload.Key}' is in progress (it was completed or aborted, or never started).", Provider);
}
