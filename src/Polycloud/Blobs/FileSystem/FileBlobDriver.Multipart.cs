using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;
using Polycloud.Blobs.Drivers;
using Polycloud.Drivers;

#pragma warning disable CA5351 // MD5 is the content checksum blob services use (Content-MD5), not a security primitive.

namespace Polycloud.Blobs.FileSystem;

/// <content>
/// Multipart uploads and server-side copies between file buckets. An upload is a folder
/// <c>.polycloud-uploads/{uploadId}</c> under the bucket root: <c>upload.json</c> (the key, content headers and metadata
/// given at the start) and one file per part, <c>{partNumber}.part</c>, each written to a temporary name and renamed, so
/// a re-sent part replaces the old one whole. Keys cannot name anything there (a key segment never encodes to a name
/// that starts with '.') and listings skip it. Completing assembles the parts into a temporary file under
/// <c>.polycloud-tmp</c> with the blob's trailer and renames it over the destination, as every write does, then removes
/// the upload's folder; aborting removes the folder.
/// </content>
public sealed partial class FileBlobDriver : IBlobMultipartDriver, IBlobServerSideCopyDriver
{
    private const string UploadsDirectoryName = ".polycloud-uploads";
    private const string UploadManifestName = "upload.json";
    private const string PartSuffix = ".part";
    private static readonly BlobMultipartLimits FileMultipartLimits = new(1, 5L * 1024 * 1024 * 1024, 10_000);

    /// <inheritdoc/>
    public BlobMultipartLimits MultipartLimits => FileMultipartLimits;

    private string UploadsDirectory => Path.Combine(_root, UploadsDirectoryName);

    /// <inheritdoc/>
    public async Task<BlobMultipartUpload> StartMultipartUploadAsync(string key, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        _ = PathFor(key); // the key must have a file name
        string id = Guid.NewGuid().ToString("N");
        string directory = Path.Combine(UploadsDirectory, id);
        Directory.CreateDirectory(directory);
        var manifest = new Trailer();
        Fill(manifest, options, options.ContentMD5?.ToArray() ?? [], 0);
        manifest.ETag = key; // the manifest's ETag field holds the key
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(manifest, FileBlobJsonContext.Default.Trailer);
        string temp = Path.Combine(directory, UploadManifestName + ".tmp");
        await File.WriteAllBytesAsync(temp, json, cancellationToken).ConfigureAwait(false);
        File.Move(temp, Path.Combine(directory, UploadManifestName));
        return new BlobMultipartUpload(key, id);
    }

    /// <inheritdoc/>
    public async Task<BlobUploadedPart> UploadPartAsync(BlobMultipartUpload upload, int partNumber, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        CheckPartNumber(partNumber);
        string directory = await UploadDirectoryAsync(upload, cancellationToken).ConfigureAwait(false);
        string temp = Path.Combine(directory, Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, PartPath(directory, partNumber), overwrite: true);
        }
        catch (DirectoryNotFoundException e)
        {
            throw UploadNotFound(upload, e);
        }
        finally
        {
            TryDelete(temp);
        }

