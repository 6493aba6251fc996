using System.Net;
using System.Security.Cryptography;
using System.Text;
using Polycloud.Blobs;
using Xunit;

#pragma warning disable CA5351 // MD5 is the content checksum blob services use, not a security primitive.

namespace Polycloud.Testing.Conformance.Blobs;

/// <summary>
/// The blob driver conformance suite: every blob driver must pass it, against a real server where the provider has one.
/// Derive a class per driver, implement <see cref="CreateBucketAsync"/> (a fresh, empty bucket per test) and declare the
/// server's gaps in <see cref="GapReason"/>.
/// </summary>
public abstract class BlobConformanceTests : IAsyncLifetime
{
    /// <summary>Per-test time limit, so a hung server fails the test instead of the run.</summary>
    protected const int TestTimeout = 180_000;

    private BlobBucket? _bucket;

    /// <summary>The bucket under test, fresh and empty for each test.</summary>
    protected BlobBucket Bucket => _bucket ?? throw new InvalidOperationException("The bucket is created in InitializeAsync.");

    /// <summary>Cancellation for the current test.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Size of the large upload/download test. At least 20 MiB.</summary>
    protected virtual int LargeBlobSize => 20 * 1024 * 1024 + 123;

    /// <summary>Part size for the large upload test, or <see langword="null"/> for the driver's default.</summary>
    protected virtual int? LargeUploadPartSize => null;

    /// <summary>Creates a new, empty bucket for one test.</summary>
    /// <returns>The bucket.</returns>
    protected abstract Task<BlobBucket> CreateBucketAsync();

    /// <summary>Returns why the server under test lacks <paramref name="gap"/>, or <see langword="null"/> when it has it.</summary>
    /// <param name="gap">The behaviour.</param>
    /// <returns>The reason, shown as the skip reason.</returns>
    protected virtual string? GapReason(BlobGap gap) => null;

    /// <summary>Adjusts a plain HTTP request to a signed PUT URL the way the provider's protocol requires (Azure needs
    /// <c>x-ms-blob-type: BlockBlob</c>).</summary>
    /// <param name="request">The request.</param>
    protected virtual void PrepareSignedPut(HttpRequestMessage request)
    {
    }

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

    // ------------------------------------------------------------------ listing

