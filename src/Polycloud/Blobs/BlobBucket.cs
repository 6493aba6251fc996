using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Polycloud.Blobs.Drivers;
using Polycloud.Diagnostics;

namespace Polycloud.Blobs;

/// <summary>
/// A bucket (S3), container (Azure), bucket (Google Cloud Storage), directory (file system) or in-memory store of blobs,
/// used the same way whatever the provider. Open one by URL with <see cref="PolycloudOpener.OpenBucket"/>, from
/// configuration with <c>services.AddPolycloud(configuration)</c>, or wrap a driver with the constructor.
/// </summary>
/// <remarks>
/// Every method validates its arguments before any network call, reports failures as <see cref="CloudException"/>
/// with a portable <see cref="CloudErrorCode"/> (the native exception inside), and emits one span and metrics under
/// <see cref="PolycloudDiagnostics.ActivitySourceName"/>. Instances are thread-safe; create one per bucket and share it.
/// </remarks>
public sealed partial class BlobBucket : IAsyncDisposable, IDisposable
{
    private const int DefaultPageSize = 1000;
    private readonly IBlobDriver _driver;
    private int _disposed;
    private readonly string _provider;
    private readonly string _name;

    /// <summary>Wraps a driver. The bucket owns it and disposes it.</summary>
    /// <param name="driver">The driver, for example <c>new S3BlobDriver(client, "my-bucket")</c>.</param>
    public BlobBucket(IBlobDriver driver)
    {
        _driver = driver ?? throw CloudException.InvalidArgument(nameof(driver), "a blob driver is required.");
        _provider = driver.ProviderName;
        _name = driver.BucketName;
    }

    /// <summary>The bucket or container name.</summary>
    public string Name => _name;

    /// <summary>The provider name, for example <c>memory</c>, <c>file</c>, <c>aws-s3</c>, <c>azure-blob</c>, <c>gcp-storage</c>.</summary>
    public string Provider => _provider;

    /// <summary>What the provider supports.</summary>
    public BlobCapabilities Capabilities => _driver.Capabilities;

    /// <summary>The driver, for operations built on the optional driver contracts (transfers).</summary>
    internal IBlobDriver Driver => _driver;

    /// <summary>Uploads a blob from a stream, without buffering it whole; large content is sent in parts or blocks.</summary>
    /// <param name="key">The key: 1 to 1024 UTF-8 bytes of printable text.</param>
    /// <param name="content">The content, read from its current position to its end. It is not disposed.</param>
    /// <param name="options">Content type, headers, metadata, condition, expected MD5.</param>
    /// <param name="cancellationToken">Cancels the upload; a cancelled upload leaves no blob behind.</param>
    /// <returns>The new ETag.</returns>
    /// <exception cref="CloudException">AlreadyExists or PreconditionFailed when the condition fails; InvalidArgument for bad input.</exception>
    public async Task<BlobWriteResult> UploadAsync(string key, Stream content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        if (content is null)
        {
            throw Invalid(nameof(content), "a content stream is required.");
        }

        if (!content.CanRead)
        {
            throw Invalid(nameof(content), "the content stream must be readable.");
        }

        options = PrepareUpload(options);
        var scope = OperationScope.Start("blob.upload", _provider, _name, key);
        try
        {
            var result = await _driver.UploadAsync(key, content, options, cancellationToken).ConfigureAwait(false);
            scope.Complete(bytesSent: content.CanSeek ? content.Length : -1);
            return result;
        }
        catch (Exception ex)
        {
            throw Fail(scope, ex, "upload", key, cancellationToken);
        }
    }

    /// <summary>Uploads a blob from bytes in memory.</summary>
    /// <param name="key">The key.</param>
    /// <param name="content">The content.</param>
    /// <param name="options">Content type, headers, metadata, condition, expected MD5.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The new ETag.</returns>
    public async Task<BlobWriteResult> UploadAsync(string key, BinaryData content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        if (content is null)
        {
            throw Invalid(nameof(content), "content is required; use BinaryData.Empty for an empty blob.");
        }

        options = PrepareUpload(options);
        var scope = OperationScope.Start("blob.upload", _provider, _name, key);
        try
        {
            var result = await _driver.UploadAsync(key, content, options, cancellationToken).ConfigureAwait(false);
            scope.Complete(bytesSent: content.Length);
            return result;
        }
        catch (Exception ex)
        {
            throw Fail(scope, ex, "upload", key, cancellationToken);
        }
    }

