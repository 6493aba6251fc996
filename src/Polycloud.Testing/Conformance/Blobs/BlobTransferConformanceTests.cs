using System.Security.Cryptography;
using System.Text;
using Polycloud.Blobs;
using Polycloud.Blobs.Memory;
using Polycloud.Blobs.Transfer;
using Xunit;

namespace Polycloud.Testing.Conformance.Blobs;

/// <summary>
/// The transfer suite: copies, syncs and migrates between a memory bucket and the bucket under test, both ways, and
/// checks what arrived byte for byte, with its headers and metadata. It proves the transfer engine on a driver whatever
/// optional contracts the driver implements (multipart, server-side copy): without them it streams through the
/// driver's own upload. Derive a class per driver and implement <see cref="CreateBucketAsync"/>.
/// </summary>
public abstract class BlobTransferConformanceTests : IAsyncLifetime
{
    private BlobBucket? _bucket;

    /// <summary>The bucket under test, fresh and empty for each test.</summary>
    protected BlobBucket Bucket => _bucket ?? throw new InvalidOperationException("The bucket is created in InitializeAsync.");

    /// <summary>Cancellation for the current test.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The size of the large object of the suite: larger than the driver's part size, so the driver's upload
    /// goes in parts. Default: 6 MiB + 5 bytes.</summary>
    protected virtual int LargeObjectSize => (6 * 1024 * 1024) + 5;

    /// <summary>The transfer part size used against this driver. Default: 5 MiB (the S3 minimum).</summary>
    protected virtual int PartSize => 5 * 1024 * 1024;

    /// <summary>Creates a new, empty bucket for one test.</summary>
    /// <returns>The bucket.</returns>
    protected abstract Task<BlobBucket> CreateBucketAsync();

    /// <inheritdoc/>
    public virtual async ValueTask InitializeAsync() => _bucket = await CreateBucketAsync();

