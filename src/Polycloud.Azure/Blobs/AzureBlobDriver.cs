using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Http;
using System.Security.Cryptography;
using Azure;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;
using BlobItem = Polycloud.Blobs.BlobItem;
using BlobUploadOptions = Polycloud.Blobs.BlobUploadOptions;
using NativeBlobItem = Azure.Storage.Blobs.Models.BlobItem;
using NativeBlobProperties = Azure.Storage.Blobs.Models.BlobProperties;
using NativeUploadOptions = Azure.Storage.Blobs.Models.BlobUploadOptions;
using PortableBlobProperties = Polycloud.Blobs.BlobProperties;

#pragma warning disable CA5351 // MD5 is the content checksum Azure Blob Storage uses (Content-MD5), not a security primitive.

namespace Polycloud.Azure.Blobs;

/// <summary>
/// The Azure Blob Storage driver: a thin translation of <see cref="IBlobDriver"/> to
/// <see cref="BlobContainerClient"/> (Azure.Storage.Blobs). Wrap it in a <see cref="BlobBucket"/>, or open
/// <c>azblob://container?account=…</c> through <see cref="PolycloudOpener"/> after <c>AddAzure()</c>.
/// </summary>
/// <remarks>
/// <para>Every upload stores its MD5. Content up to the part size (bytes in memory, or a stream, seekable or not, that
/// ends within one part) is hashed and goes in one Put Blob request with <c>x-ms-blob-content-md5</c>, which the
/// service checks and stores; larger content goes in blocks of the part size, staged while the MD5 is computed and
/// committed at the end with it, so a failed or cancelled upload leaves no blob. An expected MD5 is compared before
/// anything is sent (in memory) or before the block list is committed (larger streams).</para>
/// <para>Metadata keys are stored as C# identifiers ('_' as "__", '-' as "_h"), as Azure requires; non-ASCII values
/// are stored as RFC 2047 encoded words. Both are decoded on read.</para>
/// </remarks>
public sealed partial class AzureBlobDriver : IBlobDriver, Polycloud.Drivers.IResourceLocationProvider
{
    /// <summary>The provider name used in errors and telemetry.</summary>
    public const string Provider = "azure-blob";

    private const int DefaultPartSize = 8 * 1024 * 1024;
    private const int DefaultStagingConcurrency = 4;
    private const long MaxBlockBlobSize = 50_000L * 2000 * 1024 * 1024; // 50,000 blocks of the largest PartSize
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private readonly BlobContainerClient _container;
    private readonly bool _userDelegation;
    private readonly int? _maxConcurrency;
    private readonly SemaphoreSlim _keyGate = new(1, 1);
    private readonly TimeProvider _time;
    private UserDelegationKey? _delegationKey;

    /// <summary>Creates a driver over a container client.</summary>
    /// <param name="container">The container client, authenticated as the application needs (connection string, token
    /// credential, shared key or SAS). The container must exist.</param>
    public AzureBlobDriver(BlobContainerClient container)
        : this(container, null)
    {
    }

    /// <summary>Creates a driver over a container client, with options.</summary>
    /// <param name="container">The container client. The container must exist.</param>
    /// <param name="options">Signing and transfer options, or <see langword="null"/> for the defaults.</param>
    public AzureBlobDriver(BlobContainerClient container, AzureBlobDriverOptions? options)
    {
        _container = container ?? throw CloudException.InvalidArgument(nameof(container), "a BlobContainerClient is required.");
        options ??= new AzureBlobDriverOptions();
        if (options.MaximumConcurrency is < 1)
        {
            throw CloudException.InvalidArgument("options.MaximumConcurrency", $"the concurrency must be at least 1, not {options.MaximumConcurrency}.");
        }

        // A client authenticated by a SAS in its URL has no key to sign with and cannot ask for a delegation key.
        bool hasSas = container.Uri.Query.Contains("sig=", StringComparison.OrdinalIgnoreCase);
        _userDelegation = options.SignWithUserDelegationKey && !container.CanGenerateSasUri && !hasSas;
        _maxConcurrency = options.MaximumConcurrency;
        _time = options.TimeProvider ?? TimeProvider.System;
        Capabilities = new BlobCapabilities
        {
            SignedUrls = container.CanGenerateSasUri || _userDelegation,
            ConditionalWrites = true,
            ContentMD5 = true,
            MaxBlobSize = MaxBlockBlobSize,
        };
    }

