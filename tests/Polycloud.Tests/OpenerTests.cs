using Polycloud.Blobs;
using Xunit;

namespace Polycloud.Tests;

public sealed class OpenerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpenBucket_MemoryAndFile_Work()
    {
        var opener = new PolycloudOpener();
        Assert.Contains("mem", opener.BlobSchemes);
        Assert.Contains("file", opener.BlobSchemes);

        await using var mem = opener.OpenBucket("mem://scratch");
        Assert.Equal("memory", mem.Provider);
        Assert.Equal("scratch", mem.Name);
        await mem.UploadAsync("k", BinaryData.FromString("v"), null, Ct);
        Assert.Equal("v", (await mem.ReadAllAsync("k", default, Ct)).ToString());

        string dir = Path.Combine(Path.GetTempPath(), "polycloud-open-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var file = opener.OpenBucket($"file://{dir}?create=true");
            Assert.Equal("file", file.Provider);
            await file.UploadAsync("k", BinaryData.FromString("v"), null, Ct);
            Assert.True(Directory.Exists(dir));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void OpenBucket_UnknownScheme_ListsTheRegisteredOnes()
    {
        var ex = Assert.Throws<CloudException>(() => new PolycloudOpener().OpenBucket("s4://bucket"));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("'s4'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("file, mem", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenBucket_FileUrlMistakes_AreExplained()
    {
        var opener = new PolycloudOpener();
        Assert.Contains("three slashes", Assert.Throws<CloudException>(() => opener.OpenBucket("file://relative/dir")).Message, StringComparison.Ordinal);
        var missing = Assert.Throws<CloudException>(() => opener.OpenBucket("file:///definitely/not/here/" + Guid.NewGuid().ToString("N")));
        Assert.Equal(CloudErrorCode.NotFound, missing.ErrorCode);
        Assert.Contains("create=true", missing.Message, StringComparison.Ordinal);
        Assert.Contains("crate", Assert.Throws<CloudException>(() => opener.OpenBucket("mem://x?crate=true")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EscapeHatch_GivesTheNativeObjectOrNotSupported()
    {
        await using var mem = new PolycloudOpener().OpenBucket("mem://x");
        Assert.True(mem.TryAs<Polycloud.Blobs.Memory.MemoryBlobDriver>(out var native));
        Assert.NotNull(native);
        Assert.False(mem.TryAs<Uri>(out _));
        Assert.Equal(CloudErrorCode.NotSupported, Assert.Throws<CloudException>(() => mem.As<Uri>()).ErrorCode);
    }
}
