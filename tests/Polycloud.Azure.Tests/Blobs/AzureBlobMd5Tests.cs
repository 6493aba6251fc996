using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Polycloud.Azure.Blobs;
using Polycloud.Blobs;
using Polycloud.Testing.Conformance.Blobs;
using Xunit;

#pragma warning disable CA5351 // MD5 is the content checksum Azure uses.

namespace Polycloud.Azure.Tests.Blobs;

/// <summary>Every upload stores its MD5 (one Put Blob for small content, seekable or not), and a blob without one reads
/// as <see langword="null"/>: at the wire and against Azurite.</summary>
public sealed class AzureBlobMd5Tests : IAsyncLifetime
{
    private BlobContainerClient _container = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _container = await Azurite.CreateContainerAsync("md5");

    public async ValueTask DisposeAsync() => await Azurite.DeleteQuietlyAsync(_container);

    [Fact]
    public async Task A_small_non_seekable_stream_is_one_Put_Blob_with_its_MD5()
    {
        var handler = new RecordingHandler();
        await using var bucket = new BlobBucket(new AzureBlobDriver(handler.Container()));
        byte[] data = RandomNumberGenerator.GetBytes(256 * 1024);
        await bucket.UploadAsync("k", new NonSeekableStream(data), null, Ct);
        var put = Assert.Single(handler.Requests);
        Assert.Equal("PUT", put.Method);
        Assert.DoesNotContain("comp=block", put.Query, StringComparison.Ordinal);
        Assert.Equal("BlockBlob", put.Header("x-ms-blob-type"));
        Assert.Equal(Convert.ToBase64String(MD5.HashData(data)), put.Header("x-ms-blob-content-md5"));
    }

    public static TheoryData<string, int> Uploads => new()
    {
        { "non-seekable 256 KiB", 256 * 1024 },
        { "seekable 256 KiB", 256 * 1024 },
        { "non-seekable, two blocks", (5 * 1024 * 1024) + 1000 },
        { "bytes 256 KiB", 256 * 1024 },
    };

    [Theory]
    [MemberData(nameof(Uploads))]
    public async Task Every_upload_stores_its_MD5_on_Azurite(string kind, int size)
    {
        await using var bucket = new BlobBucket(new AzureBlobDriver(_container));
        byte[] data = RandomNumberGenerator.GetBytes(size);
        var options = new BlobUploadOptions { PartSize = 5 * 1024 * 1024 };
        if (kind.StartsWith("bytes", StringComparison.Ordinal))
        {
            await bucket.UploadAsync("k", new BinaryData(data), options, Ct);
        }
        else
        {
            using Stream content = kind.StartsWith("seekable", StringComparison.Ordinal) ? new MemoryStream(data) : new NonSeekableStream(data);
            await bucket.UploadAsync("k", content, options, Ct);
        }

        var props = await bucket.GetPropertiesAsync("k", Ct);
        Assert.Equal(MD5.HashData(data), props.ContentMD5!.Value.ToArray());
        Assert.Equal(data, (await bucket.ReadAllAsync("k", default, Ct)).ToArray());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task A_blob_without_an_MD5_reads_as_null_not_an_empty_array(string? header)
    {
        // Azure stores no Content-MD5 for a block list committed without one (Azurite computes one, so this is checked
        // at the wire): the answer has no header, or an empty one.
        var handler = new RecordingHandler(_ =>
        {
            var r = RecordingHandler.Blob(new byte[10]);
            if (header is not null)
            {
                r.Content.Headers.TryAddWithoutValidation("Content-MD5", header);
            }

            return r;
        });
        await using var bucket = new BlobBucket(new AzureBlobDriver(handler.Container()));
        var props = await bucket.GetPropertiesAsync("foreign", Ct);
        Assert.Null(props.ContentMD5);
        Assert.Equal("HEAD", Assert.Single(handler.Requests).Method);
    }
}