    /// <inheritdoc/>
    public string ProviderName => Provider;

    /// <inheritdoc/>
    public string BucketName => _container.Name;

    /// <inheritdoc/>
    public BlobCapabilities Capabilities { get; }

    /// <inheritdoc/>
    public async Task<BlobWriteResult> UploadAsync(string key, Stream content, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        ValidateAddressable(key);
        int partSize = options.PartSize ?? DefaultPartSize;

        // Seekable or not, a stream is read one part ahead: content that fits is one Put Blob with its MD5, larger
        // content is staged in blocks while hashing and committed with the MD5, so every upload stores one.
        return await UploadHashedAsync(key, content, options, options.ContentMD5, partSize, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<BlobWriteResult> UploadAsync(string key, BinaryData content, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        ValidateAddressable(key);
        int partSize = options.PartSize ?? DefaultPartSize;
        // The bytes are in memory: hash them, check an expected MD5 before sending anything, and send the MD5 so the
        // service checks and stores it.
        byte[] contentHash = MD5.HashData(content.ToMemory().Span);
        if (options.ContentMD5 is { } expected && !expected.Span.SequenceEqual(contentHash))
        {
            throw Md5Mismatch(key);
        }

        var blob = _container.GetBlobClient(key);
        var native = ToUploadOptions(options, partSize, contentHash);
        try
        {
            var response = await blob.UploadAsync(content, native, cancellationToken).ConfigureAwait(false);
            return new BlobWriteResult(response.Value.ETag.AsQuoted(), response.Value.LastModified);
        }
        catch (RequestFailedException e) when (ConditionFailure(e, options.Condition, key, isCopy: false) is { } failure)
        {
            throw failure;
        }
    }

    /// <inheritdoc/>
    public async Task<BlobDownload> OpenReadAsync(string key, BlobRange range, CancellationToken cancellationToken)
    {
        ValidateAddressable(key);
        var blob = _container.GetBlobClient(key);
        bool whole = range.Offset == 0 && range.Length is null;
        var options = whole ? null : new BlobDownloadOptions { Range = new HttpRange(range.Offset, range.Length) };
        try
        {
            var response = await blob.DownloadStreamingAsync(options, cancellationToken).ConfigureAwait(false);
            var details = response.Value.Details;
            long size = whole ? details.ContentLength : TotalSize(details.ContentRange, details.ContentLength);
            return new BlobDownload(response.Value.Content, details.ContentLength, size, details.ETag.AsQuoted(), details.ContentType, details.LastModified);
        }
        catch (RequestFailedException e) when (e.Status == 416)
        {
            // Azure answers 416 InvalidRange for a range at or past the end (and any range of an empty blob):
            // the portable contract is an empty read, once the blob is known to exist.
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            if (range.Offset < properties.ContentLength)
            {
                throw;
            }

            return new BlobDownload(Stream.Null, 0, properties.ContentLength, properties.ETag.AsQuoted(), properties.ContentType, properties.LastModified);
        }
    }

    /// <inheritdoc/>
    public async Task<PortableBlobProperties> GetPropertiesAsync(string key, CancellationToken cancellationToken)
    {
        ValidateAddressable(key);
        var response = await _container.GetBlobClient(key).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return ToProperties(key, response.Value);
    }

    /// <inheritdoc/>
    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        ValidateAddressable(key);
        var response = await _container.GetBlobClient(key).ExistsAsync(cancellationToken).ConfigureAwait(false);
        return response.Value;
    }

    /// <inheritdoc/>
    public async Task<BlobPage> ListPageAsync(string prefix, string? delimiter, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        string? nativePrefix = prefix.Length == 0 ? null : prefix;
        if (delimiter is null)
        {
            var pages = _container.GetBlobsAsync(new GetBlobsOptions { Prefix = nativePrefix }, cancellationToken).AsPages(continuationToken, pageSize);
            await foreach (var page in pages.ConfigureAwait(false))
            {
                var items = new List<BlobItem>(page.Values.Count);
                foreach (var blob in page.Values)
                {
                    items.Add(ToItem(blob));
                }

                return new BlobPage(items, NullIfEmpty(page.ContinuationToken));
            }
        }
        else
        {
            var pages = _container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Prefix = nativePrefix, Delimiter = delimiter }, cancellationToken)
                .AsPages(continuationToken, pageSize);
            await foreach (var page in pages.ConfigureAwait(false))
            {
                var items = new List<BlobItem>(page.Values.Count);
                foreach (var entry in page.Values)
                {
                    items.Add(entry.IsPrefix ? new BlobItem { Key = entry.Prefix, IsPrefix = true } : ToItem(entry.Blob));
                }

                // The SDK returns a page's prefixes before its blobs; the page itself is one contiguous key range.
                items.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
                return new BlobPage(items, NullIfEmpty(page.ContinuationToken));
            }
        }

