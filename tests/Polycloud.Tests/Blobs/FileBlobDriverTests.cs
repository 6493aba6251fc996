using Polycloud.Blobs;
using Polycloud.Blobs.FileSystem;
using Xunit;

namespace Polycloud.Tests.Blobs;

public sealed class FileBlobDriverTests : IDisposable
{
    private readonly string _parent = Path.Combine(Path.GetTempPath(), "polycloud-fs-" + Guid.NewGuid().ToString("N"));
    private readonly string _root;

    public FileBlobDriverTests()
    {
        _root = Path.Combine(_parent, "root");
        Directory.CreateDirectory(_root);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    [Theory]
    [InlineData("../escape")]
    [InlineData("../../etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("/absolute/path")]
    [InlineData("back\\..\\..\\slash")]
    [InlineData(".hidden")]
    [InlineData(".polycloud-tmp/write.lock")]
    [InlineData("a/./b")]
    public async Task Keys_NeverEscapeTheRoot(string key)
    {
        await using var bucket = new BlobBucket(new FileBlobDriver(_root));
        await bucket.UploadAsync(key, BinaryData.FromString(key), null, Ct);

        var everything = Directory.EnumerateFileSystemEntries(_parent, "*", SearchOption.AllDirectories).ToArray();
        Assert.All(everything, p => Assert.StartsWith(_root, Path.GetFullPath(p), StringComparison.Ordinal));
        Assert.Equal(key, (await bucket.ReadAllAsync(key, default, Ct)).ToString());
        var listed = new List<string>();
        await foreach (var item in bucket.ListAsync(null, Ct))
        {
            listed.Add(item.Key);
        }

        Assert.Equal([key], listed);
    }

    [Fact]
    public async Task PropertiesMetadataAndETag_SurviveARestart()
    {
        BlobWriteResult written;
        await using (var bucket = new BlobBucket(new FileBlobDriver(_root)))
        {
            written = await bucket.UploadAsync("docs/a.json", BinaryData.FromString("{\"a\":1}"), new BlobUploadOptions
            {
                ContentType = "application/json",
                CacheControl = "no-cache",
                Metadata = new Dictionary<string, string> { ["Owner"] = "zoë" },
            }, Ct);
        }

        await using var reopened = new PolycloudOpener().OpenBucket("file://" + _root);
        var p = await reopened.GetPropertiesAsync("docs/a.json", Ct);
        Assert.Equal(written.ETag, p.ETag);
        Assert.Equal("application/json", p.ContentType);
        Assert.Equal("no-cache", p.CacheControl);
        Assert.Equal("zoë", p.Metadata["owner"]);
        Assert.Equal(7, p.Size);
        await reopened.UploadAsync("docs/a.json", BinaryData.FromString("{}"), new BlobUploadOptions { Condition = BlobCondition.IfMatch(written.ETag) }, Ct);
    }

    [Fact]
    public async Task TwoInstancesOnOneDirectory_CreateOnlyRace_HasOneWinner()
    {
        await using var a = new BlobBucket(new FileBlobDriver(_root));
        await using var b = new BlobBucket(new FileBlobDriver(_root));
        var tasks = Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            var bucket = i % 2 == 0 ? a : b;
            try
            {
                await bucket.UploadAsync("lock", BinaryData.FromString("writer " + i), new BlobUploadOptions { Condition = BlobCondition.IfNotExists }, Ct);
                return true;
            }
            catch (CloudException e) when (e.ErrorCode == CloudErrorCode.AlreadyExists)
            {
                return false;
            }
        }));
        Assert.Equal(1, (await Task.WhenAll(tasks)).Count(won => won));
    }

    [Fact]
    public async Task FailedAndCancelledWrites_LeaveNoTemporaryFiles()
    {
        await using var bucket = new BlobBucket(new FileBlobDriver(_root));
        await bucket.UploadAsync("k", BinaryData.FromString("1"), null, Ct);
        await Assert.ThrowsAsync<CloudException>(() => bucket.UploadAsync("k", BinaryData.FromString("2"), new BlobUploadOptions { Condition = BlobCondition.IfNotExists }, Ct));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bucket.UploadAsync("k2", new MemoryStream(new byte[100]), null, cts.Token));
        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(_root, ".polycloud-tmp")), f => !f.EndsWith("write.lock", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFileChangedOutsidePolycloud_IsReportedNotMisread()
    {
        await using var bucket = new BlobBucket(new FileBlobDriver(_root));
        await bucket.UploadAsync("k", BinaryData.FromString("1"), null, Ct);
        string file = Directory.EnumerateFiles(_root, "*.blob").Single();
        await File.WriteAllTextAsync(file, "edited by hand", Ct);
        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.GetPropertiesAsync("k", Ct));
        Assert.Equal(CloudErrorCode.Internal, ex.ErrorCode);
        Assert.Contains("changed outside", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadersKeepTheVersionTheyOpened()
    {
        await using var bucket = new BlobBucket(new FileBlobDriver(_root));
        await bucket.UploadAsync("v", BinaryData.FromString("version one"), null, Ct);
        await using var reader = await bucket.OpenReadAsync("v", default, Ct);
        await bucket.UploadAsync("v", BinaryData.FromString("version two, longer"), null, Ct);
        using var sr = new StreamReader(reader.Content);
        Assert.Equal("version one", await sr.ReadToEndAsync(Ct));
        Assert.Equal("version two, longer", (await bucket.ReadAllAsync("v", default, Ct)).ToString());
    }
}
