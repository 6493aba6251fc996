using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Google;
using Google.Apis.Auth.OAuth2.Responses;
using Polycloud.Blobs;
using Polycloud.Google.Blobs;

#pragma warning disable CA5351 // MD5 is the checksum GCS uses, not a security primitive.

namespace Polycloud.Google.Tests.Blobs;

/// <summary>
/// The driver's requests and its handling of answers, checked at the wire against <see cref="FakeGcsHandler"/>: what
/// the emulator does not enforce (generation preconditions, MD5 checks, chunked uploads) is proven here.
/// </summary>
public sealed class GcsBlobWireTests : IDisposable
{
    private const string BucketName = "wire-bucket";
    private readonly FakeGcsHandler _handler = new();
    private readonly BlobBucket _bucket;

    public GcsBlobWireTests()
    {
        _bucket = new BlobBucket(new GcsBlobDriver(_handler.CreateClient(), BucketName));
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _bucket.Dispose();

    [Fact]
    public async Task An_object_without_an_md5Hash_reads_ContentMD5_null_not_an_empty_array()
    {
        await _bucket.UploadAsync("composite/k", BinaryData.FromString("parts"), null, Ct);
        Assert.Null((await _bucket.GetPropertiesAsync("composite/k", Ct)).ContentMD5);
        await _bucket.UploadAsync("plain", BinaryData.FromString("parts"), null, Ct);
        Assert.Equal(MD5.HashData("parts"u8), (await _bucket.GetPropertiesAsync("plain", Ct)).ContentMD5!.Value.ToArray());
    }

    [Fact]
    public async Task Upload_IfNotExists_SendsIfGenerationMatchZero_And412IsAlreadyExists()
    {
        var created = await _bucket.UploadAsync("k", BinaryData.FromString("one"), new BlobUploadOptions { Condition = BlobCondition.IfNotExists }, Ct);
        var start = Assert.Single(_handler.Matching(HttpMethod.Post, "/upload/storage/v1/b/wire-bucket/o"));
        Assert.Equal("0", start.Query("ifGenerationMatch"));
        Assert.Equal("resumable", start.Query("uploadType"));

        var ex = await Assert.ThrowsAsync<CloudException>(() => _bucket.UploadAsync("k", BinaryData.FromString("two"), new BlobUploadOptions { Condition = BlobCondition.IfNotExists }, Ct));
        Assert.Equal(CloudErrorCode.AlreadyExists, ex.ErrorCode);
        Assert.Equal("gcp-storage", ex.Provider);
        Assert.IsType<GoogleApiException>(ex.InnerException);
        Assert.Equal(created.ETag, (await _bucket.GetPropertiesAsync("k", Ct)).ETag);
        Assert.Equal("one", (await _bucket.ReadAllAsync("k", default, Ct)).ToString());
    }

    [Fact]
    public async Task Upload_IfMatch_SendsIfGenerationMatch_And412IsPreconditionFailed()
    {
        var v1 = await _bucket.UploadAsync("k", BinaryData.FromString("v1"), null, Ct);
        Assert.Matches("^[0-9]+$", v1.ETag);
        Assert.Null(_handler.Matching(HttpMethod.Post, "/upload/").Single().Query("ifGenerationMatch"));

        var v2 = await _bucket.UploadAsync("k", BinaryData.FromString("v2"), new BlobUploadOptions { Condition = BlobCondition.IfMatch(v1.ETag) }, Ct);
        Assert.Equal(v1.ETag, _handler.Matching(HttpMethod.Post, "/upload/").Last().Query("ifGenerationMatch"));
        Assert.NotEqual(v1.ETag, v2.ETag);

        await AssertCodeAsync(CloudErrorCode.PreconditionFailed, () => _bucket.UploadAsync("k", BinaryData.FromString("v3"), new BlobUploadOptions { Condition = BlobCondition.IfMatch(v1.ETag) }, Ct));
        await AssertCodeAsync(CloudErrorCode.PreconditionFailed, () => _bucket.UploadAsync("missing", BinaryData.FromString("x"), new BlobUploadOptions { Condition = BlobCondition.IfMatch(v1.ETag) }, Ct));
        Assert.Equal("v2", (await _bucket.ReadAllAsync("k", default, Ct)).ToString());
    }

    [Fact]
    public async Task Upload_IfMatch_WithAnETagThatIsNotAGeneration_FailsWithoutARequest()
    {
        var ex = await AssertCodeAsync(CloudErrorCode.PreconditionFailed, () => _bucket.UploadAsync("k", BinaryData.FromString("x"), new BlobUploadOptions { Condition = BlobCondition.IfMatch("\"0x8DC0FFEE\"") }, Ct));
        Assert.Contains("generation", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public async Task Upload_ContentMd5_SendsMd5Hash_And400IsInvalidArgument()
    {
        byte[] data = Encoding.UTF8.GetBytes("payload");
        byte[] md5 = MD5.HashData(data);
        await _bucket.UploadAsync("good", data, new BlobUploadOptions { ContentMD5 = md5 }, Ct);
        var start = _handler.Matching(HttpMethod.Post, "/upload/").Single();
        Assert.Equal(Convert.ToBase64String(md5), (string?)JsonNode.Parse(start.BodyText)!["md5Hash"]);
        Assert.Equal(md5, (await _bucket.GetPropertiesAsync("good", Ct)).ContentMD5!.Value.ToArray());

        byte[] wrong = MD5.HashData(Encoding.UTF8.GetBytes("other"));
        var ex = await AssertCodeAsync(CloudErrorCode.InvalidArgument, () => _bucket.UploadAsync("bad", data, new BlobUploadOptions { ContentMD5 = wrong }, Ct));
        Assert.Contains("MD5", ex.Message, StringComparison.Ordinal);
        Assert.False(await _bucket.ExistsAsync("bad", Ct));
    }

    [Fact]
    public async Task Upload_SendsContentHeadersAndUnicodeMetadataAsJson()
    {
        await _bucket.UploadAsync("doc", BinaryData.FromString("{}"), new BlobUploadOptions
        {
            ContentType = "application/json",
            CacheControl = "no-cache",
            ContentDisposition = "inline",
            ContentEncoding = "identity",
            ContentLanguage = "fr",
            Metadata = new Dictionary<string, string> { ["Note"] = "héllo ✓ 😀", ["looks"] = "=?UTF-8?B?aGk=?=" },
        }, Ct);
        var json = JsonNode.Parse(_handler.Matching(HttpMethod.Post, "/upload/").Single().BodyText)!;
        Assert.Equal("doc", (string?)json["name"]);
        Assert.Equal("application/json", (string?)json["contentType"]);
        Assert.Equal("no-cache", (string?)json["cacheControl"]);
        Assert.Equal("inline", (string?)json["contentDisposition"]);
        Assert.Equal("identity", (string?)json["contentEncoding"]);
        Assert.Equal("fr", (string?)json["contentLanguage"]);
        Assert.Equal("héllo ✓ 😀", (string?)json["metadata"]!["note"]); // stored as given: JSON carries Unicode
        Assert.Equal("=?UTF-8?B?aGk=?=", (string?)json["metadata"]!["looks"]);

        var p = await _bucket.GetPropertiesAsync("doc", Ct);
        Assert.Equal("héllo ✓ 😀", p.Metadata["note"]);
        Assert.Equal("no-cache", p.CacheControl);
        Assert.Equal("fr", p.ContentLanguage);
    }

    [Fact]
    public async Task Upload_KeyWithLeadingSlash_IsSentUnchanged()
    {
        await _bucket.UploadAsync("/leading-slash", BinaryData.FromString("x"), null, Ct);
        Assert.Equal("/leading-slash", (string?)JsonNode.Parse(_handler.Matching(HttpMethod.Post, "/upload/").Single().BodyText)!["name"]);
        Assert.Equal("/leading-slash", Assert.Single(await ListAllAsync(new BlobListOptions())).Key);
        Assert.Equal("x", (await _bucket.ReadAllAsync("/leading-slash", default, Ct)).ToString());
        Assert.Contains(_handler.Requests, r => r.Uri.AbsoluteUri.EndsWith("/o/%2Fleading-slash?alt=media", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upload_LargeStream_IsSentInChunksOfThePartSizeAndRoundTrips()
    {
        byte[] data = new byte[(12 * 1024 * 1024) + 7];
        new Random(42).NextBytes(data);
        await _bucket.UploadAsync("big", new NonSeekable(data), new BlobUploadOptions { PartSize = 5 * 1024 * 1024 }, Ct);
        var chunks = _handler.Matching(HttpMethod.Put, "/upload/").ToList();
        Assert.Equal(3, chunks.Count);
        Assert.Equal(5 * 1024 * 1024, chunks[0].Body.Length);
        Assert.StartsWith("bytes 0-5242879/", chunks[0].Header("Content-Range"), StringComparison.Ordinal);
        Assert.Equal($"bytes 10485760-{data.Length - 1}/{data.Length}", chunks[2].Header("Content-Range"));
        Assert.Equal(data, (await _bucket.ReadAllAsync("big", default, Ct)).ToArray());
    }

    [Fact]
    public async Task Upload_PartSizeIsRoundedUpToA256KiBMultiple()
    {
        byte[] data = new byte[(6 * 1024 * 1024) + 1];
        await _bucket.UploadAsync("odd", new NonSeekable(data), new BlobUploadOptions { PartSize = (5 * 1024 * 1024) + 1 }, Ct);
        var chunks = _handler.Matching(HttpMethod.Put, "/upload/").ToList();
        Assert.Equal((5 * 1024 * 1024) + (256 * 1024), chunks[0].Body.Length);
        Assert.Equal(2, chunks.Count);
    }

    [Fact]
    public async Task OpenRead_SendsRangeHeaders_AndMapsTheAnswer()
    {
        await _bucket.UploadAsync("r", BinaryData.FromString("0123456789abcdefghij"), new BlobUploadOptions { ContentType = "text/plain" }, Ct);
        _handler.Requests.Clear();

        await using (var d = await _bucket.OpenReadAsync("r", new BlobRange(5, 4), Ct))
        {
            Assert.Equal(4, d.ContentLength);
            Assert.Equal(20, d.Size);
            Assert.Equal("text/plain", d.ContentType);
            Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), d.LastModified);
            Assert.Equal("5678", await new StreamReader(d.Content).ReadToEndAsync(Ct));
        }

        var get = Assert.Single(_handler.Requests);
        Assert.Equal("bytes=5-8", get.Header("Range"));
        Assert.Equal("media", get.Query("alt"));
        Assert.Equal("/storage/v1/b/wire-bucket/o/r", get.Uri.AbsolutePath);
        Assert.Contains("gzip", get.Header("Accept-Encoding"), StringComparison.Ordinal);

        Assert.Equal("abcdefghij", (await _bucket.ReadAllAsync("r", new BlobRange(10), Ct)).ToString());
        Assert.Equal("bytes=10-", _handler.Requests.Last().Header("Range"));

        _handler.Requests.Clear();
        Assert.Equal("0123456789abcdefghij", (await _bucket.ReadAllAsync("r", default, Ct)).ToString());
        Assert.Null(Assert.Single(_handler.Requests).Header("Range"));
    }

    [Fact]
    public async Task OpenRead_RangePastTheEnd_416_IsAnEmptyRead()
    {
        var written = await _bucket.UploadAsync("r", BinaryData.FromString("abc"), null, Ct);
        await using var d = await _bucket.OpenReadAsync("r", new BlobRange(10, 5), Ct);
        Assert.Equal(0, d.ContentLength);
        Assert.Equal(3, d.Size);
        Assert.Equal(written.ETag, d.ETag);
        Assert.Equal(-1, d.Content.ReadByte());
    }

    [Fact]
    public async Task OpenRead_ServerIgnoringRange_StillYieldsTheRange()
    {
        await _bucket.UploadAsync("r", BinaryData.FromString("0123456789"), null, Ct);
        _handler.IgnoreRange = true;
        Assert.Equal("3456", (await _bucket.ReadAllAsync("r", new BlobRange(3, 4), Ct)).ToString());
        Assert.Equal("89", (await _bucket.ReadAllAsync("r", new BlobRange(8), Ct)).ToString());
        Assert.Equal(string.Empty, (await _bucket.ReadAllAsync("r", new BlobRange(12), Ct)).ToString());
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, CloudErrorCode.InvalidArgument)]
    [InlineData(HttpStatusCode.Unauthorized, CloudErrorCode.Unauthenticated)]
    [InlineData(HttpStatusCode.Forbidden, CloudErrorCode.PermissionDenied)]
    [InlineData(HttpStatusCode.NotFound, CloudErrorCode.NotFound)]
    [InlineData(HttpStatusCode.Conflict, CloudErrorCode.PreconditionFailed)]
    [InlineData(HttpStatusCode.PreconditionFailed, CloudErrorCode.PreconditionFailed)]
    [InlineData(HttpStatusCode.TooManyRequests, CloudErrorCode.Throttled)]
    [InlineData(HttpStatusCode.InternalServerError, CloudErrorCode.Unavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout, CloudErrorCode.Timeout)]
    [InlineData(HttpStatusCode.ServiceUnavailable, CloudErrorCode.Unavailable)]
    public async Task JsonErrorBodies_MapToPortableCodes_OnTheMediaGet(HttpStatusCode status, CloudErrorCode expected)
    {
        _handler.Intercept = r => r.Query("alt") == "media" ? FakeGcsHandler.JsonError(status, "injected " + (int)status) : null;
        var ex = await AssertCodeAsync(expected, () => _bucket.OpenReadAsync("any", default, Ct));
        var native = Assert.IsType<GoogleApiException>(ex.InnerException);
        Assert.Equal(status, native.HttpStatusCode);
        Assert.Contains("injected " + (int)status, ex.Message, StringComparison.Ordinal);
        Assert.Equal(expected, _bucket.GetErrorCode(native));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, CloudErrorCode.InvalidArgument)]
    [InlineData(HttpStatusCode.Unauthorized, CloudErrorCode.Unauthenticated)]
    [InlineData(HttpStatusCode.Forbidden, CloudErrorCode.PermissionDenied)]
    [InlineData(HttpStatusCode.NotFound, CloudErrorCode.NotFound)]
    public async Task JsonErrorBodies_MapToPortableCodes_OnLibraryCalls(HttpStatusCode status, CloudErrorCode expected)
    {
        _handler.Intercept = _ => FakeGcsHandler.JsonError(status, "injected " + (int)status);
        await AssertCodeAsync(expected, () => _bucket.GetPropertiesAsync("any", Ct));
        await AssertCodeAsync(expected, () => _bucket.UploadAsync("any", BinaryData.FromString("x"), null, Ct));
        await AssertCodeAsync(expected, () => _bucket.DeleteAsync("any", Ct));
        await AssertCodeAsync(expected, () => _bucket.ListPageAsync(null, null, Ct));
    }

    [Fact]
    public async Task OpenRead_NonJsonErrorBody_StillMaps()
    {
        _handler.Intercept = _ => new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("No such object: wire-bucket/x", Encoding.UTF8, "text/html") };
        var ex = await AssertCodeAsync(CloudErrorCode.NotFound, () => _bucket.OpenReadAsync("x", default, Ct));
        Assert.Contains("No such object", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClassifyError_MapsTransportAndAuthFailures()
    {
        Assert.Equal(CloudErrorCode.Unavailable, _bucket.GetErrorCode(new HttpRequestException("connection refused")));
        Assert.Equal(CloudErrorCode.Unauthenticated, _bucket.GetErrorCode(new TokenResponseException(new TokenErrorResponse { Error = "invalid_grant" })));
        Assert.Equal(CloudErrorCode.Unknown, _bucket.GetErrorCode(new InvalidOperationException("other")));
    }

    [Fact]
    public async Task List_SendsPrefixDelimiterPageSizeAndToken_AndMergesPrefixesInOrder()
    {
        foreach (string k in new[] { "a/1", "a/2", "b", "c/1", "d" })
        {
            await _bucket.UploadAsync(k, BinaryData.FromString("x"), null, Ct);
        }

        _handler.Requests.Clear();
        var page = await _bucket.ListPageAsync(new BlobListOptions { Delimiter = "/", PageSize = 3 }, null, Ct);
        Assert.Equal(["a/", "b", "c/"], page.Items.Select(i => i.Key));
        Assert.Equal([true, false, true], page.Items.Select(i => i.IsPrefix));
        Assert.NotNull(page.ContinuationToken);
        var first = Assert.Single(_handler.Requests);
        Assert.Equal("/", first.Query("delimiter"));
        Assert.Equal("3", first.Query("maxResults"));
        Assert.Null(first.Query("pageToken"));

        var next = await _bucket.ListPageAsync(new BlobListOptions { Delimiter = "/", PageSize = 3 }, page.ContinuationToken, Ct);
        Assert.Equal(["d"], next.Items.Select(i => i.Key));
        Assert.Null(next.ContinuationToken);
        Assert.Equal(page.ContinuationToken, _handler.Requests.Last().Query("pageToken"));

        var prefixed = await _bucket.ListPageAsync(new BlobListOptions { Prefix = "a/" }, null, Ct);
        Assert.Equal(["a/1", "a/2"], prefixed.Items.Select(i => i.Key));
        Assert.Equal("a/", _handler.Requests.Last().Query("prefix"));
    }

    [Fact]
    public async Task Delete_SendsDelete_And404IsNotFoundOrFalse()
    {
        await _bucket.UploadAsync("d", BinaryData.FromString("x"), null, Ct);
        await _bucket.DeleteAsync("d", Ct);
        Assert.Single(_handler.Matching(HttpMethod.Delete, "/storage/v1/b/wire-bucket/o/d"));
        await AssertCodeAsync(CloudErrorCode.NotFound, () => _bucket.DeleteAsync("d", Ct));
        Assert.False(await _bucket.DeleteIfExistsAsync("d", Ct));
    }

    [Fact]
    public void TryAs_GivesTheStorageClient()
    {
        Assert.True(_bucket.TryAs<global::Google.Cloud.Storage.V1.StorageClient>(out var client));
        Assert.NotNull(client);
        Assert.False(_bucket.Capabilities.SignedUrls);
        Assert.Equal("gcp-storage", _bucket.Provider);
        Assert.Equal(BucketName, _bucket.Name);
    }

    private static async Task<CloudException> AssertCodeAsync(CloudErrorCode code, Func<Task> action)
    {
        var ex = await Assert.ThrowsAsync<CloudException>(action);
        Assert.True(ex.ErrorCode == code, $"expected {code}, got {ex.ErrorCode}: {ex.Message}");
        return ex;
    }

    private async Task<List<BlobItem>> ListAllAsync(BlobListOptions options)
    {
        var items = new List<BlobItem>();
        await foreach (var item in _bucket.ListAsync(options, Ct))
        {
            items.Add(item);
        }

        return items;
    }

    private sealed class NonSeekable(byte[] data) : MemoryStream(data, writable: false)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }
    }
}