    /// <summary>Uploads a blob from a byte array.</summary>
    /// <param name="key">The key.</param>
    /// <param name="content">The content.</param>
    /// <param name="options">Content type, headers, metadata, condition, expected MD5.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The new ETag.</returns>
    public Task<BlobWriteResult> UploadAsync(string key, byte[] content, BlobUploadOptions? options = null, CancellationToken cancellationToken = default)
        => UploadAsync(key, content is null ? null! : new BinaryData(content), options, cancellationToken);

    /// <summary>Opens a read of the whole blob or of a byte range. Dispose the result.</summary>
    /// <param name="key">The key.</param>
    /// <param name="range">The range; default: the whole blob. A range that starts at or past the end reads nothing.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The content stream and the blob's properties.</returns>
    /// <exception cref="CloudException">NotFound when the blob does not exist.</exception>
    public async Task<BlobDownload> OpenReadAsync(string key, BlobRange range = default, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        ValidateRange(range);
        var scope = OperationScope.Start("blob.read", _provider, _name, key);
        try
        {
            BlobDownload download;
            if (range.Length == 0)
            {
                // Zero bytes wanted: confirm the blob exists, never ask a provider for an empty range.
                var p = await _driver.GetPropertiesAsync(key, cancellationToken).ConfigureAwait(false);
                download = new BlobDownload(Stream.Null, 0, p.Size, p.ETag, p.ContentType, p.LastModified);
            }
            else
            {
                download = await _driver.OpenReadAsync(key, range, cancellationToken).ConfigureAwait(false);
                if (download.ContentLength > 0)
                {
                    var raw = download;
                    download = new BlobDownload(
                        new CheckedDownloadStream(raw.Content, raw.ContentLength, ex => Map(ex, "read", key, cancellationToken), $"read of '{key}' in '{_name}'", _provider),
                        raw.ContentLength,
                        raw.Size,
                        raw.ETag,
                        raw.ContentType,
                        raw.LastModified);
                }
            }

            scope.Complete(bytesReceived: download.ContentLength);
            return download;
        }
        catch (Exception ex)
        {
            throw Fail(scope, ex, "read", key, cancellationToken);
        }
    }

    /// <summary>Reads a whole blob (or a range) into memory. For large blobs prefer <see cref="OpenReadAsync"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="range">The range; default: the whole blob.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The bytes.</returns>
    public async Task<BinaryData> ReadAllAsync(string key, BlobRange range = default, CancellationToken cancellationToken = default)
    {
        await using var download = await OpenReadAsync(key, range, cancellationToken).ConfigureAwait(false);
        if (download.ContentLength == 0)
        {
            return BinaryData.Empty;
        }

        if (download.ContentLength > Array.MaxLength)
        {
            throw Invalid(nameof(key), $"the blob is {download.ContentLength} bytes, too large to read into one array; use OpenReadAsync.");
        }

        var buffer = new byte[download.ContentLength];
        try
        {
            await download.Content.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException ex)
        {
            throw new CloudException(CloudErrorCode.Unavailable, $"{_provider}: the read of '{key}' in '{_name}' ended before {download.ContentLength} bytes arrived.", _provider, ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not CloudException)
        {
            throw Map(ex, "read", key, cancellationToken);
        }

        return new BinaryData(buffer);
    }

    /// <summary>Downloads a blob (or a range) into a stream.</summary>
    /// <param name="key">The key.</param>
    /// <param name="destination">Where the bytes go. It is not disposed.</param>
    /// <param name="range">The range; default: the whole blob.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The number of bytes written.</returns>
    public async Task<long> DownloadToAsync(string key, Stream destination, BlobRange range = default, CancellationToken cancellationToken = default)
    {
        if (destination is null || !destination.CanWrite)
        {
            throw Invalid(nameof(destination), "a writable destination stream is required.");
        }

        await using var download = await OpenReadAsync(key, range, cancellationToken).ConfigureAwait(false);
        try
        {
            await download.Content.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not CloudException and not IOException)
        {
            throw Map(ex, "read", key, cancellationToken);
        }

        return download.ContentLength;
    }

    /// <summary>
    /// Downloads a blob into a file. The file appears complete or not at all: the bytes go to a temporary file next to
    /// it, which is renamed over the destination at the end.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="path">The destination file path; its directory must exist.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The number of bytes written.</returns>
    public async Task<long> DownloadToFileAsync(string key, string path, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (string.IsNullOrEmpty(path))
        {
            throw Invalid(nameof(path), "a destination file path is required.");
        }

        string full = System.IO.Path.GetFullPath(path);
        if (System.IO.Path.GetDirectoryName(full) is { } directory && !Directory.Exists(directory))
        {
            throw Invalid(nameof(path), $"the directory '{directory}' of the destination file does not exist; create it first.");
        }

        if (Directory.Exists(full))
        {
            throw Invalid(nameof(path), $"'{full}' is a directory; give the path of a file.");
        }
        string temp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".partial";
        try
        {
            long n;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                n = await DownloadToAsync(key, file, default, cancellationToken).ConfigureAwait(false);
                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            File.Move(temp, full, overwrite: true);
            return n;
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
                // Best effort: the partial file never replaces the destination.
            }

            throw;
        }
    }