    [Fact(Timeout = TestTimeout)]
    public async Task List_EmptyBucket_ReturnsNothing()
    {
        Assert.Empty(await ListAllAsync(new BlobListOptions()));
        var page = await Bucket.ListPageAsync(new BlobListOptions { PageSize = 10 }, null, Ct);
        Assert.Empty(page.Items);
        Assert.Null(page.ContinuationToken);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task List_ByPrefix_ReturnsOnlyMatchingKeysInOrder()
    {
        await PutAsync("list/b", "x");
        await PutAsync("list/a", "x");
        await PutAsync("listing", "x");
        await PutAsync("other/a", "x");
        var keys = (await ListAllAsync(new BlobListOptions { Prefix = "list/" })).Select(i => i.Key).ToArray();
        Assert.Equal(["list/a", "list/b"], keys);
        keys = (await ListAllAsync(new BlobListOptions { Prefix = "list" })).Select(i => i.Key).ToArray();
        Assert.Equal(["list/a", "list/b", "listing"], keys);
        Assert.Empty(await ListAllAsync(new BlobListOptions { Prefix = "nothing-here" }));
    }

    [Theory(Timeout = TestTimeout)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task List_Paging_ReturnsEveryKeyOnceWithTokens(int pageSize)
    {
        string[] keys = ["p/a", "p/b", "p/c", "p/d", "p/e"];
        foreach (string k in keys)
        {
            await PutAsync(k, k);
        }

        var seen = new List<string>();
        string? token = null;
        int pages = 0;
        do
        {
            var page = await Bucket.ListPageAsync(new BlobListOptions { Prefix = "p/", PageSize = pageSize }, token, Ct);
            Assert.True(page.Items.Count <= pageSize, $"page of {page.Items.Count} items exceeds the page size {pageSize}");
            Assert.True(page.Items.Count > 0 || page.ContinuationToken is null, "an empty page must be the last");
            seen.AddRange(page.Items.Select(i => i.Key));
            token = page.ContinuationToken;
            Assert.True(++pages <= keys.Length + 1, "paging did not end");
        }
        while (token is not null);

        Assert.Equal(keys, seen);

        var all = await ListAllAsync(new BlobListOptions { Prefix = "p/", PageSize = pageSize });
        Assert.Equal(keys, all.Select(i => i.Key));
        Assert.All(all, i => Assert.False(i.IsPrefix));
        Assert.All(all, i => Assert.Equal(3, i.Size));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task List_Paging_StaysConsistentAfterInsertAndDelete()
    {
        SkipIfGap(BlobGap.ContinuationTokenNotStable);
        foreach (string k in new[] { "c/b", "c/d", "c/f", "c/h" })
        {
            await PutAsync(k, "x");
        }

        var first = await Bucket.ListPageAsync(new BlobListOptions { Prefix = "c/", PageSize = 2 }, null, Ct);
        Assert.Equal(["c/b", "c/d"], first.Items.Select(i => i.Key));
        Assert.NotNull(first.ContinuationToken);

        await PutAsync("c/a", "x"); // before the token: must not appear
        await PutAsync("c/e", "x"); // after the token: must appear
        await Bucket.DeleteAsync("c/f", Ct); // after the token: must disappear

        var rest = new List<string>();
        string? token = first.ContinuationToken;
        while (token is not null)
        {
            var page = await Bucket.ListPageAsync(new BlobListOptions { Prefix = "c/", PageSize = 2 }, token, Ct);
            rest.AddRange(page.Items.Select(i => i.Key));
            token = page.ContinuationToken;
        }

        Assert.Equal(["c/e", "c/h"], rest);
    }

    /// <summary>Keys with characters that need escaping on some service; each must round-trip unchanged.</summary>
    /// <returns>The keys.</returns>
    public static TheoryData<string> WeirdKeys() =>
    [
        "fwd/slashes/are/ok",
        "back\\slashes\\are\\ok",
        "spaces are ok",
        "quote\"s and 'apostrophes'",
        "percent%20and+plus",
        "question?mark&amp=equals#hash",
        "unicode-éü-日本語-😀",
        "dotdot/../../escape",
        "./dot-segment",
        "trailing-dot.",
        "=?UTF-8?B?not-encoded?=",
        "~tilde!bang$dollar(paren)*star,comma;semi:colon@at[br]{cu}|pipe^caret`tick",
        "double//slash",
        "/leading-slash",
    ];

    [Theory(Timeout = TestTimeout)]
    [MemberData(nameof(WeirdKeys))]
    public async Task WeirdKeys_RoundTripThroughWriteListReadDelete(string key)
    {
        if (key.StartsWith('/'))
        {
            SkipIfGap(BlobGap.LeadingSlashKeysAltered);
        }

        await PutAsync(key, "weird:" + key);
        var listed = await ListAllAsync(new BlobListOptions());
        Assert.Equal([key], listed.Select(i => i.Key));
        Assert.Equal("weird:" + key, (await Bucket.ReadAllAsync(key, default, Ct)).ToString());
        Assert.Equal(key, (await Bucket.GetPropertiesAsync(key, Ct)).Key);
        await Bucket.DeleteAsync(key, Ct);
        Assert.False(await Bucket.ExistsAsync(key, Ct));
    }

    [Theory(Timeout = TestTimeout)]
    [InlineData("/")]
    [InlineData("\\")]
    [InlineData("abc")]
    public async Task List_WithDelimiter_GroupsIntoPrefixes(string d)
    {
        string[] layout = ["dir1/a.txt", "dir1/b.txt", "dir1/subdir/c.txt", "dir1/subdir/d.txt", "dir2/e.txt", "f.txt"];
        foreach (string k in layout)
        {
            await PutAsync(k.Replace("/", d, StringComparison.Ordinal), k);
        }

        string D(string s) => s.Replace("/", d, StringComparison.Ordinal);

        var root = await ListAllAsync(new BlobListOptions { Delimiter = d });
        Assert.Equal([D("dir1/"), D("dir2/"), "f.txt"], root.Select(i => i.Key));
        Assert.Equal([true, true, false], root.Select(i => i.IsPrefix));

        var dir1 = await ListAllAsync(new BlobListOptions { Delimiter = d, Prefix = D("dir1/") });
        Assert.Equal([D("dir1/a.txt"), D("dir1/b.txt"), D("dir1/subdir/")], dir1.Select(i => i.Key));
        Assert.Equal([false, false, true], dir1.Select(i => i.IsPrefix));

        var sub = await ListAllAsync(new BlobListOptions { Delimiter = d, Prefix = D("dir1/subdir/") });
        Assert.Equal([D("dir1/subdir/c.txt"), D("dir1/subdir/d.txt")], sub.Select(i => i.Key));

        // Paging one item at a time over prefixes yields each prefix once.
        var paged = await ListAllAsync(new BlobListOptions { Delimiter = d, PageSize = 1 });
        Assert.Equal([D("dir1/"), D("dir2/"), "f.txt"], paged.Select(i => i.Key));

        var flat = await ListAllAsync(new BlobListOptions());
        Assert.Equal(layout.Select(D).OrderBy(k => k, StringComparer.Ordinal), flat.Select(i => i.Key));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task List_BadArguments_FailBeforeAnyCall()
    {
        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.ListPageAsync(new BlobListOptions { PageSize = 0 }, null, Ct));
        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.ListPageAsync(new BlobListOptions { PageSize = 1001 }, null, Ct));
        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.ListPageAsync(new BlobListOptions { Delimiter = string.Empty }, null, Ct));
        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.ListPageAsync(new BlobListOptions(), string.Empty, Ct));
    }

