using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;
using Polycloud.Google.Blobs;
using Xunit;

namespace Polycloud.Google.Tests.Blobs;

/// <summary>
/// Multipart uploads on Cloud Storage, checked at the wire against <see cref="FakeGcsHandler"/> (objects.compose answered
/// as the JSON API documents it): the compose tree the emulator cannot serve, the hidden part objects, and the crc32c format.
/// </summary>
public sealed class GcsTransferWireTests : IDisposable
{
    private const string BucketName = "wire-bucket";
    private readonly FakeGcsHandler _handler = new();
    private readonly BlobBucket _bucket;
    private readonly List<JsonObject> _composes = [];
    private long _composedGeneration = 9_000;

    public GcsTransferWireTests()
    {
        _bucket = new BlobBucket(new GcsBlobDriver(_handler.CreateClient(), BucketName));
        _handler.Intercept = r =>
        {
            if (r.Method != HttpMethod.Post || !r.Uri.AbsolutePath.EndsWith("/compose", StringComparison.Ordinal))
            {
                return null;
            }

            var body = JsonNode.Parse(r.BodyText)!.AsObject();
            lock (_composes)
            {
                _composes.Add(body);
            }

            string name = Uri.UnescapeDataString(r.Uri.AbsolutePath.Split("/o/")[1][..^"/compose".Length]);
            var resource = new JsonObject
            {
                ["kind"] = "storage#object",
                ["bucket"] = BucketName,
                ["name"] = name,
                ["generation"] = Interlocked.Increment(ref _composedGeneration).ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["size"] = "0",
            };
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(resource.ToJsonString(), Encoding.UTF8, "application/json") };
        };
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IBlobMultipartDriver Multipart => _bucket.As<IBlobMultipartDriver>();

    public void Dispose() => _bucket.Dispose();

    [Fact]
    public async Task Complete_WithFortyParts_ComposesInATree_WithGenerationPreconditions_ThenDeletesTheTemporaries()
    {
        var options = new BlobUploadOptions { ContentType = "text/csv", Metadata = new Dictionary<string, string> { ["origin"] = "tree" } };
        var upload = await Multipart.StartMultipartUploadAsync("big.csv", options, Ct);
        var parts = new List<BlobUploadedPart>();
        for (int n = 1; n <= 40; n++)
        {
            parts.Add(await Multipart.UploadPartAsync(upload, n, Encoding.ASCII.GetBytes($"part {n};"), Ct));
        }

        await Multipart.CompleteMultipartUploadAsync(upload, parts, new BlobUploadOptions { Condition = BlobCondition.IfNotExists }, Ct);

        Assert.Equal(3, _composes.Count); // 32 + 8 parts into two intermediates, then the two into the blob
        var first = _composes[0]["sourceObjects"]!.AsArray();
        Assert.Equal(32, first.Count);
        Assert.Equal($".polycloud-uploads/{upload.UploadId}/00001", (string)first[0]!["name"]!);
        Assert.Equal(parts[0].ETag, first[0]!["generation"]!.ToString());
        Assert.Equal(parts[0].ETag, first[0]!["objectPreconditions"]!["ifGenerationMatch"]!.ToString());
        Assert.Equal(8, _composes[1]["sourceObjects"]!.AsArray().Count);
        var last = _composes[2];
        Assert.Equal(2, last["sourceObjects"]!.AsArray().Count);
        Assert.Equal("text/csv", (string)last["destination"]!["contentType"]!);
        Assert.Equal("tree", (string)last["destination"]!["metadata"]!["origin"]!);
        Assert.Null(last["destination"]!["metadata"]!["polycloud-upload-key"]);
        var finalCompose = _handler.Matching(HttpMethod.Post, "/compose").Last();
        Assert.Contains("/o/big.csv/compose", finalCompose.Uri.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal("0", finalCompose.Query("ifGenerationMatch"));

        // Every part, intermediate and the manifest were deleted.
        var deleted = _handler.Matching(HttpMethod.Delete, "/o/").Select(r => Uri.UnescapeDataString(r.Uri.AbsolutePath.Split("/o/")[1])).ToHashSet();
        Assert.Equal(43, deleted.Count);
        Assert.Contains($".polycloud-uploads/{upload.UploadId}.upload", deleted);
        Assert.All(deleted, d => Assert.StartsWith(".polycloud-uploads/", d, StringComparison.Ordinal));
    }

    [Fact]
    public async Task HiddenUploadObjects_AreNotListed_AndKeysUnderThemAreRefused()
    {
        await _bucket.UploadAsync("visible", BinaryData.FromString("v"), null, Ct);
        var upload = await Multipart.StartMultipartUploadAsync("pending", new BlobUploadOptions(), Ct);
        await Multipart.UploadPartAsync(upload, 1, new byte[] { 1, 2, 3 }, Ct);

        var flat = new List<string>();
        await foreach (var item in _bucket.ListAsync(null, Ct))
        {
            flat.Add(item.Key);
        }

        var root = new List<string>();
        await foreach (var item in _bucket.ListAsync(new BlobListOptions { Delimiter = "/" }, Ct))
        {
            root.Add(item.Key);
        }

        Assert.Equal(["visible"], flat);
        Assert.Equal(["visible"], root);
        var page = await _bucket.ListPageAsync(new BlobListOptions { PageSize = 1 }, null, Ct);
        Assert.Equal(["visible"], page.Items.Select(i => i.Key));

        var ex = await Assert.ThrowsAsync<CloudException>(() => _bucket.UploadAsync(".polycloud-uploads/x", BinaryData.FromString("x"), null, Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        await Assert.ThrowsAsync<CloudException>(() => Multipart.StartMultipartUploadAsync(".polycloud-uploads/y", new BlobUploadOptions(), Ct));
    }

    [Theory]
    [InlineData("AAAAAA==", 0u)]
    [InlineData("4waSgw==", 0xE3069283u)] // CRC32C("123456789"), the check value of the Castagnoli polynomial
    [InlineData("", null)]
    [InlineData("not base64", null)]
    [InlineData("AAAAAAA=", null)]
    public void Crc32c_IsBigEndianBase64(string field, uint? expected)
        => Assert.Equal(expected, GcsBlobDriver.ParseCrc32c(field));
}
