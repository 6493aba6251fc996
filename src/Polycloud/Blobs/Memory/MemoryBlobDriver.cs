using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using Polycloud.Blobs.Drivers;
using Polycloud.Drivers;

#pragma warning disable CA5351 // MD5 is the content checksum blob services use (Content-MD5), not a security primitive.

namespace Polycloud.Blobs.Memory;

/// <summary>
/// Blobs in process memory: fast, isolated, gone when the process ends. For tests and samples.
/// Opened as <c>mem://name</c>; every driver instance is its own store.
/// </summary>
public sealed partial class MemoryBlobDriver : IBlobDriver, IBlobMultipartDriver, IBlobServerSideCopyDriver, Polycloud.Drivers.IResourceLocationProvider
{
    private static readonly BlobCapabilities MemoryCapabilities = new() { SignedUrls = false, ConditionalWrites = true, ContentMD5 = true };
    private readonly object _gate = new();
    private readonly SortedList<string, Entry> _blobs = new(StringComparer.Ordinal);
    private long _version;

    /// <summary>Creates an empty in-memory bucket.</summary>
    /// <param name="name">The bucket name.</param>
    public MemoryBlobDriver(string name = "memory")
    {
        BucketName = name;
    }

    /// <summary>The clock that stamps <c>LastModified</c>; default <see cref="TimeProvider.System"/> (opened by URL:
    /// the <see cref="System.TimeProvider"/> registered in dependency injection, if any).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <inheritdoc/>
    public string ProviderName => "memory";

    /// <inheritdoc/>
    public string BucketName { get; }

    /// <inheritdoc/>
    public BlobCapabilities Capabilities => MemoryCapabilities;

    /// <inheritdoc/>
    public async Task<BlobWriteResult> UploadAsync(string key, Stream content, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        using var buffer = content.CanSeek ? new MemoryStream((int)Math.Min(Math.Max(content.Length - content.Position, 0), Array.MaxLength)) : new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Commit(key, buffer.ToArray(), options, cancellationToken);
    }

    /// <inheritdoc/>
    public Task<BlobWriteResult> UploadAsync(string key, BinaryData content, BlobUploadOptions options, CancellationToken cancellationToken)
        => Task.FromResult(Commit(key, content.ToArray(), options, cancellationToken));

    /// <inheritdoc/>
    public Task<BlobDownload> OpenReadAsync(string key, BlobRange range, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var e = Get(key);
        long size = e.Data.Length;
        long offset = Math.Min(range.Offset, size);
        long length = Math.Min(range.Length ?? long.MaxValue, size - offset);
        var stream = new MemoryStream(e.Data, (int)offset, (int)length, writable: false);
        return Task.FromResult(new BlobDownload(stream, length, size, e.ETag, e.ContentType, e.LastModified));
    }