    /// <summary>Reads a blob's properties and metadata.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The properties.</returns>
    /// <exception cref="CloudException">NotFound when the blob does not exist.</exception>
    public async Task<BlobProperties> GetPropertiesAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        var scope = OperationScope.Start("blob.properties", _provider, _name, key);
        try
        {
            var result = await _driver.GetPropertiesAsync(key, cancellationToken).ConfigureAwait(false);
            scope.Complete();
            return result;
        }
        catch (Exception ex)
        {
            throw Fail(scope, ex, "get properties of", key, cancellationToken);
        }
    }

    /// <summary>Tells whether a blob exists.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns><see langword="true"/> when it exists.</returns>
    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        var scope = OperationScope.Start("blob.exists", _provider, _name, key);
        try
        {
            bool result = await _driver.ExistsAsync(key, cancellationToken).ConfigureAwait(false);
            scope.Complete();
            return result;
        }
        catch (Exception ex)
        {
            throw Fail(scope, ex, "check existence of", key, cancellationToken);
        }
    }

    /// <summary>Lists blobs in ascending key order, fetching pages as the enumeration goes.</summary>
    /// <param name="options">Prefix, delimiter and page size.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The items.</returns>
    public async IAsyncEnumerable<BlobItem> ListAsync(BlobListOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        options ??= BlobListOptions.Default;
        string? token = null;
        do
        {
            var page = await ListPageAsync(options, token, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                yield return item;
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }

    /// <summary>Lists one page. Pass the returned token to get the next page; a <see langword="null"/> token means the end.</summary>
    /// <param name="options">Prefix, delimiter and page size.</param>
    /// <param name="continuationToken">The token from the previous page, or <see langword="null"/> for the first page.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The page.</returns>
    public async Task<BlobPage> ListPageAsync(BlobListOptions? options = null, string? continuationToken = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        options ??= BlobListOptions.Default;
        string prefix = options.Prefix ?? string.Empty;
        if (prefix.Length > 0)
        {
            foreach (char c in prefix)
            {
                if (c < 0x20 || c == 0x7F)
                {
                    throw Invalid("options.Prefix", "the prefix contains a control character; keys never do.");
                }
            }
        }

        if (options.Delimiter is { Length: 0 })
        {
            throw Invalid("options.Delimiter", "the delimiter must not be empty; use null for a flat listing.");
        }

        int pageSize = options.PageSize ?? DefaultPageSize;
        if (pageSize is < 1 or > 1000)
        {
            throw Invalid("options.PageSize", $"the page size must be from 1 to 1000, not {pageSize}.");
        }

        if (continuationToken is { Length: 0 })
        {
            throw Invalid(nameof(continuationToken), "the continuation token must not be empty; pass null for the first page.");
        }

        var scope = OperationScope.Start("blob.list", _provider, _name, prefix);
        try
        {
            var page = await _driver.ListPageAsync(prefix, options.Delimiter, pageSize, continuationToken, cancellationToken).ConfigureAwait(false);
            scope.Complete();
            return page;
        }
        catch (Exception ex)
        {
            throw Fail(scope, ex, "list", prefix, cancellationToken);
        }
    }

    /// <summary>Copies a blob inside this bucket, server-side, with its content type, headers and metadata.</summary>
    /// <param name="sourceKey">The key to copy.</param>
    /// <param name="destinationKey">The new key.</param>
    /// <param name="options">A condition on the destination.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The destination's ETag.</returns>
    /// <exception cref="CloudException">NotFound when the source does not exist.</exception>
    public async Task<BlobWriteResult> CopyAsync(string sourceKey, string destinationKey, BlobCopyOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateKey(sourceKey, nameof(sourceKey));
        ValidateKey(destinationKey, nameof(destinationKey));
        var scope = OperationScope.Start("blob.copy", _provider, _name, destinationKey);
        try
        {
            var result = await _driver.CopyAsync(sourceKey, destinationKey, options ?? BlobCopyOptions.Default, cancellationToken).ConfigureAwait(false);
            scope.Complete();
            return result;
        }
        catch (Exception ex)
        {
            throw Fail(scope, ex, "copy to", destinationKey, cancellationToken);
        }
    }

    /// <summary>Deletes a blob.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the blob is gone.</returns>
    /// <exception cref="CloudException">NotFound when the blob does not exist.</exception>
    public async Task DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        var scope = OperationScope.Start("blob.delete", _provider, _name, key);
        try
        {
            await _driver.DeleteAsync(key, throwIfMissing: true, cancellationToken).ConfigureAwait(false);
            scope.Complete();
        }
        catch (Exception ex)
        {
            throw Fail(scope, ex, "delete", key, cancellationToken);
        }
    }

    /// <summary>Deletes a blob if it exists.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns><see langword="true"/> when a blob was deleted, <see langword="false"/> when there was none.</returns>
    public async Task<bool> DeleteIfExistsAsync(string key, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        var scope = OperationScope.Start("blob.delete", _provider, _name, key);
        try
        {
            bool deleted = await _driver.DeleteAsync(key, throwIfMissing: false, cancellationToken).ConfigureAwait(false);
            scope.Complete();
            return deleted;
        }
        catch (Exception ex)
        {
            throw Fail(scope, ex, "delete", key, cancellationToken);
        }
    }

    /// <summary>
    /// Creates a URL that lets anyone holding it GET or PUT this blob until it expires, with a plain HTTP client.
    /// Providers without signing (memory, file system) throw NotSupported; see <see cref="BlobCapabilities.SignedUrls"/>.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="options">Method, expiry and, for PUT, the content type.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The signed URL.</returns>
    public async Task<Uri> GetSignedUrlAsync(string key, BlobSignedUrlOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateKey(key);
        options ??= new BlobSignedUrlOptions();
        if (options.ExpiresIn <= TimeSpan.Zero || options.ExpiresIn > TimeSpan.FromDays(7))
        {
            throw Invalid("options.ExpiresIn", $"a signed URL must expire after more than zero and at most 7 days, not {options.ExpiresIn}.");
        }

        if (options.Method is not SignedUrlMethod.Get and not SignedUrlMethod.Put)
        {
            throw Invalid("options.Method", $"'{options.Method}' is not a signed URL method; use Get or Put.");
        }

        if (!_driver.Capabilities.SignedUrls)
        {
            throw CloudException.NotSupported(_provider, "signed URLs", "Serve the blob through your application, or use a cloud provider.");
        }

        var scope = OperationScope.Start("blob.sign", _provider, _name, key);
        try
        {
            var result = await _driver.GetSignedUrlAsync(key, options, cancellationToken).ConfigureAwait(false);
            scope.Complete();
            return result;
        }
        catch (Exception ex)
        {
            throw Fail(scope, ex, "sign a URL for", key, cancellationToken);
        }
    }

    /// <summary>
    /// The escape hatch: gets the provider's native client (for example <c>Amazon.S3.IAmazonS3</c>,
    /// <c>Azure.Storage.Blobs.BlobContainerClient</c>, <c>Google.Cloud.Storage.V1.StorageClient</c>) for what is not
    /// portable. Code that uses it is tied to that provider; the Polycloud analyzers report it.
    /// </summary>
    /// <typeparam name="T">The native type.</typeparam>
    /// <param name="value">The native object.</param>
    /// <returns><see langword="true"/> when the provider has an object of that type.</returns>
    public bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class
        => _driver.TryAs(out value);

    /// <summary>The escape hatch, failing when the provider has no object of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The native type.</typeparam>
    /// <returns>The native object.</returns>
    /// <exception cref="CloudException">NotSupported when the provider has no such object.</exception>
    public T As<T>()
        where T : class
        => _driver.TryAs(out T? value)
            ? value
            : throw CloudException.NotSupported(_provider, $"the native type {typeof(T).FullName}");

    /// <summary>Maps a native exception from this bucket's provider to a <see cref="CloudException"/>, as the bucket does.</summary>
    /// <param name="exception">The exception.</param>
    /// <returns>The portable error code.</returns>
    public CloudErrorCode GetErrorCode(Exception exception) => PortableErrors.Code(exception, _driver.ClassifyError);

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => Interlocked.Exchange(ref _disposed, 1) == 0 ? _driver.DisposeAsync() : ValueTask.CompletedTask;

    /// <inheritdoc/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <inheritdoc/>
    public override string ToString() => $"{_provider}:{_name}";

    private CloudException Invalid(string argumentName, string rule) => CloudException.InvalidArgument(argumentName, rule, _provider);

    private void ThrowIfDisposed()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            throw new CloudException(
                CloudErrorCode.PreconditionFailed,
                $"{_provider}: the bucket '{_name}' was disposed; open it again to use it.",
                _provider,
                new ObjectDisposedException(ToString()));
        }
    }

    private void ValidateKey(string key, string argumentName = "key")
    {
        ThrowIfDisposed();
        try
        {
            BlobKeyRules.ValidateKey(key, argumentName);
        }
        catch (CloudException ex) when (ex.Provider is null)
        {
            throw CloudException.InvalidArgument(argumentName, ex.Message[(ex.Message.IndexOf(": ", StringComparison.Ordinal) + 2)..], _provider);
        }
    }

    private void ValidateRange(BlobRange range)
    {
        if (range.Offset < 0)
        {
            throw Invalid("range.Offset", $"the offset must not be negative, not {range.Offset}.");
        }

        if (range.Length < 0)
        {
            throw Invalid("range.Length", $"the length must not be negative, not {range.Length}; use null to read to the end.");
        }
    }

    private BlobUploadOptions PrepareUpload(BlobUploadOptions? options)
    {
        if (options is null)
        {
            return BlobUploadOptions.Default;
        }

        if (options.ContentMD5 is { Length: not 16 } md5)
        {
            throw Invalid("options.ContentMD5", $"an MD5 is 16 bytes, not {md5.Length}.");
        }

        if (options.PartSize is < 5 * 1024 * 1024 or > 2000 * 1024 * 1024)
        {
            throw Invalid("options.PartSize", $"the part size must be from 5 MiB to 2000 MiB, not {options.PartSize} bytes.");
        }

        if (options.Condition.Kind is BlobConditionKind.IfMatch && string.IsNullOrEmpty(options.Condition.ETag))
        {
            throw Invalid("options.Condition", "an if-match condition needs an ETag.");
        }

        if (options.Metadata is null || options.Metadata.Count == 0)
        {
            return options;
        }

        var metadata = BlobKeyRules.NormalizeMetadata(options.Metadata);
        return new BlobUploadOptions
        {
            ContentType = options.ContentType,
            CacheControl = options.CacheControl,
            ContentDisposition = options.ContentDisposition,
            ContentEncoding = options.ContentEncoding,
            ContentLanguage = options.ContentLanguage,
            Metadata = metadata,
            Condition = options.Condition,
            ContentMD5 = options.ContentMD5,
            PartSize = options.PartSize,
        };
    }

    /// <summary>
    /// Records a failed operation and gives the exception to throw: the portable one, or — when the exception already is
    /// portable or a cancellation — the original, rethrown here with its stack trace.
    /// </summary>
    private Exception Fail(in OperationScope scope, Exception ex, string operation, string key, CancellationToken cancellationToken)
        => PortableErrors.Fail(scope, ex, Map(ex, operation, key, cancellationToken));

    private Exception Map(Exception ex, string operation, string key, CancellationToken cancellationToken)
        => PortableErrors.Map(ex, _provider, $"{operation} '{key}' in '{_name}'", _driver.ClassifyError, null, cancellationToken);
}