        return new BlobUploadedPart(partNumber, content.Length, PartETag(MD5.HashData(content.Span)));
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<BlobUploadedPart>> ListUploadedPartsAsync(BlobMultipartUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        string directory = await UploadDirectoryAsync(upload, cancellationToken).ConfigureAwait(false);
        var parts = new List<BlobUploadedPart>();
        try
        {
            foreach (string file in Directory.EnumerateFiles(directory, "*" + PartSuffix))
            {
                string name = Path.GetFileName(file)[..^PartSuffix.Length];
                if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int number))
                {
                    continue;
                }

                try
                {
                    await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, FileOptions.Asynchronous);
                    byte[] md5 = await MD5.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
                    parts.Add(new BlobUploadedPart(number, stream.Length, PartETag(md5)));
                }
                catch (FileNotFoundException)
                {
                    // Replaced or aborted while listing.
                }
            }
        }
        catch (DirectoryNotFoundException e)
        {
            throw UploadNotFound(upload, e);
        }

        return parts.OrderBy(p => p.PartNumber).ToArray();
    }

    /// <inheritdoc/>
    public async Task<BlobWriteResult> CompleteMultipartUploadAsync(BlobMultipartUpload upload, IReadOnlyList<BlobUploadedPart> parts, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(options);
        string directory = await UploadDirectoryAsync(upload, cancellationToken).ConfigureAwait(false);
        var manifest = await ReadManifestAsync(upload, directory, cancellationToken).ConfigureAwait(false);
        for (int i = 1; i < parts.Count; i++)
        {
            if (parts[i].PartNumber <= parts[i - 1].PartNumber)
            {
                throw CloudException.InvalidArgument("parts", $"the parts of an upload are committed in ascending part-number order; part {parts[i].PartNumber} follows part {parts[i - 1].PartNumber}.", ProviderName);
            }
        }

        string path = PathFor(upload.Key);
        string temp = NewTempPath();
        try
        {
            using var owner = TakeTempOwnership(temp);
            await using var file = CreateTempFile(temp);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            long size = 0;
            foreach (var part in parts)
            {
                FileStream partStream;
                try
                {
                    partStream = new FileStream(PartPath(directory, part.PartNumber), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous);
                }
                catch (FileNotFoundException e)
                {
                    throw new CloudException(CloudErrorCode.InvalidArgument, $"file: part {part.PartNumber} of the upload of '{upload.Key}' was not uploaded.", ProviderName, e);
                }

                await using (partStream.ConfigureAwait(false))
                {
                    using var partHash = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
                    byte[] buffer = new byte[81920];
                    int n;
                    while ((n = await partStream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        partHash.AppendData(buffer, 0, n);
                        hash.AppendData(buffer, 0, n);
                        await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                        size += n;
                    }

                    if (PartETag(partHash.GetHashAndReset()) != part.ETag)
                    {
                        throw new CloudException(CloudErrorCode.InvalidArgument, $"file: part {part.PartNumber} of the upload of '{upload.Key}' has changed since it was sent (its ETag is not '{part.ETag}').", ProviderName);
                    }
                }
            }

            byte[] md5 = hash.GetHashAndReset();
            ReadOnlyMemory<byte>? expected = options.ContentMD5 ?? (manifest.Md5 is { Length: 16 } m ? new ReadOnlyMemory<byte>(m) : (ReadOnlyMemory<byte>?)null);
            CheckMd5(upload.Key, new BlobUploadOptions { ContentMD5 = expected }, md5);
            var trailer = new Trailer
            {
                ETag = NewETag(),
                Size = size,
                Md5 = md5,
                ContentType = manifest.ContentType,
                CacheControl = manifest.CacheControl,
                ContentDisposition = manifest.ContentDisposition,
                ContentEncoding = manifest.ContentEncoding,
                ContentLanguage = manifest.ContentLanguage,
                Metadata = manifest.Metadata,
            };
            await WriteTrailerAsync(file, trailer, cancellationToken).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
            await file.DisposeAsync().ConfigureAwait(false);
            var result = await CommitAsync(temp, path, upload.Key, options.Condition, trailer, cancellationToken).ConfigureAwait(false);
            DeleteUploadDirectory(directory);
            return result;
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <inheritdoc/>
    public Task AbortMultipartUploadAsync(BlobMultipartUpload upload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(upload);
        cancellationToken.ThrowIfCancellationRequested();
        if (IsTempName(upload.UploadId))
        {
            DeleteUploadDirectory(Path.Combine(UploadsDirectory, upload.UploadId));
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<BlobMultipartUpload> ListMultipartUploadsAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (!Directory.Exists(UploadsDirectory))
        {
            yield break;
        }

        var found = new List<BlobMultipartUpload>();
        foreach (string directory in Directory.EnumerateDirectories(UploadsDirectory))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string id = Path.GetFileName(directory);
            if (!IsTempName(id))
            {
                continue;
            }

            Trailer? manifest;
            try
            {
                manifest = JsonSerializer.Deserialize(await File.ReadAllBytesAsync(Path.Combine(directory, UploadManifestName), cancellationToken).ConfigureAwait(false), FileBlobJsonContext.Default.Trailer);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
            {
                continue; // being started or being removed
            }

            if (manifest is not null && manifest.ETag.StartsWith(prefix, StringComparison.Ordinal))
            {
                found.Add(new BlobMultipartUpload(manifest.ETag, id));
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
        if (source is not FileBlobDriver other)
        {
            return null;
        }

        string destination = PathFor(destinationKey);
        string temp = NewTempPath();
        try
        {
            Trailer trailer;
            using var owner = TakeTempOwnership(temp);
            await using (var file = CreateTempFile(temp))
            await using (var input = other.OpenBlobFile(sourceKey))
            {
                (trailer, long size) = await ReadTrailerAsync(input, sourceKey, cancellationToken).ConfigureAwait(false);
                input.Position = 0;
                trailer.ETag = NewETag();
                trailer.ContentType = options.ContentType ?? trailer.ContentType;
                trailer.CacheControl = options.CacheControl ?? trailer.CacheControl;
                trailer.ContentDisposition = options.ContentDisposition ?? trailer.ContentDisposition;
                trailer.ContentEncoding = options.ContentEncoding ?? trailer.ContentEncoding;
                trailer.ContentLanguage = options.ContentLanguage ?? trailer.ContentLanguage;
                if (options.Metadata is not null)
                {
                    trailer.Metadata = new Dictionary<string, string>(options.Metadata);
                }

                await new BoundedReadStream(input, size).CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                await WriteTrailerAsync(file, trailer, cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            return await CommitAsync(temp, destination, destinationKey, options.Condition, trailer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <inheritdoc/>
    public Task<BlobWriteResult?> TryCopyFromUrlAsync(Uri sourceUrl, long size, string destinationKey, BlobUploadOptions options, CancellationToken cancellationToken)
        => Task.FromResult<BlobWriteResult?>(null);

    private static string PartPath(string directory, int partNumber)
        => Path.Combine(directory, partNumber.ToString("D5", CultureInfo.InvariantCulture) + PartSuffix);

    private static string PartETag(byte[] md5) => "\"" + Convert.ToHexStringLower(md5) + "\"";

    private void CheckPartNumber(int partNumber)
    {
        if (partNumber < 1 || partNumber > FileMultipartLimits.MaxParts)
        {
            throw CloudException.InvalidArgument("partNumber", $"a part number is from 1 to {FileMultipartLimits.MaxParts}; got {partNumber}.", ProviderName);
        }
    }

    private async Task<string> UploadDirectoryAsync(BlobMultipartUpload upload, CancellationToken cancellationToken)
    {
        string directory = Path.Combine(UploadsDirectory, IsTempName(upload.UploadId) ? upload.UploadId : "-");
        var manifest = Directory.Exists(directory) ? await ReadManifestAsync(upload, directory, cancellationToken).ConfigureAwait(false) : null;
        return manifest is not null && manifest.ETag == upload.Key ? directory : throw UploadNotFound(upload, null);
    }

    private async Task<Trailer> ReadManifestAsync(BlobMultipartUpload upload, string directory, CancellationToken cancellationToken)
    {
        try
        {
            return JsonSerializer.Deserialize(await File.ReadAllBytesAsync(Path.Combine(directory, UploadManifestName), cancellationToken).ConfigureAwait(false), FileBlobJsonContext.Default.Trailer)
                ?? throw UploadNotFound(upload, null);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw UploadNotFound(upload, e);
        }
    }

    private CloudException UploadNotFound(BlobMultipartUpload upload, Exception? inner)
        => new(CloudErrorCode.NotFound, $"file: no upload '{upload.UploadId}' of '{upload.Key}' is in progress in '{BucketName}'.", ProviderName, inner);

    private static void DeleteUploadDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }
}