    // ------------------------------------------------------------------ reading

    [Fact(Timeout = TestTimeout)]
    public async Task Read_Ranges_ReturnTheRightBytes()
    {
        byte[] data = Encoding.ASCII.GetBytes("0123456789abcdefghij");
        await Bucket.UploadAsync("range", data, null, Ct);

        Assert.Equal("0123456789abcdefghij", await ReadStringAsync("range", default));
        Assert.Equal("abcdefghij", await ReadStringAsync("range", new BlobRange(10)));
        Assert.Equal("5678", await ReadStringAsync("range", new BlobRange(5, 4)));
        Assert.Equal("ghij", await ReadStringAsync("range", new BlobRange(16, 100)));
        Assert.Equal(string.Empty, await ReadStringAsync("range", new BlobRange(20)));
        Assert.Equal(string.Empty, await ReadStringAsync("range", new BlobRange(25, 3)));

        await using var part = await Bucket.OpenReadAsync("range", new BlobRange(5, 4), Ct);
        Assert.Equal(4, part.ContentLength);
        Assert.Equal(20, part.Size);
        Assert.False(string.IsNullOrEmpty(part.ETag));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Read_ZeroLength_ReadsNothingButChecksExistence()
    {
        await PutAsync("zero", "content");
        await using (var d = await Bucket.OpenReadAsync("zero", new BlobRange(3, 0), Ct))
        {
            Assert.Equal(0, d.ContentLength);
            Assert.Equal(7, d.Size);
            Assert.Equal(-1, d.Content.ReadByte());
        }

        await AssertCodeAsync(CloudErrorCode.NotFound, () => Bucket.OpenReadAsync("missing", new BlobRange(0, 0), Ct));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Read_BadRangeOrMissingBlob_Fails()
    {
        await PutAsync("r", "abc");
        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.OpenReadAsync("r", new BlobRange(-1), Ct));
        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.OpenReadAsync("r", new BlobRange(0, -2), Ct));
        await AssertCodeAsync(CloudErrorCode.NotFound, () => Bucket.OpenReadAsync("missing", default, Ct));
        await AssertCodeAsync(CloudErrorCode.NotFound, () => Bucket.ReadAllAsync("missing", default, Ct));
        await AssertCodeAsync(CloudErrorCode.NotFound, () => Bucket.GetPropertiesAsync("missing", Ct));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Download_ToStreamAndFile_WritesEveryByte()
    {
        byte[] data = RandomBytes(300_000);
        await Bucket.UploadAsync("dl", data, null, Ct);

        using var ms = new MemoryStream();
        Assert.Equal(data.Length, await Bucket.DownloadToAsync("dl", ms, default, Ct));
        Assert.Equal(data, ms.ToArray());

        string path = Path.Combine(Path.GetTempPath(), "polycloud-dl-" + Guid.NewGuid().ToString("N"));
        try
        {
            Assert.Equal(data.Length, await Bucket.DownloadToFileAsync("dl", path, Ct));
            Assert.Equal(data, await File.ReadAllBytesAsync(path, Ct));
            await AssertCodeAsync(CloudErrorCode.NotFound, () => Bucket.DownloadToFileAsync("missing", path, Ct));
            Assert.Equal(data, await File.ReadAllBytesAsync(path, Ct)); // a failed download leaves the old file alone
        }
        finally
        {
            File.Delete(path);
        }
    }

    // ------------------------------------------------------------------ writing

    [Fact(Timeout = TestTimeout)]
    public async Task Write_InvalidKeys_FailBeforeAnyCall()
    {
        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.UploadAsync(string.Empty, BinaryData.FromString("x"), null, Ct));
        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.UploadAsync("nul\0byte", BinaryData.FromString("x"), null, Ct));
        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.UploadAsync("line\nbreak", BinaryData.FromString("x"), null, Ct));
        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.UploadAsync("..", BinaryData.FromString("x"), null, Ct));
        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.UploadAsync(new string('k', 1025), BinaryData.FromString("x"), null, Ct));
        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.UploadAsync("bad\uD800surrogate", BinaryData.FromString("x"), null, Ct));
        var ex = await Assert.ThrowsAsync<CloudException>(() => Bucket.UploadAsync(string.Empty, BinaryData.FromString("x"), null, Ct));
        Assert.Contains("key", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Bucket.Provider, ex.Provider);
        Assert.Empty(await ListAllAsync(new BlobListOptions()));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Write_ContentTypeAndHeaders_AreKept()
    {
        await Bucket.UploadAsync("typed", BinaryData.FromString("{}"), new BlobUploadOptions
        {
            ContentType = "application/json",
            CacheControl = "public, max-age=60",
            ContentDisposition = "attachment; filename=\"a.json\"",
            ContentLanguage = "en-GB",
        }, Ct);
        var p = await Bucket.GetPropertiesAsync("typed", Ct);
        Assert.Equal("application/json", p.ContentType);
        Assert.Equal("public, max-age=60", p.CacheControl);
        Assert.Equal("attachment; filename=\"a.json\"", p.ContentDisposition);
        Assert.Equal("en-GB", p.ContentLanguage);
        Assert.Equal(2, p.Size);

        await Bucket.UploadAsync("untyped", BinaryData.FromString("x"), null, Ct);
        Assert.Equal("application/octet-stream", (await Bucket.GetPropertiesAsync("untyped", Ct)).ContentType);

        await using var d = await Bucket.OpenReadAsync("typed", default, Ct);
        Assert.Equal("application/json", d.ContentType);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Write_EmptyBlob_RoundTrips()
    {
        await Bucket.UploadAsync("empty", BinaryData.Empty, null, Ct);
        Assert.Equal(0, (await Bucket.GetPropertiesAsync("empty", Ct)).Size);
        Assert.Equal(0, (await Bucket.ReadAllAsync("empty", default, Ct)).ToMemory().Length);
        await Bucket.UploadAsync("empty-stream", new MemoryStream(), null, Ct);
        Assert.Equal(0, (await Bucket.GetPropertiesAsync("empty-stream", Ct)).Size);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Write_Overwrite_ReplacesContentAndETag()
    {
        var first = await PutAsync("ow", "first");
        var second = await PutAsync("ow", "second version");
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal("second version", (await Bucket.ReadAllAsync("ow", default, Ct)).ToString());
        var p = await Bucket.GetPropertiesAsync("ow", Ct);
        Assert.Equal(second.ETag, p.ETag);
        Assert.Equal(14, p.Size);
        Assert.True(p.LastModified > DateTimeOffset.UtcNow.AddHours(-1) && p.LastModified < DateTimeOffset.UtcNow.AddHours(1), $"last modified {p.LastModified} is not now");
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Write_ContentMd5_MatchSucceedsAndIsReported()
    {
        byte[] data = Encoding.UTF8.GetBytes("checksummed content");
        byte[] md5 = MD5.HashData(data);
        await Bucket.UploadAsync("md5", data, new BlobUploadOptions { ContentMD5 = md5 }, Ct);
        var p = await Bucket.GetPropertiesAsync("md5", Ct);
        if (Bucket.Capabilities.ContentMD5)
        {
            Assert.NotNull(p.ContentMD5);
            Assert.Equal(md5, p.ContentMD5.Value.ToArray());
        }

        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.UploadAsync("md5", data, new BlobUploadOptions { ContentMD5 = new byte[3] }, Ct));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Write_ContentMd5_MismatchIsRejectedAndWritesNothing()
    {
        SkipIfGap(BlobGap.ContentMd5NotVerified);
        byte[] data = Encoding.UTF8.GetBytes("the real content");
        byte[] wrong = MD5.HashData(Encoding.UTF8.GetBytes("something else"));
        var ex = await Assert.ThrowsAsync<CloudException>(() => Bucket.UploadAsync("bad-md5", data, new BlobUploadOptions { ContentMD5 = wrong }, Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.False(await Bucket.ExistsAsync("bad-md5", Ct));

        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.UploadAsync("bad-md5", new NonSeekableStream(data), new BlobUploadOptions { ContentMD5 = wrong }, Ct));
        Assert.False(await Bucket.ExistsAsync("bad-md5", Ct));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Write_Cancelled_LeavesNothingBehind()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var content = new CancellingStream(RandomBytes(3 * 1024 * 1024), cancelAfterBytes: 1024 * 1024, cts);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Bucket.UploadAsync("cancelled", content, null, cts.Token));
        Assert.False(await Bucket.ExistsAsync("cancelled", Ct));
        Assert.Empty(await ListAllAsync(new BlobListOptions()));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Write_PreCancelledToken_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Bucket.UploadAsync("pre", BinaryData.FromString("x"), null, cts.Token));
        Assert.False(await Bucket.ExistsAsync("pre", Ct));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Write_LargeStreamOfUnknownLength_RoundTripsByteForByte()
    {
        SkipIfGap(BlobGap.LargeUploadsBroken);
        byte[] data = RandomBytes(LargeBlobSize);
        var options = new BlobUploadOptions { ContentType = "application/x-test", PartSize = LargeUploadPartSize };
        await Bucket.UploadAsync("large/unknown-length", new NonSeekableStream(data), options, Ct);
        await Bucket.UploadAsync("large/seekable", new MemoryStream(data), options, Ct);

        foreach (string key in new[] { "large/unknown-length", "large/seekable" })
        {
            var p = await Bucket.GetPropertiesAsync(key, Ct);
            Assert.Equal(data.Length, p.Size);
            Assert.Equal("application/x-test", p.ContentType);
            await using var d = await Bucket.OpenReadAsync(key, default, Ct);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            int n;
            while ((n = await d.Content.ReadAsync(buffer, Ct)) > 0)
            {
                sha.AppendData(buffer, 0, n);
                total += n;
            }

            Assert.Equal(data.Length, total);
            Assert.Equal(SHA256.HashData(data), sha.GetHashAndReset());
        }

        var tail = await Bucket.ReadAllAsync("large/seekable", new BlobRange(data.Length - 1000), Ct);
        Assert.Equal(data.AsSpan(data.Length - 1000).ToArray(), tail.ToArray());
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Write_ConcurrentWritersAndReaders_NeverSeeATornBlob()
    {
        const int size = 256 * 1024;
        await Bucket.UploadAsync("hot", Filled(size, 0), null, Ct);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var writers = Enumerable.Range(1, 4).Select(w => Task.Run(async () =>
        {
            for (int i = 0; i < 5; i++)
            {
                await Bucket.UploadAsync("hot", Filled(size, (byte)(w * 10 + i)), null, Ct);
            }
        })).ToArray();

        int reads = 0;
        var readers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            while (!writers.All(t => t.IsCompleted) || Volatile.Read(ref reads) < 3)
            {
                var bytes = (await Bucket.ReadAllAsync("hot", default, Ct)).ToArray();
                Assert.Equal(size, bytes.Length);
                Assert.True(bytes.All(b => b == bytes[0]), "a reader saw a mix of two versions");
                Interlocked.Increment(ref reads);
            }
        })).ToArray();

        await Task.WhenAll(writers);
        await Task.WhenAll(readers);
        var final = (await Bucket.ReadAllAsync("hot", default, Ct)).ToArray();
        Assert.True(final.All(b => b == final[0]));
    }

    // ------------------------------------------------------------------ metadata

    [Fact(Timeout = TestTimeout)]
    public async Task Metadata_KeysAreCaseInsensitiveAndValuesKeepUnicode()
    {
        var metadata = new Dictionary<string, string>
        {
            ["Owner"] = "alice",
            ["x-trace_id"] = "abc-123",
            ["note"] = "héllo wörld ✓ 日本 😀",
            ["looks_encoded"] = "=?UTF-8?B?aGk=?=",
            ["empty"] = string.Empty,
            ["spaced"] = " padded ",
        };
        await Bucket.UploadAsync("meta", BinaryData.FromString("m"), new BlobUploadOptions { Metadata = metadata }, Ct);
        var p = await Bucket.GetPropertiesAsync("meta", Ct);
        Assert.Equal("alice", p.Metadata["owner"]);
        Assert.Equal("abc-123", p.Metadata["x-trace_id"]);
        Assert.Equal("héllo wörld ✓ 日本 😀", p.Metadata["note"]);
        Assert.Equal("=?UTF-8?B?aGk=?=", p.Metadata["looks_encoded"]);
        Assert.Equal(" padded ", p.Metadata["spaced"]);
        Assert.DoesNotContain("Owner", p.Metadata.Keys);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Metadata_InvalidKeys_FailBeforeAnyCall()
    {
        var dup = new Dictionary<string, string> { ["Key"] = "1", ["key"] = "2" };
        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.UploadAsync("m", BinaryData.FromString("x"), new BlobUploadOptions { Metadata = dup }, Ct));
        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.UploadAsync("m", BinaryData.FromString("x"), new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["has space"] = "v" } }, Ct));
        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.UploadAsync("m", BinaryData.FromString("x"), new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["1digit"] = "v" } }, Ct));
        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.UploadAsync("m", BinaryData.FromString("x"), new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["big"] = new string('v', 3000) } }, Ct));
        Assert.False(await Bucket.ExistsAsync("m", Ct));
    }

    // ------------------------------------------------------------------ copy and delete

    [Fact(Timeout = TestTimeout)]
    public async Task Copy_MissingSource_IsNotFound()
        => await AssertCodeAsync(CloudErrorCode.NotFound, () => Bucket.CopyAsync("nope", "dest", null, Ct));

    [Fact(Timeout = TestTimeout)]
    public async Task Copy_KeepsContentAndAttributes_WithoutAliasing()
    {
        await Bucket.UploadAsync("src", BinaryData.FromString("original"), new BlobUploadOptions
        {
            ContentType = "text/plain",
            Metadata = new Dictionary<string, string> { ["color"] = "blue" },
        }, Ct);
        var copied = await Bucket.CopyAsync("src", "dst", null, Ct);
        Assert.False(string.IsNullOrEmpty(copied.ETag));

        await Bucket.UploadAsync("src", BinaryData.FromString("changed"), new BlobUploadOptions
        {
            ContentType = "text/csv",
            Metadata = new Dictionary<string, string> { ["color"] = "red" },
        }, Ct);

        var dst = await Bucket.GetPropertiesAsync("dst", Ct);
        Assert.Equal("text/plain", dst.ContentType);
        Assert.Equal("blue", dst.Metadata["color"]);
        Assert.Equal("original", (await Bucket.ReadAllAsync("dst", default, Ct)).ToString());
        Assert.Equal("changed", (await Bucket.ReadAllAsync("src", default, Ct)).ToString());
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Delete_RemovesBlob_AndMissingKeyIsNotFound()
    {
        await PutAsync("del", "x");
        Assert.True(await Bucket.ExistsAsync("del", Ct));
        await Bucket.DeleteAsync("del", Ct);
        Assert.False(await Bucket.ExistsAsync("del", Ct));
        await AssertCodeAsync(CloudErrorCode.NotFound, () => Bucket.DeleteAsync("del", Ct));
        Assert.False(await Bucket.DeleteIfExistsAsync("del", Ct));
        await PutAsync("del", "x");
        Assert.True(await Bucket.DeleteIfExistsAsync("del", Ct));
        Assert.Empty(await ListAllAsync(new BlobListOptions()));
    }

    // ------------------------------------------------------------------ conditional writes

    [Fact(Timeout = TestTimeout)]
    public async Task IfNotExists_CreatesNewBlob()
    {
        var r = await Bucket.UploadAsync("cond/new", BinaryData.FromString("1"), new BlobUploadOptions { Condition = BlobCondition.IfNotExists }, Ct);
        Assert.Equal(r.ETag, (await Bucket.GetPropertiesAsync("cond/new", Ct)).ETag);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task IfNotExists_OnExistingBlob_IsAlreadyExistsAndKeepsTheOld()
    {
        SkipIfGap(BlobGap.CreateOnlyNotEnforced);
        await PutAsync("cond/exists", "old");
        await AssertCodeAsync(CloudErrorCode.AlreadyExists, () => Bucket.UploadAsync("cond/exists", BinaryData.FromString("new"), new BlobUploadOptions { Condition = BlobCondition.IfNotExists }, Ct));
        await AssertCodeAsync(CloudErrorCode.AlreadyExists, () => Bucket.UploadAsync("cond/exists", new NonSeekableStream(Encoding.UTF8.GetBytes("new")), new BlobUploadOptions { Condition = BlobCondition.IfNotExists }, Ct));
        Assert.Equal("old", (await Bucket.ReadAllAsync("cond/exists", default, Ct)).ToString());
    }

    [Fact(Timeout = TestTimeout)]
    public async Task IfNotExists_RacingWriters_ExactlyOneWins()
    {
        SkipIfGap(BlobGap.CreateOnlyNotEnforced);
        var attempts = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            try
            {
                await Bucket.UploadAsync("cond/race", BinaryData.FromString("writer " + i), new BlobUploadOptions { Condition = BlobCondition.IfNotExists }, Ct);
                return true;
            }
            catch (CloudException e) when (e.ErrorCode is CloudErrorCode.AlreadyExists or CloudErrorCode.PreconditionFailed)
            {
                return false;
            }
        })).ToArray();
        bool[] results = await Task.WhenAll(attempts);
        Assert.Equal(1, results.Count(r => r));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task IfMatch_WithCurrentETag_Replaces()
    {
        var v1 = await PutAsync("cond/m", "v1");
        var v2 = await Bucket.UploadAsync("cond/m", BinaryData.FromString("v2"), new BlobUploadOptions { Condition = BlobCondition.IfMatch(v1.ETag) }, Ct);
        Assert.NotEqual(v1.ETag, v2.ETag);
        Assert.Equal("v2", (await Bucket.ReadAllAsync("cond/m", default, Ct)).ToString());
        var props = await Bucket.GetPropertiesAsync("cond/m", Ct);
        await Bucket.UploadAsync("cond/m", BinaryData.FromString("v3"), new BlobUploadOptions { Condition = BlobCondition.IfMatch(props.ETag) }, Ct);
        Assert.Equal("v3", (await Bucket.ReadAllAsync("cond/m", default, Ct)).ToString());
    }

    [Fact(Timeout = TestTimeout)]
    public async Task IfMatch_WithStaleETagOrMissingBlob_IsPreconditionFailed()
    {
        SkipIfGap(BlobGap.IfMatchNotEnforced);
        var v1 = await PutAsync("cond/stale", "v1");
        await PutAsync("cond/stale", "v2 from someone else");
        await AssertCodeAsync(CloudErrorCode.PreconditionFailed, () => Bucket.UploadAsync("cond/stale", BinaryData.FromString("v3"), new BlobUploadOptions { Condition = BlobCondition.IfMatch(v1.ETag) }, Ct));
        Assert.Equal("v2 from someone else", (await Bucket.ReadAllAsync("cond/stale", default, Ct)).ToString());
        await AssertCodeAsync(CloudErrorCode.PreconditionFailed, () => Bucket.UploadAsync("cond/never", BinaryData.FromString("x"), new BlobUploadOptions { Condition = BlobCondition.IfMatch(v1.ETag) }, Ct));
        Assert.False(await Bucket.ExistsAsync("cond/never", Ct));
    }

    // ------------------------------------------------------------------ signed URLs

    [Fact(Timeout = TestTimeout)]
    public async Task SignedUrls_WithoutSupport_AreNotSupported()
    {
        if (Bucket.Capabilities.SignedUrls)
        {
            Assert.Skip($"{Bucket.Provider} supports signed URLs; SignedUrls_GetAndPut_WorkWithPlainHttp covers it.");
        }

        await PutAsync("s", "x");
        await AssertCodeAsync(CloudErrorCode.NotSupported, () => Bucket.GetSignedUrlAsync("s", null, Ct));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task SignedUrls_GetAndPut_WorkWithPlainHttp()
    {
        if (!Bucket.Capabilities.SignedUrls)
        {
            Assert.Skip($"{Bucket.Provider} has no signed URLs; SignedUrls_WithoutSupport_AreNotSupported covers it.");
        }

        SkipIfGap(BlobGap.SignedUrlsNotServed);
        await PutAsync("signed/get", "downloadable");
        using var http = new HttpClient();
        var getUrl = await Bucket.GetSignedUrlAsync("signed/get", new BlobSignedUrlOptions { ExpiresIn = TimeSpan.FromMinutes(5) }, Ct);
        Assert.Equal("downloadable", await http.GetStringAsync(getUrl, Ct));

        var putUrl = await Bucket.GetSignedUrlAsync("signed/put", new BlobSignedUrlOptions { Method = SignedUrlMethod.Put, ContentType = "text/plain", ExpiresIn = TimeSpan.FromMinutes(5) }, Ct);
        using var put = new HttpRequestMessage(HttpMethod.Put, putUrl) { Content = new StringContent("uploaded", Encoding.UTF8) };
        put.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        PrepareSignedPut(put);
        using var response = await http.SendAsync(put, Ct);
        Assert.True(response.IsSuccessStatusCode, $"signed PUT answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
        Assert.Equal("uploaded", (await Bucket.ReadAllAsync("signed/put", default, Ct)).ToString());

        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.GetSignedUrlAsync("signed/get", new BlobSignedUrlOptions { ExpiresIn = TimeSpan.Zero }, Ct));
        await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => Bucket.GetSignedUrlAsync("signed/get", new BlobSignedUrlOptions { ExpiresIn = TimeSpan.FromDays(8) }, Ct));
    }

    [Fact(Timeout = TestTimeout)]
    public async Task SignedUrls_Expired_AreRejected()
    {
        if (!Bucket.Capabilities.SignedUrls)
        {
            Assert.Skip($"{Bucket.Provider} has no signed URLs.");
        }

        SkipIfGap(BlobGap.SignedUrlsNotServed);
        SkipIfGap(BlobGap.SignedUrlExpiryNotEnforced);
        await PutAsync("signed/expiring", "secret");
        var url = await Bucket.GetSignedUrlAsync("signed/expiring", new BlobSignedUrlOptions { ExpiresIn = TimeSpan.FromSeconds(1) }, Ct);
        await Task.Delay(TimeSpan.FromSeconds(2.5), Ct);
        using var http = new HttpClient();
        using var response = await http.GetAsync(url, Ct);
        Assert.False(response.IsSuccessStatusCode, "an expired signed URL still worked");
        Assert.True(response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest, $"unexpected status {(int)response.StatusCode}");
    }

    // ------------------------------------------------------------------ properties and errors

    [Fact(Timeout = TestTimeout)]
    public async Task Properties_DescribeTheBlob()
    {
        var r = await PutAsync("props", "twelve bytes");
        var p = await Bucket.GetPropertiesAsync("props", Ct);
        Assert.Equal("props", p.Key);
        Assert.Equal(12, p.Size);
        Assert.Equal(r.ETag, p.ETag);
        Assert.True(await Bucket.ExistsAsync("props", Ct));
        Assert.False(await Bucket.ExistsAsync("props-not", Ct));
        var listed = Assert.Single(await ListAllAsync(new BlobListOptions { Prefix = "props" }));
        Assert.Equal(12, listed.Size);
        Assert.Equal(p.ETag, listed.ETag);
    }

    [Fact(Timeout = TestTimeout)]
    public async Task Errors_CarryProviderAndCode()
    {
        var ex = await Assert.ThrowsAsync<CloudException>(() => Bucket.GetPropertiesAsync("missing/key", Ct));
        Assert.Equal(CloudErrorCode.NotFound, ex.ErrorCode);
        Assert.Equal(Bucket.Provider, ex.Provider);
        Assert.Contains("missing/key", ex.Message, StringComparison.Ordinal);
        Assert.False(ex.IsTransient);
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

    /// <summary>Uploads a string.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The content.</param>
    /// <returns>The write result.</returns>
    protected Task<BlobWriteResult> PutAsync(string key, string value)
        => Bucket.UploadAsync(key, BinaryData.FromString(value), null, Ct);

    /// <summary>Lists everything matching the options.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The items.</returns>
    protected async Task<List<BlobItem>> ListAllAsync(BlobListOptions options)
    {
        var items = new List<BlobItem>();
        await foreach (var item in Bucket.ListAsync(options, Ct))
        {
            items.Add(item);
        }

        return items;
    }

    /// <summary>Asserts that an operation fails with a <see cref="CloudException"/> of the given code.</summary>
    /// <param name="code">The expected code.</param>
    /// <param name="action">The operation.</param>
    /// <returns>The exception.</returns>
    protected static async Task<CloudException> AssertCodeAsync(CloudErrorCode code, Func<Task> action)
    {
        var ex = await Assert.ThrowsAsync<CloudException>(action);
        Assert.True(ex.ErrorCode == code, $"expected {code}, got {ex.ErrorCode}: {ex.Message}");
        return ex;
    }

    private static byte[] RandomBytes(int n)
    {
        byte[] b = new byte[n];
        new Random(n).NextBytes(b);
        return b;
    }

    private static byte[] Filled(int size, byte value)
    {
        byte[] b = new byte[size];
        Array.Fill(b, value);
        return b;
    }

    private async Task<string> ReadStringAsync(string key, BlobRange range)
        => (await Bucket.ReadAllAsync(key, range, Ct)).ToString();
}