    /// <inheritdoc/>
    public Task<BlobProperties> GetPropertiesAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Get(key).ToProperties(key));
    }

    /// <inheritdoc/>
    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return Task.FromResult(_blobs.ContainsKey(key));
        }
    }

    /// <inheritdoc/>
    public Task<BlobPage> ListPageAsync(string prefix, string? delimiter, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var page = SortedKeyPager.Page(_blobs.Keys, prefix, delimiter, pageSize, continuationToken, key =>
            {
                var e = _blobs[key];
                return new BlobItem { Key = key, Size = e.Data.Length, ETag = e.ETag, LastModified = e.LastModified, ContentMD5 = e.Md5 };
            });
            return Task.FromResult(page);
        }
    }

    /// <inheritdoc/>
    public Task<BlobWriteResult> CopyAsync(string sourceKey, string destinationKey, BlobCopyOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var source = Get(sourceKey);
            CheckCondition(destinationKey, options.Condition);
            var copy = source with { ETag = NextETag(), LastModified = TimeProvider.GetUtcNow(), Metadata = new Dictionary<string, string>(source.Metadata) };
            _blobs[destinationKey] = copy;
            return Task.FromResult(new BlobWriteResult(copy.ETag, copy.LastModified));
        }
    }

    /// <inheritdoc/>
    public Task<bool> DeleteAsync(string key, bool throwIfMissing, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_blobs.Remove(key))
            {
                return Task.FromResult(true);
            }
        }

        return throwIfMissing ? throw NotFound(key) : Task.FromResult(false);
    }

    /// <inheritdoc/>
    public Task<Uri> GetSignedUrlAsync(string key, BlobSignedUrlOptions options, CancellationToken cancellationToken)
        => throw CloudException.NotSupported(ProviderName, "signed URLs");

    /// <inheritdoc/>
    public CloudErrorCode ClassifyError(Exception exception) => CloudErrorCode.Unknown;

    /// <inheritdoc/>
    public bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class
    {
        value = this as T;
        return value is not null;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private BlobWriteResult Commit(string key, byte[] data, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        byte[] md5 = MD5.HashData(data);
        if (options.ContentMD5 is { } expected && !expected.Span.SequenceEqual(md5))
        {
            throw new CloudException(CloudErrorCode.InvalidArgument, $"memory: the content of '{key}' does not match the expected MD5; nothing was written.", ProviderName);
        }

        lock (_gate)
        {
            CheckCondition(key, options.Condition);
            var entry = new Entry(
                data,
                NextETag(),
                TimeProvider.GetUtcNow(),
                options.ContentType ?? "application/octet-stream",
                options.CacheControl,
                options.ContentDisposition,
                options.ContentEncoding,
                options.ContentLanguage,
                md5,
                options.Metadata is null ? new Dictionary<string, string>() : new Dictionary<string, string>(options.Metadata));
            _blobs[key] = entry;
            return new BlobWriteResult(entry.ETag, entry.LastModified);
        }
    }

    private void CheckCondition(string key, BlobCondition condition)
    {
        switch (condition.Kind)
        {
            case BlobConditionKind.IfNotExists when _blobs.ContainsKey(key):
                throw new CloudException(CloudErrorCode.AlreadyExists, $"memory: '{key}' already exists in '{BucketName}'.", ProviderName);
            case BlobConditionKind.IfMatch when !_blobs.TryGetValue(key, out var current) || current.ETag != condition.ETag:
                throw new CloudException(CloudErrorCode.PreconditionFailed, $"memory: the ETag of '{key}' in '{BucketName}' does not match '{condition.ETag}'.", ProviderName);
        }
    }

    private Entry Get(string key)
    {
        lock (_gate)
        {
            return _blobs.TryGetValue(key, out var e) ? e : throw NotFound(key);
        }
    }

    private CloudException NotFound(string key)
        => new(CloudErrorCode.NotFound, $"memory: '{key}' does not exist in '{BucketName}'.", ProviderName);

    private string NextETag() => "\"" + Interlocked.Increment(ref _version).ToString(CultureInfo.InvariantCulture) + "\"";

    private sealed record Entry(
        byte[] Data,
        string ETag,
        DateTimeOffset LastModified,
        string ContentType,
        string? CacheControl,
        string? ContentDisposition,
        string? ContentEncoding,
        string? ContentLanguage,
        byte[] Md5,
        Dictionary<string, string> Metadata)
    {
        public BlobProperties ToProperties(string key) => new()
        {
            Key = key,
            Size = Data.Length,
            ETag = ETag,
            LastModified = LastModified,
            ContentType = ContentType,
            CacheControl = CacheControl,
            ContentDisposition = ContentDisposition,
            ContentEncoding = ContentEncoding,
            ContentLanguage = ContentLanguage,
            ContentMD5 = Md5,
            Metadata = new Dictionary<string, string>(Metadata),
        };
    }
}

/// <summary>Opens <c>mem://name</c> buckets. Each open creates a new, empty store.</summary>
public sealed class MemoryBlobDriverFactory : IBlobDriverFactory
{
    private static readonly string[] SchemeList = ["mem"];

    /// <inheritdoc/>
    public IReadOnlyList<string> Schemes => SchemeList;

    /// <inheritdoc/>
    public IBlobDriver Create(CloudUrl url, IServiceProvider? services)
    {
        ArgumentNullException.ThrowIfNull(url);
        url.ThrowIfUnknownSettings("memory");
        return new MemoryBlobDriver(url.Host.Length == 0 ? "memory" : url.Host) { TimeProvider = services?.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System };
    }
}