    /// <inheritdoc/>
    public virtual async ValueTask DisposeAsync()
    {
        if (_bucket is not null)
        {
            await _bucket.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    private static BlobUploadOptions Headers(string owner) => new()
    {
        ContentType = "text/plain; charset=utf-8",
        CacheControl = "max-age=30",
        ContentDisposition = "inline",
        ContentLanguage = "de",
        Metadata = new Dictionary<string, string> { ["owner"] = owner, ["run_id"] = "7" },
    };

    private static async Task<List<string>> KeysAsync(BlobBucket bucket, string prefix = "")
    {
        var keys = new List<string>();
        await foreach (var item in bucket.ListAsync(new BlobListOptions { Prefix = prefix.Length == 0 ? null : prefix }, Ct))
        {
            keys.Add(item.Key);
        }

        return keys;
    }

    [Fact]
    public async Task Sync_FromMemory_CopiesVerifiedWithMetadata_AndASecondSyncCopiesNothing()
    {
        await using var source = new BlobBucket(new MemoryBlobDriver("transfer-source"));
        byte[] large = RandomNumberGenerator.GetBytes(LargeObjectSize);
        await source.UploadAsync("in/small.txt", BinaryData.FromString("klein"), Headers("jürgen"), Ct);
        await source.UploadAsync("in/with space/ü+%.txt", BinaryData.FromString("odd"), null, Ct);
        await source.UploadAsync("in/empty", BinaryData.FromBytes([]), null, Ct);
        await source.UploadAsync("in/large.bin", large, new BlobUploadOptions { ContentType = "application/octet-stream" }, Ct);
        await Bucket.UploadAsync("out/extra", BinaryData.FromString("x"), null, Ct);
        await Bucket.UploadAsync("elsewhere", BinaryData.FromString("kept"), null, Ct);
        var options = new BlobTransferOptions { Mode = BlobTransferMode.Sync, PartSize = PartSize };

        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source, "in/"), new BlobEndpoint(Bucket, "out/"), options, Ct);
        var result = await BlobTransfer.ApplyAsync(plan, null, Ct);
        var again = await BlobTransfer.PlanAsync(new BlobEndpoint(source, "in/"), new BlobEndpoint(Bucket, "out/"), options, Ct);

        Assert.True(result.Succeeded, string.Join("; ", result.Failed.Select(f => f + " " + f.Exception)));
        Assert.Equal((4, 4, 1), (result.Created, result.Verified, result.Deleted));
        Assert.Equal(["out/empty", "out/large.bin", "out/small.txt", "out/with space/ü+%.txt"], await KeysAsync(Bucket, "out/"));
        Assert.True(await Bucket.ExistsAsync("elsewhere", Ct));
        Assert.Equal(large, (await Bucket.ReadAllAsync("out/large.bin", default, Ct)).ToArray());
        Assert.Equal("odd", (await Bucket.ReadAllAsync("out/with space/ü+%.txt", default, Ct)).ToString());
        var p = await Bucket.GetPropertiesAsync("out/small.txt", Ct);
        Assert.Equal(("text/plain; charset=utf-8", "max-age=30", "inline", "de"), (p.ContentType, p.CacheControl, p.ContentDisposition, p.ContentLanguage));
        Assert.Equal("jürgen", p.Metadata["owner"]);
        Assert.Equal("7", p.Metadata["run_id"]);
        Assert.All(again.Items, i => Assert.Equal(BlobTransferAction.SkipEqual, i.Action));
        Assert.Equal(4, again.Totals.SkipEqual.Objects);
        Assert.All(again.Items, i => Assert.StartsWith("equal by md5", i.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Copy_ToMemory_StreamsWhenNoServerSidePathApplies_Verified()
    {
        byte[] large = RandomNumberGenerator.GetBytes(LargeObjectSize);
        await Bucket.UploadAsync("data/a.txt", BinaryData.FromString("alpha"), Headers("ana"), Ct);
        await Bucket.UploadAsync("data/deep/b.bin", large, null, Ct);
        await using var destination = new BlobBucket(new MemoryBlobDriver("transfer-destination"));

        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(Bucket, "data/"), new BlobEndpoint(destination, "copy/"), new BlobTransferOptions { PartSize = PartSize }, Ct);
        var result = await BlobTransfer.ApplyAsync(plan, null, Ct);

        Assert.True(result.Succeeded, string.Join("; ", result.Failed.Select(f => f + " " + f.Exception)));
        Assert.Equal((2, 2), (result.Created, result.Verified));
        Assert.Equal(BlobTransferPath.Streamed, Assert.Single(result.BytesByPath).Key);
        Assert.Equal(LargeObjectSize + 5, result.BytesCopied);
        Assert.Equal("alpha", (await destination.ReadAllAsync("copy/a.txt", default, Ct)).ToString());
        Assert.Equal(large, (await destination.ReadAllAsync("copy/deep/b.bin", default, Ct)).ToArray());
        var p = await destination.GetPropertiesAsync("copy/a.txt", Ct);
        Assert.Equal(("text/plain; charset=utf-8", "ana"), (p.ContentType, p.Metadata["owner"]));
    }

    [Fact]
    public async Task Migrate_ToMemory_DeletesEachSourceAfterItsVerifiedCopy()
    {
        await Bucket.UploadAsync("m/1", BinaryData.FromString("one"), null, Ct);
        await Bucket.UploadAsync("m/2", new BinaryData(Encoding.UTF8.GetBytes("two")), null, Ct);
        await using var destination = new BlobBucket(new MemoryBlobDriver("transfer-migrate"));

        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(Bucket, "m/"), new BlobEndpoint(destination), new BlobTransferOptions { Mode = BlobTransferMode.Migrate }, Ct);
        var result = await BlobTransfer.ApplyAsync(plan, null, Ct);

        Assert.True(result.Succeeded, string.Join("; ", result.Failed.Select(f => f + " " + f.Exception)));
        Assert.Equal((2, 2), (result.Verified, result.SourcesDeleted));
        Assert.Empty(await KeysAsync(Bucket, "m/"));
        Assert.Equal("two", (await destination.ReadAllAsync("2", default, Ct)).ToString());
    }
}
