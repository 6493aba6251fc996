using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;
using Polycloud.Blobs.FileSystem;
using Xunit;

namespace Polycloud.Tests.Blobs;

/// <summary>The file driver's multipart staging folder: hidden from listings, out of reach of keys, resumable across
/// bucket instances, and removed by complete and abort.</summary>
public sealed class FileBlobMultipartTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "polycloud-fs-multipart-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Uploads => Path.Combine(_root, ".polycloud-uploads");

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public async Task Staging_IsHiddenFromListings_AndKeysCannotNameIt()
    {
        await using var bucket = new BlobBucket(new FileBlobDriver(_root, createIfMissing: true));
        var multipart = bucket.As<IBlobMultipartDriver>();
        var upload = await multipart.StartMultipartUploadAsync("a", new BlobUploadOptions(), Ct);
        await multipart.UploadPartAsync(upload, 1, new byte[] { 1, 2, 3 }, Ct);

        // Keys that look like the staging folder are stored elsewhere (a leading '.' is encoded).
        await bucket.UploadAsync(".polycloud-uploads/" + upload.UploadId + "/upload.json", BinaryData.FromString("not the manifest"), null, Ct);
        await bucket.UploadAsync("visible", BinaryData.FromString("v"), null, Ct);

        var keys = new List<string>();
        await foreach (var item in bucket.ListAsync(new BlobListOptions { Delimiter = "/" }, Ct))
        {
            keys.Add(item.Key);
        }

        Assert.Equal([".polycloud-uploads/", "visible"], keys); // the user's own key, as a prefix; not the staging folder
        Assert.Equal([1], (await multipart.ListUploadedPartsAsync(upload, Ct)).Select(p => p.PartNumber));
        Assert.True(File.Exists(Path.Combine(Uploads, upload.UploadId, "upload.json")));
        Assert.Equal(3, new FileInfo(Path.Combine(Uploads, upload.UploadId, "00001.part")).Length);
    }

    [Fact]
    public async Task AnUpload_SurvivesReopeningTheBucket_AndCompleteRemovesItsFolder()
    {
        BlobMultipartUpload upload;
        BlobUploadedPart first;
        await using (var bucket = new BlobBucket(new FileBlobDriver(_root, createIfMissing: true)))
        {
            upload = await bucket.As<IBlobMultipartDriver>().StartMultipartUploadAsync("resumed", new BlobUploadOptions { ContentType = "text/plain" }, Ct);
            first = await bucket.As<IBlobMultipartDriver>().UploadPartAsync(upload, 1, "hello "u8.ToArray(), Ct);
        }

        await using (var bucket = new BlobBucket(new FileBlobDriver(_root)))
        {
            var multipart = bucket.As<IBlobMultipartDriver>();
            Assert.Equal([upload], await ToListAsync(multipart.ListMultipartUploadsAsync(string.Empty, Ct)));
            Assert.Equal([first], await multipart.ListUploadedPartsAsync(upload, Ct));
            var second = await multipart.UploadPartAsync(upload, 2, "world"u8.ToArray(), Ct);
            await multipart.CompleteMultipartUploadAsync(upload, [first, second], new BlobUploadOptions(), Ct);
            Assert.Equal("hello world", (await bucket.ReadAllAsync("resumed", default, Ct)).ToString());
            Assert.Equal("text/plain", (await bucket.GetPropertiesAsync("resumed", Ct)).ContentType);
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(Uploads));
    }

    [Fact]
    public async Task AChangedPart_FailsTheCompleteAndWritesNothing()
    {
        await using var bucket = new BlobBucket(new FileBlobDriver(_root, createIfMissing: true));
        var multipart = bucket.As<IBlobMultipartDriver>();
        var upload = await multipart.StartMultipartUploadAsync("changed", new BlobUploadOptions(), Ct);
        var stale = await multipart.UploadPartAsync(upload, 1, "one"u8.ToArray(), Ct);
        await multipart.UploadPartAsync(upload, 1, "two"u8.ToArray(), Ct);

        var ex = await Assert.ThrowsAsync<CloudException>(() => multipart.CompleteMultipartUploadAsync(upload, [stale], new BlobUploadOptions(), Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.False(await bucket.ExistsAsync("changed", Ct));
        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(_root, ".polycloud-tmp")), f => Path.GetFileName(f).Length == 32);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