        return new BlobPage([], null);
    }

    /// <inheritdoc/>
    public async Task<BlobWriteResult> CopyAsync(string sourceKey, string destinationKey, BlobCopyOptions options, CancellationToken cancellationToken)
    {
        ValidateAddressable(sourceKey, nameof(sourceKey));
        ValidateAddressable(destinationKey, nameof(destinationKey));
        var source = _container.GetBlobClient(sourceKey);
        var destination = _container.GetBlobClient(destinationKey);
        var native = new BlobCopyFromUriOptions { DestinationConditions = ToConditions(options.Condition) };
        try
        {
            // Same account: the service copies with the destination's credentials; properties and metadata come along.
            var operation = await destination.StartCopyFromUriAsync(source.Uri, native, cancellationToken).ConfigureAwait(false);
            bool done = operation.GetRawResponse().Headers.TryGetValue("x-ms-copy-status", out string? status) && status == "success";
            if (!done && !operation.HasCompleted)
            {
                // Large or cross-region copies run in the background: poll until the service reports the outcome.
                await operation.WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
            }

            var headers = operation.GetRawResponse().Headers;
            if (headers.ETag is { } etag)
            {
                return new BlobWriteResult(etag.AsQuoted(), headers.TryGetValue("Last-Modified", out string? lm) && DateTimeOffset.TryParse(lm, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var modified) ? modified : null);
            }

            var properties = (await destination.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            return new BlobWriteResult(properties.ETag.AsQuoted(), properties.LastModified);
        }
        catch (RequestFailedException e) when (ConditionFailure(e, options.Condition, destinationKey, isCopy: true) is { } failure)
        {
            throw failure;
        }
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(string key, bool throwIfMissing, CancellationToken cancellationToken)
    {
        ValidateAddressable(key);
        var blob = _container.GetBlobClient(key);
        if (throwIfMissing)
        {
            await blob.DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false);
            return true;
        }

        var response = await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Value;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A GET URL grants read; a PUT URL grants create and write. Azure's Put Blob protocol requires the uploader to send
    /// the header <c>x-ms-blob-type: BlockBlob</c> with the PUT; the Content-Type it sends is stored with the blob
    /// (a SAS cannot pin it, so <see cref="BlobSignedUrlOptions.ContentType"/> is not enforced by Azure).
    /// With a shared key the URL is a service SAS; with a token credential it is a user delegation SAS.
    /// </remarks>
    public async Task<Uri> GetSignedUrlAsync(string key, BlobSignedUrlOptions options, CancellationToken cancellationToken)
    {
        ValidateAddressable(key);
        var blob = _container.GetBlobClient(key);
        var now = _time.GetUtcNow();
        var permissions = options.Method == SignedUrlMethod.Put ? BlobSasPermissions.Create | BlobSasPermissions.Write : BlobSasPermissions.Read;
        var builder = new BlobSasBuilder(permissions, now + options.ExpiresIn)
        {
            BlobContainerName = _container.Name,
            BlobName = key,
            Resource = "b",
            StartsOn = now - ClockSkew,
        };

        if (blob.CanGenerateSasUri)
        {
            return blob.GenerateSasUri(builder);
        }

        if (!_userDelegation)
        {
            throw CloudException.NotSupported(
                Provider,
                "signed URLs with this client's credential (a SAS or anonymous access)",
                "Open the container with a connection string or account key (service SAS) or a TokenCredential (user delegation SAS).");
        }

        var service = _container.GetParentBlobServiceClient();
        var delegationKey = await GetDelegationKeyAsync(service, builder.ExpiresOn, cancellationToken).ConfigureAwait(false);
        var query = builder.ToSasQueryParameters(delegationKey, service.AccountName);
        return new BlobUriBuilder(blob.Uri) { Sas = query }.ToUri();
    }

    /// <inheritdoc/>
    public CloudErrorCode ClassifyError(Exception exception) => Classify(exception);

    /// <inheritdoc/>
    public bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class
    {
        value = _container as T ?? this as T;
        if (value is null && typeof(T) == typeof(BlobServiceClient))
        {
            value = _container.GetParentBlobServiceClient() as T;
        }

        return value is not null;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        // The Azure clients hold no disposable state of their own; the transport is shared.
        _keyGate.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Maps an exception from the Azure SDK or Azure.Identity to a portable code: the Blob codes below, then the
    /// codes all Azure Storage services share, then the HTTP status (docs/errors.md).</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The code.</returns>
    internal static CloudErrorCode Classify(Exception exception) => AzureStorageErrors.Classify(exception, FromErrorCode);

    /// <summary>
    /// Rejects keys the Azure SDK for .NET cannot address: it builds each blob's URL with <see cref="Uri"/>, which trims
    /// a leading or trailing '/' and resolves "." and ".." segments, so such a key would name another blob (or, with
    /// "..", a blob in another container). Failing is the safe answer.
    /// </summary>
    internal static void ValidateAddressable(string key, string argumentName = "key")
    {
        if (key[0] == '/' || key[^1] == '/')
        {
            throw new CloudException(CloudErrorCode.InvalidArgument, $"Invalid argument '{argumentName}': the {Provider} provider cannot address the key '{key}': the Azure SDK drops a leading or trailing '/' from blob names.", Provider);
        }

        int start = 0;
        while (start <= key.Length)
        {
            int end = key.IndexOf('/', start);
            if (end < 0)
            {
                end = key.Length;
            }

            var segment = key.AsSpan(start, end - start);
            if (segment is "." or "..")
            {
                throw new CloudException(CloudErrorCode.InvalidArgument, $"Invalid argument '{argumentName}': the {Provider} provider cannot address the key '{key}': its '{segment}' segment would be resolved away in the blob URL (the Azure SDK builds URLs with System.Uri).", Provider);
            }

            start = end + 1;
        }
    }

    /// <summary>The Blob service's error codes whose meaning the status alone does not carry.</summary>
    private static CloudErrorCode? FromErrorCode(string errorCode) => errorCode switch
    {
        "BlobAlreadyExists" or "ContainerAlreadyExists" => CloudErrorCode.AlreadyExists,
        "ConditionNotMet" => CloudErrorCode.PreconditionFailed,
        "BlobNotFound" or "ContainerNotFound" => CloudErrorCode.NotFound,
        _ => null,
    };

    private static CloudException? ConditionFailure(RequestFailedException e, BlobCondition condition, string key, bool isCopy)
    {
        switch (condition.Kind)
        {
            case BlobConditionKind.IfNotExists when e.Status == 409 && e.ErrorCode == "BlobAlreadyExists" || e.Status == 412:
                return new CloudException(CloudErrorCode.AlreadyExists, $"{Provider}: '{key}' already exists ({e.Status} {e.ErrorCode}).", Provider, e);
            case BlobConditionKind.IfMatch when e.Status == 412 || (!isCopy && e.Status == 404):
                return new CloudException(CloudErrorCode.PreconditionFailed, $"{Provider}: the ETag of '{key}' does not match '{condition.ETag}' ({e.Status} {e.ErrorCode}).", Provider, e);
            default:
                return null;
        }
    }

    private static BlobRequestConditions? ToConditions(BlobCondition condition) => condition.Kind switch
    {
        BlobConditionKind.IfNotExists => new BlobRequestConditions { IfNoneMatch = ETag.All },
        BlobConditionKind.IfMatch => new BlobRequestConditions { IfMatch = new ETag(condition.ETag!) },
        _ => null,
    };

    private static BlobHttpHeaders ToHttpHeaders(BlobUploadOptions options, byte[]? contentHash) => new()
    {
        ContentType = options.ContentType ?? "application/octet-stream",
        CacheControl = options.CacheControl,
        ContentDisposition = options.ContentDisposition,
        ContentEncoding = options.ContentEncoding,
        ContentLanguage = options.ContentLanguage,
        ContentHash = contentHash,
    };

    private static Dictionary<string, string>? ToMetadata(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null || metadata.Count == 0)
        {
            return null;
        }

        var result = new Dictionary<string, string>(metadata.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in metadata)
        {
            result[BlobKeyRules.EncodeMetadataKeyAsIdentifier(name)] = BlobKeyRules.EncodeMetadataValue(value);
        }

        return result;
    }

    private static Dictionary<string, string> FromMetadata(IDictionary<string, string>? metadata)
    {
        var result = new Dictionary<string, string>(metadata?.Count ?? 0, StringComparer.Ordinal);
        if (metadata is not null)
        {
            foreach (var (name, value) in metadata)
            {
                result[BlobKeyRules.DecodeMetadataKeyFromIdentifier(name)] = BlobKeyRules.DecodeMetadataValue(value);
            }
        }

        return result;
    }

    private static PortableBlobProperties ToProperties(string key, NativeBlobProperties p) => new()
    {
        Key = key,
        Size = p.ContentLength,
        ETag = p.ETag.AsQuoted(),
        LastModified = p.LastModified,
        ContentType = p.ContentType,
        CacheControl = p.CacheControl,
        ContentDisposition = p.ContentDisposition,
        ContentEncoding = p.ContentEncoding,
        ContentLanguage = p.ContentLanguage,
        ContentMD5 = p.ContentHash is { Length: 16 } md5 ? new ReadOnlyMemory<byte>(md5) : (ReadOnlyMemory<byte>?)null, // never an empty array: null when there is none
        Metadata = FromMetadata(p.Metadata),
    };

    private static BlobItem ToItem(NativeBlobItem blob) => new()
    {
        Key = blob.Name,
        Size = blob.Properties.ContentLength ?? 0,
        ETag = blob.Properties.ETag?.AsQuoted(),
        LastModified = blob.Properties.LastModified,
        ContentMD5 = blob.Properties.ContentHash is { Length: 16 } md5 ? new ReadOnlyMemory<byte>(md5) : (ReadOnlyMemory<byte>?)null,
    };

    private static string? NullIfEmpty(string? token) => string.IsNullOrEmpty(token) ? null : token;

    private static long TotalSize(string? contentRange, long contentLength)
    {
        // "bytes 0-99/1234": the total follows the slash.
        int slash = contentRange?.LastIndexOf('/') ?? -1;
        if (slash >= 0 && long.TryParse(contentRange.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long total))
        {
            return total;
        }

        return contentLength;
    }

    private static CloudException Md5Mismatch(string key)
        => new(CloudErrorCode.InvalidArgument, $"{Provider}: the content of '{key}' does not match the expected MD5; nothing was written.", Provider);

    private static async Task<int> FillAsync(Stream content, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        int filled = 0;
        while (filled < count)
        {
            int n = await content.ReadAsync(buffer.AsMemory(filled, count - filled), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            filled += n;
        }

        return filled;
    }

    private static string BlockId(ReadOnlySpan<byte> uploadId, int index)
    {
        // Fixed length (Azure requires every block ID of a blob to have the same length), unique per upload.
        Span<byte> id = stackalloc byte[20];
        uploadId.CopyTo(id);
        BinaryPrimitives.WriteInt32BigEndian(id[16..], index);
        return Convert.ToBase64String(id);
    }

    private NativeUploadOptions ToUploadOptions(BlobUploadOptions options, int partSize, byte[]? contentHash)
    {
        var native = new NativeUploadOptions
        {
            HttpHeaders = ToHttpHeaders(options, contentHash),
            Metadata = ToMetadata(options.Metadata),
            Conditions = ToConditions(options.Condition),
            TransferOptions = new StorageTransferOptions
            {
                InitialTransferSize = partSize,
                MaximumTransferSize = partSize,
                MaximumConcurrency = _maxConcurrency,
            },
        };

        return native;
    }

    private async Task<BlobWriteResult> UploadHashedAsync(string key, Stream content, BlobUploadOptions options, ReadOnlyMemory<byte>? expected, int partSize, CancellationToken cancellationToken)
    {
        byte[]? buffer = ArrayPool<byte>.Shared.Rent(partSize);
        int filled;
        try
        {
            filled = await FillAsync(content, buffer, partSize, cancellationToken).ConfigureAwait(false);
            if (filled < partSize)
            {
                // It fits in one block: handle it as bytes in memory.
                return await UploadAsync(key, new BinaryData(buffer.AsMemory(0, filled)), options, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        // Larger: stage blocks (several in flight, each owning its buffer) while hashing, and commit the block list only
        // when the MD5 matches. Uncommitted blocks are invisible and the service discards them.
        var blockBlob = _container.GetBlockBlobClient(key);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        byte[] uploadId = RandomNumberGenerator.GetBytes(16);
        var blockIds = new List<string>();
        int maxInFlight = _maxConcurrency ?? DefaultStagingConcurrency;
        var inFlight = new List<Task>(maxInFlight);
        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            while (filled > 0)
            {
                hash.AppendData(buffer!, 0, filled);
                string id = BlockId(uploadId, blockIds.Count);
                blockIds.Add(id);
                inFlight.Add(StageAsync(blockBlob, id, buffer!, filled, failFast.Token));
                buffer = null; // owned by the staging task now
                if (inFlight.Count >= maxInFlight)
                {
                    var done = await Task.WhenAny(inFlight).ConfigureAwait(false);
                    inFlight.Remove(done);
                    await done.ConfigureAwait(false);
                }

                buffer = ArrayPool<byte>.Shared.Rent(partSize);
                filled = await FillAsync(content, buffer, partSize, cancellationToken).ConfigureAwait(false);
            }

            await Task.WhenAll(inFlight).ConfigureAwait(false);
            inFlight.Clear();
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            if (inFlight.Count > 0)
            {
                // Failed or cancelled: stop the other transfers and wait for them, so no buffer is used after return.
                await failFast.CancelAsync().ConfigureAwait(false);
                try
                {
                    await Task.WhenAll(inFlight).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // The first failure is already propagating.
                }
            }
        }

        byte[] md5 = hash.GetHashAndReset();
        if (expected is { } wanted && !wanted.Span.SequenceEqual(md5))
        {
            throw Md5Mismatch(key);
        }

        var commit = new CommitBlockListOptions
        {
            HttpHeaders = ToHttpHeaders(options, md5),
            Metadata = ToMetadata(options.Metadata),
            Conditions = ToConditions(options.Condition),
        };
        try
        {
            var response = await blockBlob.CommitBlockListAsync(blockIds, commit, cancellationToken).ConfigureAwait(false);
            return new BlobWriteResult(response.Value.ETag.AsQuoted(), response.Value.LastModified);
        }
        catch (RequestFailedException e) when (ConditionFailure(e, options.Condition, key, isCopy: false) is { } failure)
        {
            throw failure;
        }
    }

    private static async Task StageAsync(BlockBlobClient blockBlob, string id, byte[] buffer, int count, CancellationToken cancellationToken)
    {
        try
        {
            using var block = new MemoryStream(buffer, 0, count, writable: false);
            await blockBlob.StageBlockAsync(id, block, options: null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<UserDelegationKey> GetDelegationKeyAsync(BlobServiceClient service, DateTimeOffset sasExpiresOn, CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _delegationKey);
        if (current is not null && current.SignedExpiresOn >= sasExpiresOn)
        {
            return current;
        }

        await _keyGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            current = _delegationKey;
            if (current is not null && current.SignedExpiresOn >= sasExpiresOn)
            {
                return current;
            }

            // A user delegation key may live up to 7 days: take the longest so one key serves many URLs.
            var now = _time.GetUtcNow();
            var expiresOn = now + TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1);
            if (expiresOn < sasExpiresOn)
            {
                expiresOn = sasExpiresOn;
            }

            var response = await service.GetUserDelegationKeyAsync(now - ClockSkew, expiresOn, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _delegationKey, response.Value);
            return response.Value;
        }
        finally
        {
            _keyGate.Release();
        }
    }
}

/// <summary>ETag formatting: Azure returns ETags quoted in headers and unquoted in listings; Polycloud always hands out the quoted form.</summary>
internal static class AzureETagExtensions
{
    public static string AsQuoted(this ETag etag)
    {
        string value = etag.ToString();
        return value.Length > 0 && value[0] != '"' && !value.StartsWith("W/", StringComparison.Ordinal) ? "\"" + value + "\"" : value;
    }
}
