using System.Security.Cryptography;
using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;
using Xunit;

#pragma warning disable CA5351 // MD5 is the content checksum blob services use, not a security primitive.

namespace Polycloud.Testing.Conformance.Blobs;

/// <summary>
/// The conformance suite of <see cref="IBlobMultipartDriver"/>: every driver that implements it must pass it, against a
/// real server where the provider has one. Derive a class per driver, implement <see cref="CreateBucketAsync"/> (a fresh,
/// empty bucket per test whose driver implements the contract) and declare the server's gaps in <see cref="GapReason"/>.
/// The suite also checks the whole-object hashes a listing carries (<see cref="BlobItem.ContentMD5"/>, <see cref="BlobItem.Crc32c"/>).
/// </summary>
public abstract class BlobMultipartConformanceTests : IAsyncLifetime
{
    /// <summary>Per-test time limit, so a hung server fails the test instead of the run.</summary>
    protected const int TestTimeout = 180_000;

    private BlobBucket? _bucket;

    /// <summary>The bucket under test, fresh and empty for each test.</summary>
    protected BlobBucket Bucket => _bucket ?? throw new InvalidOperationException("The bucket is created in InitializeAsync.");

    /// <summary>The multipart contract of the bucket's driver.</summary>
    protected IBlobMultipartDriver Multipart => Bucket.TryAs(out IBlobMultipartDriver? driver)
        ? driver
        : throw new InvalidOperationException($"the driver of {Bucket} does not implement {nameof(IBlobMultipartDriver)}.");

    /// <summary>Cancellation for the current test.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The size of every part but the last: the provider's minimum, and at least 64 KiB.</summary>
    protected virtual int PartSize => (int)Math.Max(Multipart.MultipartLimits.MinPartSize, 64 * 1024);

    /// <summary>Whether a listing of this provider carries the MD5 of a blob written in one request.</summary>
    protected virtual bool ListsContentMD5 => true;

    /// <summary>Whether a listing and the properties of this provider carry the CRC32C of a blob.</summary>
    protected virtual bool ListsCrc32c => false;

    /// <summary>Whether the provider keeps a whole-object MD5 given at the start of a multipart upload.</summary>
    protected virtual bool KeepsMultipartContentMD5 => true;

    /// <summary>Creates a new, empty bucket for one test.</summary>
    /// <returns>The bucket.</returns>
    protected abstract Task<BlobBucket> CreateBucketAsync();

    /// <summary>Returns why the server under test lacks <paramref name="gap"/>, or <see langword="null"/> when it has it.</summary>
    /// <param name="gap">The behaviour.</param>
    /// <returns>The reason, shown as the skip reason.</returns>
    protected virtual string? GapReason(BlobGap gap) => null;

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

