using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using Polycloud;
using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;
using Polycloud.Drivers;

#pragma warning disable CA5351 // MD5 is the content checksum blob services use (Content-MD5), not a security primitive.

namespace Acme.Polycloud.Latency;

/// <summary>
/// Blobs in process memory behind an injected delay: every call waits <see cref="LatencySettings.Delay"/> on the
/// given <see cref="TimeProvider"/> before it touches the store, so that an application can be tried against a slow
/// store without a network. Opened as <c>latency://name?delayMs=20</c>; every driver instance is its own store.
/// </summary>
public sealed class LatencyBlobDriver : IBlobDriver
{
    private static readonly BlobCapabilities LatencyCapabilities = new() { SignedUrls = false, ConditionalWrites = true, ContentMD5 = true };
    private readonly object _gate = new();
    private readonly SortedList<string, Entry> _blobs = new(StringComparer.Ordinal);
    private readonly TimeSpan _delay;
    private readonly TimeProvider _time;
    private long _version;

    /// <summary>Creates an empty store.</summary>
    /// <param name="name">The bucket name.</param>
    /// <param name="delay">The time each call waits first; <see cref="TimeSpan.Zero"/> for none.</param>
    /// <param name="timeProvider">The clock the delay and the last-modified times come from; default: the system clock.</param>
    public LatencyBlobDriver(string name, TimeSpan delay, TimeProvider? timeProvider = null)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw CloudException.InvalidArgument(nameof(name), "a bucket name is required.");
        }

        if (delay < TimeSpan.Zero)
        {
            throw CloudException.InvalidArgument(nameof(delay), $"the delay must be zero or more, not {delay}.");
        }

        BucketName = name;
        _delay = delay;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public string ProviderName => "latency";

    /// <inheritdoc/>
    public string BucketName { get; }

    /// <inheritdoc/>
    public BlobCapabilities Capabilities => LatencyCapabilities;

    /// <inheritdoc/>
    public async Task<BlobWriteResult> UploadAsync(string key, Stream content, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await WaitAsync(cancellationToken).ConfigureAwait(false);

        // Read everything first: a cancelled or failed read leaves nothing behind (writes are atomic).
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Commit(key, buffer.ToArray(), options, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<BlobWriteResult> UploadAsync(string key, BinaryData content, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        await WaitAsync(cancellationToken).ConfigureAwait(false);
        return Commit(key, content.ToArray(), options, cancellationToken);
    }

    /// <inheritdoc/>
    public async Task<BlobDownload> OpenReadAsync(string key, BlobRange range, CancellationToken cancellationToken)
    {
        await WaitAsync(cancellationToken).ConfigureAwait(false);
        var e = Get(key);
        long size = e.Data.Length;
        long offset = Math.Min(range.Offset, size);
        long length = Math.Min(range.Length ?? long.MaxValue, size - offset);

        // The store hands out the whole content; the bounded stream gives the caller exactly the range it asked for.
        var stream = new BoundedReadStream(new MemoryStream(e.Data, writable: false), length, skip: offset);
        return new BlobDownload(stream, length, size, e.ETag, e.ContentType, e.LastModified);
    }

    /// <inheritdoc/>
    public async Task<BlobProperties> GetPropertiesAsync(string key, CancellationToken cancellationToken)
    {
        await WaitAsync(cancellationToken).ConfigureAwait(false);
        return Get(key).ToProperties(key);
    }

    /// <inheritdoc/>
    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        await WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            return _blobs.ContainsKey(key);
        }
    }

    /// <inheritdoc/>
    public async Task<BlobPage> ListPageAsync(string prefix, string? delimiter, int pageSize, string? continuationToken, CancellationToken cancellationToken)
    {
        await WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            return SortedKeyPager.Page(_blobs.Keys, prefix, delimiter, pageSize, continuationToken, key =>
            {
                var e = _blobs[key];
                return new BlobItem { Key = key, Size = e.Data.Length, ETag = e.ETag, LastModified = e.LastModified };
            });
        }
    }

    /// <inheritdoc/>
    public async Task<BlobWriteResult> CopyAsync(string sourceKey, string destinationKey, BlobCopyOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        await WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            var source = Get(sourceKey);
            CheckCondition(destinationKey, options.Condition);
            var copy = source with { ETag = NextETag(), LastModified = _time.GetUtcNow(), Metadata = new Dictionary<string, string>(source.Metadata) };
            _blobs[destinationKey] = copy;
            return new BlobWriteResult(copy.ETag, copy.LastModified);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync(string key, bool throwIfMissing, CancellationToken cancellationToken)
    {
        await WaitAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_blobs.Remove(key))
            {
                return true;
            }
        }

        return throwIfMissing ? throw NotFound(key) : false;
    }

    /// <inheritdoc/>
    public Task<Uri> GetSignedUrlAsync(string key, BlobSignedUrlOptions options, CancellationToken cancellationToken)
        => throw CloudException.NotSupported(ProviderName, "signed URLs", "The latency store lives in process memory and serves no HTTP.");

    /// <inheritdoc/>
    public CloudErrorCode ClassifyError(Exception exception)
        => CloudErrors.TryClassifyTransport(exception, out var code) ? code : CloudErrorCode.Unknown;

    /// <inheritdoc/>
    public bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class
    {
        value = this as T;
        return value is not null;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private Task WaitAsync(CancellationToken cancellationToken)
        => _delay == TimeSpan.Zero ? Task.CompletedTask : Task.Delay(_delay, _time, cancellationToken);

    private BlobWriteResult Commit(string key, byte[] data, BlobUploadOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        cancellationToken.ThrowIfCancellationRequested();
        byte[] md5 = MD5.HashData(data);
        if (options.ContentMD5 is { } expected && !expected.Span.SequenceEqual(md5))
        {
            throw new CloudException(CloudErrorCode.InvalidArgument, $"latency: the content of '{key}' does not match the expected MD5; nothing was written.", ProviderName);
        }

        lock (_gate)
        {
            CheckCondition(key, options.Condition);
            var entry = new Entry(
                data,
                NextETag(),
                _time.GetUtcNow(),
                options.ContentType ?? "application/octet-stream",
                options.CacheControl,
                options.ContentDisposition,
                options.ContentEncoding,
                options.ContentLanguage,
                md5,
                options.Metadata is null ? [] : new Dictionary<string, string>(options.Metadata));
            _blobs[key] = entry;
            return new BlobWriteResult(entry.ETag, entry.LastModified);
        }
    }

    private void CheckCondition(string key, BlobCondition condition)
    {
        switch (condition.Kind)
        {
            case BlobConditionKind.IfNotExists when _blobs.ContainsKey(key):
                throw new CloudException(CloudErrorCode.AlreadyExists, $"latency: '{key}' already exists in '{BucketName}'.", ProviderName);
            case BlobConditionKind.IfMatch when !_blobs.TryGetValue(key, out var current) || current.ETag != condition.ETag:
                throw new CloudException(CloudErrorCode.PreconditionFailed, $"latency: the ETag of '{key}' in '{BucketName}' does not match '{condition.ETag}'.", ProviderName);
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
        => new(CloudErrorCode.NotFound, $"latency: '{key}' does not exist in '{BucketName}'.", ProviderName);

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
