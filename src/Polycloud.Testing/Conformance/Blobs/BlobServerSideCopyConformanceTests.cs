using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;
using Polycloud.Blobs.Memory;
using Xunit;

namespace Polycloud.Testing.Conformance.Blobs;

/// <summary>
/// The conformance suite of <see cref="IBlobServerSideCopyDriver"/>: copies between two buckets of the same provider, and
/// from a signed URL where the driver supports it. Derive a class per driver and implement <see cref="CreateBucketAsync"/>
/// (called twice per test: the source and the destination, two fresh buckets reachable with the same credentials).
/// </summary>
public abstract class BlobServerSideCopyConformanceTests : IAsyncLifetime
{
    /// <summary>Per-test time limit, so a hung server fails the test instead of the run.</summary>
    protected const int TestTimeout = 180_000;

    private BlobBucket? _source;
    private BlobBucket? _destination;
    private BlobBucket? _foreign;

    /// <summary>The source bucket, fresh and empty for each test.</summary>
    protected BlobBucket Source => _source ?? throw new InvalidOperationException("The buckets are created in InitializeAsync.");

    /// <summary>The destination bucket, fresh and empty for each test.</summary>
    protected BlobBucket Destination => _destination ?? throw new InvalidOperationException("The buckets are created in InitializeAsync.");

    /// <summary>A bucket of another provider.</summary>
    protected BlobBucket Foreign => _foreign ?? throw new InvalidOperationException("The buckets are created in InitializeAsync.");

    /// <summary>The copy contract of the destination's driver.</summary>
    protected IBlobServerSideCopyDriver Copier => Destination.TryAs(out IBlobServerSideCopyDriver? driver)
        ? driver
        : throw new InvalidOperationException($"the driver of {Destination} does not implement {nameof(IBlobServerSideCopyDriver)}.");

    /// <summary>Cancellation for the current test.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Whether the driver copies from a URL (<see cref="IBlobServerSideCopyDriver.TryCopyFromUrlAsync"/> not null).</summary>
    protected virtual bool CopiesFromUrl => false;

    /// <summary>Creates a new, empty bucket; called twice per test.</summary>
    /// <returns>The bucket.</returns>
    protected abstract Task<BlobBucket> CreateBucketAsync();

    /// <summary>Creates a bucket of another provider (default: a memory bucket).</summary>
    /// <returns>The bucket.</returns>
    protected virtual Task<BlobBucket> CreateForeignBucketAsync() => Task.FromResult(new BlobBucket(new MemoryBlobDriver("foreign")));

    /// <summary>Returns a URL of <paramref name="key"/> in <see cref="Source"/> that the destination's server can fetch
    /// (default: a signed GET URL from the source bucket, valid 10 minutes).</summary>
    /// <param name="key">The key.</param>
    /// <returns>The URL.</returns>
    protected virtual Task<Uri> SourceUrlAsync(string key)
        => Source.GetSignedUrlAsync(key, new BlobSignedUrlOptions { ExpiresIn = TimeSpan.FromMinutes(10) }, Ct);

    /// <summary>Returns why the server under test lacks <paramref name="gap"/>, or <see langword="null"/> when it has it.</summary>
    /// <param name="gap">The behaviour.</param>
    /// <returns>The reason, shown as the skip reason.</returns>
    protected virtual string? GapReason(BlobGap gap) => null;

    /// <inheritdoc/>
    public virtual async ValueTask InitializeAsync()
    {
        _source = await CreateBucketAsync();
        _destination = await CreateBucketAsync();
        _foreign = await CreateForeignBucketAsync();
    }