    [Fact(Timeout = TestTimeout)]
    public void Limits_AreSane()
    {
        var limits = Multipart.MultipartLimits;
        Assert.True(limits.MinPartSize >= 1, "MinPartSize must be at least 1");
        Assert.True(limits.MaxPartSize >= limits.MinPartSize, "MaxPartSize must not be below MinPartSize");
        Assert.True(limits.MaxParts >= 1, "MaxParts must be at least 1");
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Multipart_PartsOutOfOrder_CompleteGivesExactContentPropertiesAndMetadata()
    {
        byte[] data = RandomBytes((2 * PartSize) + 1234, 1);
        var options = new BlobUploadOptions
        {
            ContentType = "application/x-parts",
            CacheControl = "no-cache",
            ContentDisposition = "attachment; filename=\"p.bin\"",
            ContentLanguage = "de",
            Metadata = new Dictionary<string, string> { ["origin"] = "multipart", ["note"] = "héllo" },
        };
        var upload = await Multipart.StartMultipartUploadAsync("mp/file.bin", options, Ct);
        Assert.Equal("mp/file.bin", upload.Key);
        Assert.False(string.IsNullOrEmpty(upload.UploadId));

        var p3 = await Multipart.UploadPartAsync(upload, 3, data.AsMemory(2 * PartSize), Ct);
        var p1 = await Multipart.UploadPartAsync(upload, 1, data.AsMemory(0, PartSize), Ct);
        var p2 = await Multipart.UploadPartAsync(upload, 2, data.AsMemory(PartSize, PartSize), Ct);
        Assert.Equal([3, 1, 2], new[] { p3.PartNumber, p1.PartNumber, p2.PartNumber });
        Assert.Equal(1234, p3.Size);

        IReadOnlyList<BlobUploadedPart> listed = [p1, p2, p3];
        if (!HasGap(BlobGap.MultipartPartsNotListed))
        {
            listed = await Multipart.ListUploadedPartsAsync(upload, Ct);
            Assert.Equal([1, 2, 3], listed.Select(p => p.PartNumber));
            Assert.Equal([PartSize, PartSize, 1234L], listed.Select(p => p.Size));
            Assert.Equal([p1.ETag, p2.ETag, p3.ETag], listed.Select(p => p.ETag));
        }

        // Nothing is visible before the commit.
        Assert.False(await Bucket.ExistsAsync("mp/file.bin", Ct));
        await AssertCodeAsync(CloudErrorCode.NotFound, () => Bucket.GetPropertiesAsync("mp/file.bin", Ct));
        Assert.Empty(await ListAllAsync(string.Empty));

        var result = await Multipart.CompleteMultipartUploadAsync(upload, listed, options, Ct);
        Assert.False(string.IsNullOrEmpty(result.ETag));

        Assert.Equal(data, (await Bucket.ReadAllAsync("mp/file.bin", default, Ct)).ToArray());
        var p = await Bucket.GetPropertiesAsync("mp/file.bin", Ct);
        Assert.Equal(data.Length, p.Size);
        Assert.Equal("application/x-parts", p.ContentType);
        Assert.Equal("no-cache", p.CacheControl);
        Assert.Equal("attachment; filename=\"p.bin\"", p.ContentDisposition);
        Assert.Equal("de", p.ContentLanguage);
        Assert.Equal("multipart", p.Metadata["origin"]);
        Assert.Equal("héllo", p.Metadata["note"]);
        Assert.Equal(["mp/file.bin"], (await ListAllAsync(string.Empty)).Select(i => i.Key));
        if (!HasGap(BlobGap.MultipartUploadsNotListed))
        {
            Assert.DoesNotContain(await ListUploadsAsync("mp/"), u => u.UploadId == upload.UploadId);
        }
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Multipart_ResentPart_ReplacesThePart()
    {
        byte[] first = RandomBytes(PartSize, 2);
        byte[] second = RandomBytes(PartSize, 3);
        byte[] last = RandomBytes(100, 4);
        var upload = await Multipart.StartMultipartUploadAsync("mp/resent", new BlobUploadOptions(), Ct);
        await Multipart.UploadPartAsync(upload, 1, first, Ct);
        var replaced = await Multipart.UploadPartAsync(upload, 1, second, Ct);
        var tail = await Multipart.UploadPartAsync(upload, 2, last, Ct);

        if (!HasGap(BlobGap.MultipartPartsNotListed))
        {
            var listed = await Multipart.ListUploadedPartsAsync(upload, Ct);
            Assert.Equal([1, 2], listed.Select(p => p.PartNumber));
            Assert.Equal(replaced.ETag, listed[0].ETag);
            Assert.Equal(PartSize, listed[0].Size);
        }

        await Multipart.CompleteMultipartUploadAsync(upload, [replaced, tail], new BlobUploadOptions(), Ct);
        Assert.Equal(second.Concat(last).ToArray(), (await Bucket.ReadAllAsync("mp/resent", default, Ct)).ToArray());
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Multipart_Abort_LeavesNoUploadAndNoBlob()
    {
        var upload = await Multipart.StartMultipartUploadAsync("mp/aborted", new BlobUploadOptions(), Ct);
        var part = await Multipart.UploadPartAsync(upload, 1, RandomBytes(1000, 5), Ct);
        bool listsUploads = !HasGap(BlobGap.MultipartUploadsNotListed);
        if (listsUploads)
        {
            Assert.Contains(await ListUploadsAsync("mp/"), u => u.UploadId == upload.UploadId && u.Key == "mp/aborted");
        }

        await Multipart.AbortMultipartUploadAsync(upload, Ct);

        if (listsUploads)
        {
            Assert.DoesNotContain(await ListUploadsAsync(string.Empty), u => u.UploadId == upload.UploadId);
        }

        Assert.False(await Bucket.ExistsAsync("mp/aborted", Ct));
        Assert.Empty(await ListAllAsync(string.Empty));
        if (!HasGap(BlobGap.MultipartPartsNotListed))
        {
            await AssertCodeAsync(CloudErrorCode.NotFound, () => Multipart.ListUploadedPartsAsync(upload, Ct));
        }

        // The aborted upload cannot be completed.
        await AssertCodeAsync(CloudErrorCode.NotFound, () => Multipart.CompleteMultipartUploadAsync(upload, [part], new BlobUploadOptions(), Ct));
        Assert.False(await Bucket.ExistsAsync("mp/aborted", Ct));

        // Aborting again is not an error.
        await Multipart.AbortMultipartUploadAsync(upload, Ct);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Multipart_ListUploads_FindsStartedUploadsByPrefix()
    {
        SkipIfGap(BlobGap.MultipartUploadsNotListed);
        var a = await Multipart.StartMultipartUploadAsync("mp/list/a", new BlobUploadOptions(), Ct);
        var b = await Multipart.StartMultipartUploadAsync("other/b", new BlobUploadOptions(), Ct);
        await Multipart.UploadPartAsync(a, 1, RandomBytes(10, 6), Ct);
        await Multipart.UploadPartAsync(b, 1, RandomBytes(10, 7), Ct);
        try
        {
            var found = await ListUploadsAsync("mp/");
            Assert.Contains(found, u => u.Key == "mp/list/a" && u.UploadId == a.UploadId);
            Assert.DoesNotContain(found, u => u.Key == "other/b");
            var all = await ListUploadsAsync(string.Empty);
            Assert.Contains(all, u => u.Key == "mp/list/a" && u.UploadId == a.UploadId);
            Assert.Contains(all, u => u.Key == "other/b" && u.UploadId == b.UploadId);
        }
        finally
        {
            await Multipart.AbortMultipartUploadAsync(a, Ct);
            await Multipart.AbortMultipartUploadAsync(b, Ct);
        }
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Multipart_SmallPartBeforeTheLast_IsRefused()
    {
        if (Multipart.MultipartLimits.MinPartSize <= 1)
        {
            Assert.Skip($"{Bucket.Provider} has no minimum part size (MinPartSize = {Multipart.MultipartLimits.MinPartSize}).");
        }

        SkipIfGap(BlobGap.MultipartMinPartSizeNotEnforced);
        var upload = await Multipart.StartMultipartUploadAsync("mp/small", new BlobUploadOptions(), Ct);
        try
        {
            await AssertFailsAsync(async () =>
            {
                var p1 = await Multipart.UploadPartAsync(upload, 1, RandomBytes(10, 8), Ct);
                var p2 = await Multipart.UploadPartAsync(upload, 2, RandomBytes(10, 9), Ct);
                await Multipart.CompleteMultipartUploadAsync(upload, [p1, p2], new BlobUploadOptions(), Ct);
            });
            Assert.False(await Bucket.ExistsAsync("mp/small", Ct));
        }
        finally
        {
            await Multipart.AbortMultipartUploadAsync(upload, Ct);
        }
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Multipart_CompleteWithAMissingPart_Fails()
    {
        var upload = await Multipart.StartMultipartUploadAsync("mp/missing", new BlobUploadOptions(), Ct);
        try
        {
            var p1 = await Multipart.UploadPartAsync(upload, 1, RandomBytes(PartSize, 10), Ct);
            var p2 = new BlobUploadedPart(2, 10, p1.ETag);
            await AssertFailsAsync(() => Multipart.CompleteMultipartUploadAsync(upload, [p1, p2], new BlobUploadOptions(), Ct));
            Assert.False(await Bucket.ExistsAsync("mp/missing", Ct));
        }
        finally
        {
            await Multipart.AbortMultipartUploadAsync(upload, Ct);
        }
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Multipart_OneSmallPart_Works()
    {
        var options = new BlobUploadOptions { ContentType = "text/plain" };
        var upload = await Multipart.StartMultipartUploadAsync("mp/one", options, Ct);
        var part = await Multipart.UploadPartAsync(upload, 1, "just one part"u8.ToArray(), Ct);
        await Multipart.CompleteMultipartUploadAsync(upload, [part], options, Ct);
        Assert.Equal("just one part", (await Bucket.ReadAllAsync("mp/one", default, Ct)).ToString());
        Assert.Equal("text/plain", (await Bucket.GetPropertiesAsync("mp/one", Ct)).ContentType);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Multipart_NoParts_GivesAnEmptyBlob()
    {
        var options = new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["empty"] = "yes" } };
        var upload = await Multipart.StartMultipartUploadAsync("mp/empty", options, Ct);
        await Multipart.CompleteMultipartUploadAsync(upload, [], options, Ct);
        var p = await Bucket.GetPropertiesAsync("mp/empty", Ct);
        Assert.Equal(0, p.Size);
        Assert.Equal("yes", p.Metadata["empty"]);
        Assert.Empty((await Bucket.ReadAllAsync("mp/empty", default, Ct)).ToArray());
        if (!HasGap(BlobGap.MultipartUploadsNotListed))
        {
            Assert.DoesNotContain(await ListUploadsAsync(string.Empty), u => u.UploadId == upload.UploadId);
        }
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Multipart_TwoUploadsOfOneKey_DoNotMix()
    {
        var first = await Multipart.StartMultipartUploadAsync("mp/twice", new BlobUploadOptions(), Ct);
        var second = await Multipart.StartMultipartUploadAsync("mp/twice", new BlobUploadOptions(), Ct);
        Assert.NotEqual(first.UploadId, second.UploadId);
        await Multipart.UploadPartAsync(first, 1, RandomBytes(PartSize, 11), Ct);
        await Multipart.UploadPartAsync(first, 2, RandomBytes(77, 12), Ct);
        byte[] wanted = RandomBytes(500, 13);
        var only = await Multipart.UploadPartAsync(second, 1, wanted, Ct);

        if (!HasGap(BlobGap.MultipartPartsNotListed))
        {
            Assert.Equal([1, 2], (await Multipart.ListUploadedPartsAsync(first, Ct)).Select(p => p.PartNumber));
            Assert.Equal([1], (await Multipart.ListUploadedPartsAsync(second, Ct)).Select(p => p.PartNumber));
        }

        await Multipart.CompleteMultipartUploadAsync(second, [only], new BlobUploadOptions(), Ct);
        Assert.Equal(wanted, (await Bucket.ReadAllAsync("mp/twice", default, Ct)).ToArray());
        await Multipart.AbortMultipartUploadAsync(first, Ct);
        Assert.Equal(wanted, (await Bucket.ReadAllAsync("mp/twice", default, Ct)).ToArray());
        if (!HasGap(BlobGap.MultipartUploadsNotListed))
        {
            Assert.Empty(await ListUploadsAsync("mp/twice"));
        }
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Multipart_ContentMD5GivenAtStart_IsTheBlobsMD5()
    {
        if (!KeepsMultipartContentMD5)
        {
            Assert.Skip($"{Bucket.Provider} keeps no whole-object MD5 for a blob written in parts.");
        }

        byte[] data = RandomBytes(PartSize + 10, 14);
        var options = new BlobUploadOptions { ContentMD5 = MD5.HashData(data) };
        var upload = await Multipart.StartMultipartUploadAsync("mp/md5", options, Ct);
        var p1 = await Multipart.UploadPartAsync(upload, 1, data.AsMemory(0, PartSize), Ct);
        var p2 = await Multipart.UploadPartAsync(upload, 2, data.AsMemory(PartSize), Ct);
        await Multipart.CompleteMultipartUploadAsync(upload, [p1, p2], options, Ct);
        var p = await Bucket.GetPropertiesAsync("mp/md5", Ct);
        Assert.NotNull(p.ContentMD5);
        Assert.Equal(MD5.HashData(data), p.ContentMD5.Value.ToArray());
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Multipart_UnknownUpload_IsNotFound()
    {
        var bogus = new BlobMultipartUpload("mp/none", "no-such-upload-" + Guid.NewGuid().ToString("N"));
        await AssertCodeAsync(CloudErrorCode.NotFound, () => Multipart.CompleteMultipartUploadAsync(bogus, [], new BlobUploadOptions(), Ct));
        Assert.False(await Bucket.ExistsAsync("mp/none", Ct));
        if (!HasGap(BlobGap.MultipartPartsNotListed))
        {
            await AssertCodeAsync(CloudErrorCode.NotFound, () => Multipart.ListUploadedPartsAsync(bogus, Ct));
        }

        await Multipart.AbortMultipartUploadAsync(bogus, Ct);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Listing_CarriesWholeObjectHashes()
    {
        byte[] data = RandomBytes(4321, 15);
        await Bucket.UploadAsync("hashed", data, null, Ct);
        var item = Assert.Single(await ListAllAsync(string.Empty));
        var props = await Bucket.GetPropertiesAsync("hashed", Ct);
        if (ListsContentMD5)
        {
            Assert.NotNull(item.ContentMD5);
            Assert.Equal(MD5.HashData(data), item.ContentMD5.Value.ToArray());
        }
        else
        {
            Assert.Null(item.ContentMD5);
        }

        if (ListsCrc32c)
        {
            uint expected = Crc32cOf(data);
            Assert.Equal(expected, item.Crc32c);
            Assert.Equal(expected, props.Crc32c);
        }
        else
        {
            Assert.Null(item.Crc32c);
        }
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>Skips the current test when the server under test lacks <paramref name="gap"/>.</summary>
    /// <param name="gap">The behaviour the test needs.</param>
    protected void SkipIfGap(BlobGap gap)
    {
        if (GapReason(gap) is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    /// <summary>Tells whether the server under test lacks <paramref name="gap"/> (the checks that need it are left out).</summary>
    /// <param name="gap">The behaviour.</param>
    /// <returns><see langword="true"/> when the server lacks it.</returns>
    protected bool HasGap(BlobGap gap) => GapReason(gap) is not null;

    /// <summary>Lists the keys under a prefix.</summary>
    /// <param name="prefix">The prefix.</param>
    /// <returns>The items.</returns>
    protected async Task<List<BlobItem>> ListAllAsync(string prefix)
    {
        var items = new List<BlobItem>();
        await foreach (var item in Bucket.ListAsync(new BlobListOptions { Prefix = prefix }, Ct))
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>Lists the uploads in progress under a prefix.</summary>
    /// <param name="prefix">The prefix.</param>
    /// <returns>The uploads.</returns>
    protected async Task<List<BlobMultipartUpload>> ListUploadsAsync(string prefix)
    {
        var uploads = new List<BlobMultipartUpload>();
        await foreach (var upload in Multipart.ListMultipartUploadsAsync(prefix, Ct))
        {
            uploads.Add(upload);
        }

        return uploads;
    }

    /// <summary>Asserts that an operation fails with the given portable code (native errors classified by the driver).</summary>
    /// <param name="code">The expected code.</param>
    /// <param name="action">The operation.</param>
    /// <returns>A task.</returns>
    protected async Task AssertCodeAsync(CloudErrorCode code, Func<Task> action)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(action);
        var actual = Bucket.GetErrorCode(ex);
        Assert.True(actual == code, $"expected {code}, got {actual}: {ex}");
    }

    /// <summary>Asserts that an operation fails with a provider error (not a cancellation or a bug in the driver).</summary>
    /// <param name="action">The operation.</param>
    /// <returns>A task.</returns>
    protected async Task AssertFailsAsync(Func<Task> action)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(action);
        Assert.False(ex is OperationCanceledException or NullReferenceException or IndexOutOfRangeException, ex.ToString());
        Assert.NotEqual(CloudErrorCode.Unknown, Bucket.GetErrorCode(ex));
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

    /// <summary>The CRC32C (Castagnoli) of <paramref name="data"/>, computed bit by bit (a reference, independent of the drivers).</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The checksum.</returns>
    protected static uint Crc32cOf(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78 : crc >> 1;
            }
        }

        return ~crc;
    }
}