    /// <inheritdoc/>
    public virtual async ValueTask DisposeAsync()
    {
        foreach (var bucket in new[] { _source, _destination, _foreign })
        {
            if (bucket is not null)
            {
                await bucket.DisposeAsync();
            }
        }

        GC.SuppressFinalize(this);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task CopyAcrossBuckets_KeepsContentHeadersAndMetadata()
    {
        byte[] data = RandomBytes(200_000, 1);
        await Source.UploadAsync("dir/src.bin", data, new BlobUploadOptions
        {
            ContentType = "application/x-source",
            CacheControl = "max-age=5",
            ContentDisposition = "inline",
            ContentLanguage = "fr",
            Metadata = new Dictionary<string, string> { ["color"] = "blue", ["note"] = "ünïcode" },
        }, Ct);

        var result = await Copier.TryCopyFromAsync(SourceDriver, "dir/src.bin", "copied/dst.bin", new BlobUploadOptions(), Ct);
        Assert.NotNull(result);
        Assert.False(string.IsNullOrEmpty(result.ETag));

        Assert.Equal(data, (await Destination.ReadAllAsync("copied/dst.bin", default, Ct)).ToArray());
        var p = await Destination.GetPropertiesAsync("copied/dst.bin", Ct);
        Assert.Equal(result.ETag, p.ETag);
        Assert.Equal("application/x-source", p.ContentType);
        Assert.Equal("max-age=5", p.CacheControl);
        Assert.Equal("inline", p.ContentDisposition);
        Assert.Equal("fr", p.ContentLanguage);
        Assert.Equal("blue", p.Metadata["color"]);
        Assert.Equal("ünïcode", p.Metadata["note"]);

        // The source is unchanged and the copy is not an alias.
        await Source.UploadAsync("dir/src.bin", BinaryData.FromString("changed"), null, Ct);
        Assert.Equal(data, (await Destination.ReadAllAsync("copied/dst.bin", default, Ct)).ToArray());
        Assert.Equal(["copied/dst.bin"], await KeysAsync(Destination));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task CopyAcrossBuckets_OptionsOverrideHeadersAndMetadata()
    {
        await Source.UploadAsync("src", BinaryData.FromString("payload"), new BlobUploadOptions
        {
            ContentType = "text/plain",
            Metadata = new Dictionary<string, string> { ["color"] = "blue" },
        }, Ct);

        var result = await Copier.TryCopyFromAsync(SourceDriver, "src", "dst", new BlobUploadOptions
        {
            ContentType = "text/csv",
            Metadata = new Dictionary<string, string> { ["shape"] = "round" },
        }, Ct);
        Assert.NotNull(result);

        var p = await Destination.GetPropertiesAsync("dst", Ct);
        Assert.Equal("text/csv", p.ContentType);
        Assert.Equal("round", p.Metadata["shape"]);
        Assert.False(p.Metadata.ContainsKey("color"), "metadata given in the options replaces the source's");
        Assert.Equal("payload", (await Destination.ReadAllAsync("dst", default, Ct)).ToString());
    }

    [Fact(Timeout = TestTimeout)]
    public async Task CopyFromAnotherProvider_ReturnsNull()
    {
        await Foreign.UploadAsync("src", BinaryData.FromString("elsewhere"), null, Ct);
        Assert.True(Foreign.TryAs(out IBlobDriver? foreign));
        Assert.Null(await Copier.TryCopyFromAsync(foreign, "src", "dst", new BlobUploadOptions(), Ct));
        Assert.False(await Destination.ExistsAsync("dst", Ct));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task CopyAcrossBuckets_MissingSource_IsNotFound()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => Copier.TryCopyFromAsync(SourceDriver, "missing", "dst", new BlobUploadOptions(), Ct));
        Assert.Equal(CloudErrorCode.NotFound, Destination.GetErrorCode(ex));
        Assert.False(await Destination.ExistsAsync("dst", Ct));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task CopyFromUrl_SignedUrl_CopiesOrReturnsNull()
    {
        if (!CopiesFromUrl)
        {
            var none = await Copier.TryCopyFromUrlAsync(new Uri("http://127.0.0.1:9/any"), 1, "dst", new BlobUploadOptions(), Ct);
            Assert.Null(none);
            Assert.False(await Destination.ExistsAsync("dst", Ct));
            return;
        }

        SkipIfGap(BlobGap.CopyFromUrlNotServed);
        byte[] data = RandomBytes(300_000, 2);
        await Source.UploadAsync("url/src", data, null, Ct);
        var url = await SourceUrlAsync("url/src");
        var result = await Copier.TryCopyFromUrlAsync(url, data.Length, "url/dst", new BlobUploadOptions
        {
            ContentType = "application/x-from-url",
            Metadata = new Dictionary<string, string> { ["via"] = "url" },
        }, Ct);
        Assert.NotNull(result);
        Assert.Equal(data, (await Destination.ReadAllAsync("url/dst", default, Ct)).ToArray());
        var p = await Destination.GetPropertiesAsync("url/dst", Ct);
        Assert.Equal("application/x-from-url", p.ContentType);
        Assert.Equal("url", p.Metadata["via"]);
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>The driver of <see cref="Source"/>.</summary>
    protected IBlobDriver SourceDriver => Source.TryAs(out IBlobDriver? driver)
        ? driver
        : throw new InvalidOperationException($"the driver of {Source} does not expose itself through TryAs.");

    /// <summary>Skips the current test when the server under test lacks <paramref name="gap"/>.</summary>
    /// <param name="gap">The behaviour the test needs.</param>
    protected void SkipIfGap(BlobGap gap)
    {
        if (GapReason(gap) is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    /// <summary>Deterministic pseudo-random bytes.</summary>
    /// <param name="n">The count.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The bytes.</returns>
    protected static byte[] RandomBytes(int n, int seed)
    {
        byte[] b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    private static async Task<List<string>> KeysAsync(BlobBucket bucket)
    {
        var keys = new List<string>();
        await foreach (var item in bucket.ListAsync(null, Ct))
        {
            keys.Add(item.Key);
        }

        return keys;
    }
}
