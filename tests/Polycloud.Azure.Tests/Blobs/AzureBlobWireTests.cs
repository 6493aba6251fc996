using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Web;
using Azure;
using Azure.Identity;
using Polycloud.Azure.Blobs;
using Polycloud.Blobs;
using Polycloud.Testing.Conformance.Blobs;
using Xunit;

#pragma warning disable CA5351 // MD5 is the content checksum Azure uses.

namespace Polycloud.Azure.Tests.Blobs;

/// <summary>What the driver sends on the wire and how it reads Azure's answers, over an in-process recording handler.</summary>
public sealed class AzureBlobWireTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (BlobBucket Bucket, RecordingHandler Handler) Open(Func<RecordedRequest, HttpResponseMessage>? respond = null)
    {
        var handler = new RecordingHandler(respond);
        return (new BlobBucket(new AzureBlobDriver(handler.Container())), handler);
    }

    [Fact]
    public async Task Upload_IfNotExists_SendsIfNoneMatchStar_And409IsAlreadyExists()
    {
        var (bucket, handler) = Open(_ => RecordingHandler.Error(409, "BlobAlreadyExists"));
        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.UploadAsync("k", BinaryData.FromString("x"), new BlobUploadOptions { Condition = BlobCondition.IfNotExists }, Ct));
        Assert.Equal(CloudErrorCode.AlreadyExists, ex.ErrorCode);
        Assert.Equal("azure-blob", ex.Provider);
        Assert.IsType<RequestFailedException>(ex.InnerException);
        var put = Assert.Single(handler.Requests);
        Assert.Equal("PUT", put.Method);
        Assert.Equal("*", put.Header("If-None-Match"));
        Assert.Null(put.Header("If-Match"));
        Assert.Equal("BlockBlob", put.Header("x-ms-blob-type"));
    }

    [Fact]
    public async Task Upload_IfNotExists_Answered412_IsAlreadyExists()
    {
        var (bucket, _) = Open(_ => RecordingHandler.Error(412, "ConditionNotMet"));
        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.UploadAsync("k", new NonSeekableStream([1, 2, 3]), new BlobUploadOptions { Condition = BlobCondition.IfNotExists }, Ct));
        Assert.Equal(CloudErrorCode.AlreadyExists, ex.ErrorCode);
    }

    [Fact]
    public async Task Upload_IfMatch_SendsTheETag_And412IsPreconditionFailed()
    {
        var (bucket, handler) = Open(_ => RecordingHandler.Error(412, "ConditionNotMet"));
        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.UploadAsync("k", BinaryData.FromString("x"), new BlobUploadOptions { Condition = BlobCondition.IfMatch("\"0x8DC0000000000001\"") }, Ct));
        Assert.Equal(CloudErrorCode.PreconditionFailed, ex.ErrorCode);
        var put = Assert.Single(handler.Requests);
        Assert.Equal("\"0x8DC0000000000001\"", put.Header("If-Match"));
        Assert.Null(put.Header("If-None-Match"));
    }

    [Fact]
    public async Task Upload_IfMatch_OnMissingBlob_IsPreconditionFailed()
    {
        var (bucket, _) = Open(_ => RecordingHandler.Error(404, "BlobNotFound"));
        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.UploadAsync("k", BinaryData.FromString("x"), new BlobUploadOptions { Condition = BlobCondition.IfMatch("\"e\"") }, Ct));
        Assert.Equal(CloudErrorCode.PreconditionFailed, ex.ErrorCode);
    }

    [Fact]
    public async Task Upload_WithoutCondition_SendsNoConditionHeaders_AndReturnsTheETag()
    {
        var (bucket, handler) = Open();
        var result = await bucket.UploadAsync("k", BinaryData.FromString("x"), null, Ct);
        Assert.Equal("\"0x8DC0000000000001\"", result.ETag);
        var put = Assert.Single(handler.Requests);
        Assert.Null(put.Header("If-None-Match"));
        Assert.Null(put.Header("If-Match"));
        Assert.Equal("application/octet-stream", put.Header("x-ms-blob-content-type"));
    }

    [Fact]
    public async Task Upload_Metadata_IsSentAsIdentifierKeysAndAsciiValues()
    {
        var (bucket, handler) = Open();
        await bucket.UploadAsync("k", BinaryData.FromString("x"), new BlobUploadOptions
        {
            ContentType = "text/plain",
            CacheControl = "no-cache",
            Metadata = new Dictionary<string, string> { ["X-Trace_Id"] = "abc-123", ["note"] = "héllo ✓", ["plain"] = "ascii" },
        }, Ct);
        var put = Assert.Single(handler.Requests);
        Assert.Equal("abc-123", put.Header("x-ms-meta-x_htrace__id"));
        Assert.Equal("=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("héllo ✓")) + "?=", put.Header("x-ms-meta-note"));
        Assert.Equal("ascii", put.Header("x-ms-meta-plain"));
        Assert.Equal("text/plain", put.Header("x-ms-blob-content-type"));
        Assert.Equal("no-cache", put.Header("x-ms-blob-cache-control"));
        Assert.DoesNotContain(put.Headers.Keys, k => k.Contains("X-Trace", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Properties_DecodeMetadataKeysAndValues_AndQuoteTheETag()
    {
        var (bucket, _) = Open(_ =>
        {
            var r = RecordingHandler.Blob([]);
            r.Content.Headers.ContentLength = 42;
            r.Headers.TryAddWithoutValidation("x-ms-meta-x_htrace__id", "abc-123");
            r.Headers.TryAddWithoutValidation("x-ms-meta-Note", "=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("日本")) + "?=");
            r.Content.Headers.TryAddWithoutValidation("Content-MD5", Convert.ToBase64String(new byte[16]));
            return r;
        });
        var p = await bucket.GetPropertiesAsync("k", Ct);
        Assert.Equal(42, p.Size);
        Assert.Equal("abc-123", p.Metadata["x-trace_id"]);
        Assert.Equal("日本", p.Metadata["note"]);
        Assert.Equal("\"0x8DC0000000000001\"", p.ETag);
        Assert.Equal(new byte[16], p.ContentMD5!.Value.ToArray());
    }

    [Theory]
    [InlineData(5, 4L, "bytes=5-8")]
    [InlineData(10, null, "bytes=10-")]
    public async Task Read_Range_SendsTheRangeHeader_AndReadsTheTotalSize(long offset, long? length, string expected)
    {
        var (bucket, handler) = Open(_ => RecordingHandler.Blob(Encoding.ASCII.GetBytes("5678"), 206, "bytes 5-8/20"));
        await using var d = await bucket.OpenReadAsync("k", new BlobRange(offset, length), Ct);
        var get = Assert.Single(handler.Requests);
        Assert.Equal("GET", get.Method);
        Assert.Equal(expected, get.Header("x-ms-range"));
        Assert.Equal(20, d.Size);
        Assert.Equal(4, d.ContentLength);
    }

    [Fact]
    public async Task Read_Whole_SendsNoRange()
    {
        var (bucket, handler) = Open(_ => RecordingHandler.Blob(Encoding.ASCII.GetBytes("abc")));
        Assert.Equal("abc", (await bucket.ReadAllAsync("k", default, Ct)).ToString());
        var get = Assert.Single(handler.Requests);
        Assert.Null(get.Header("x-ms-range"));
        Assert.Null(get.Header("Range"));
    }

    [Fact]
    public async Task Read_RangePastTheEnd_416IsAnEmptyReadOfAnExistingBlob()
    {
        var (bucket, handler) = Open(r => r.Method == "GET" ? RecordingHandler.Error(416, "InvalidRange") : Head(20));
        await using var d = await bucket.OpenReadAsync("k", new BlobRange(25, 3), Ct);
        Assert.Equal(0, d.ContentLength);
        Assert.Equal(20, d.Size);
        Assert.Equal(-1, d.Content.ReadByte());
        Assert.Equal(["GET", "HEAD"], handler.Requests.Select(r => r.Method));
    }

    [Fact]
    public async Task Read_416InsideTheBlob_StaysAnError()
    {
        var (bucket, _) = Open(r => r.Method == "GET" ? RecordingHandler.Error(416, "InvalidRange") : Head(100));
        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.OpenReadAsync("k", new BlobRange(25, 3), Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
    }

    public static TheoryData<int, string, CloudErrorCode> AzureErrors() => new()
    {
        { 404, "BlobNotFound", CloudErrorCode.NotFound },
        { 404, "ContainerNotFound", CloudErrorCode.NotFound },
        { 409, "BlobAlreadyExists", CloudErrorCode.AlreadyExists },
        { 409, "LeaseAlreadyPresent", CloudErrorCode.PreconditionFailed },
        { 412, "ConditionNotMet", CloudErrorCode.PreconditionFailed },
        { 403, "AuthorizationFailure", CloudErrorCode.PermissionDenied },
        { 403, "AuthorizationPermissionMismatch", CloudErrorCode.PermissionDenied },
        { 403, "AuthenticationFailed", CloudErrorCode.Unauthenticated },
        { 401, "InvalidAuthenticationInfo", CloudErrorCode.Unauthenticated },
        { 503, "ServerBusy", CloudErrorCode.Throttled },
        { 429, "TooManyRequests", CloudErrorCode.Throttled },
        { 503, "ServiceUnavailable", CloudErrorCode.Unavailable },
        { 500, "InternalError", CloudErrorCode.Unavailable },
        { 500, "OperationTimedOut", CloudErrorCode.Timeout },
        { 400, "InvalidHeaderValue", CloudErrorCode.InvalidArgument },
        { 400, "Md5Mismatch", CloudErrorCode.InvalidArgument },
    };

    [Theory]
    [MemberData(nameof(AzureErrors))]
    public async Task Errors_FromAzureXmlBodies_MapToPortableCodes(int status, string code, CloudErrorCode expected)
    {
        // Only the XML body names the error (no x-ms-error-code header): the SDK parses it, the driver maps it.
        var (bucket, _) = Open(_ => RecordingHandler.Error(status, code, withHeader: false));
        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.ReadAllAsync("k", default, Ct));
        Assert.Equal(expected, ex.ErrorCode);
        var native = Assert.IsType<RequestFailedException>(ex.InnerException);
        Assert.Equal(code, native.ErrorCode);
        Assert.Equal(expected is CloudErrorCode.Throttled or CloudErrorCode.Unavailable or CloudErrorCode.Timeout, ex.IsTransient);
    }

    [Fact]
    public void Errors_FromAzureIdentity_AreUnauthenticated()
    {
        var (bucket, _) = Open();
        Assert.Equal(CloudErrorCode.Unauthenticated, bucket.GetErrorCode(new AuthenticationFailedException("no token")));
        Assert.Equal(CloudErrorCode.Unauthenticated, bucket.GetErrorCode(new CredentialUnavailableException("no credential")));
        Assert.Equal(CloudErrorCode.Unavailable, bucket.GetErrorCode(new RequestFailedException(0, "no response", new HttpRequestException("refused"))));
        Assert.Equal(CloudErrorCode.Throttled, bucket.GetErrorCode(new AggregateException(new RequestFailedException(503, "busy", "ServerBusy", null))));
    }

    [Fact]
    public async Task Errors_ConnectionRefused_IsUnavailable()
    {
        var (bucket, _) = Open(_ => throw new HttpRequestException("connection refused", null, HttpStatusCode.ServiceUnavailable));
        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.GetPropertiesAsync("k", Ct));
        Assert.Equal(CloudErrorCode.Unavailable, ex.ErrorCode);
    }

    [Theory]
    [InlineData("/leading-slash")]
    [InlineData("trailing/")]
    [InlineData("dotdot/../../escape")]
    [InlineData("./dot-segment")]
    [InlineData("a/./b")]
    [InlineData("..")]
    public async Task Keys_TheSdkCannotAddress_AreRejectedBeforeAnyRequest(string key)
    {
        var (bucket, handler) = Open();
        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.UploadAsync(key, BinaryData.FromString("x"), null, Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        await Assert.ThrowsAsync<CloudException>(() => bucket.GetPropertiesAsync(key, Ct));
        await Assert.ThrowsAsync<CloudException>(() => bucket.CopyAsync("fine", key, null, Ct));
        await Assert.ThrowsAsync<CloudException>(() => bucket.DeleteIfExistsAsync(key, Ct));
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData("..x/x..", "/wire/..x/x..")]
    [InlineData("back\\slash", "/wire/back%5Cslash")]
    [InlineData("q?a&b=c#d", "/wire/q%3Fa%26b%3Dc%23d")]
    [InlineData("sp ace/日本", "/wire/sp%20ace/%E6%97%A5%E6%9C%AC")]
    public async Task Key_WithBackslash_IsSentEscaped(string key, string path)
    {
        var (bucket, handler) = Open();
        await bucket.UploadAsync(key, BinaryData.FromString("x"), null, Ct);
        Assert.Equal(path, Assert.Single(handler.Requests).Uri.AbsolutePath);
    }

    [Fact]
    public async Task List_WithMultiCharacterDelimiter_SendsItWhole_AndSortsThePage()
    {
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <EnumerationResults ServiceEndpoint="https://wireacct.blob.core.windows.net/" ContainerName="wire">
              <Prefix>p/</Prefix><Delimiter>abc</Delimiter><MaxResults>3</MaxResults>
              <Blobs>
                <Blob><Name>p/a.txt</Name><Properties><Last-Modified>Wed, 25 Nov 2026 12:00:00 GMT</Last-Modified><Etag>0x8DC1</Etag><Content-Length>5</Content-Length><BlobType>BlockBlob</BlobType></Properties></Blob>
                <BlobPrefix><Name>p/babc</Name></BlobPrefix>
                <Blob><Name>p/c.txt</Name><Properties><Last-Modified>Wed, 25 Nov 2026 12:00:00 GMT</Last-Modified><Etag>0x8DC2</Etag><Content-Length>7</Content-Length><BlobType>BlockBlob</BlobType></Properties></Blob>
              </Blobs>
              <NextMarker>marker-2</NextMarker>
            </EnumerationResults>
            """;
        var (bucket, handler) = Open(_ => RecordingHandler.Xml(xml));
        var page = await bucket.ListPageAsync(new BlobListOptions { Prefix = "p/", Delimiter = "abc", PageSize = 3 }, "marker-1", Ct);
        var query = HttpUtility.ParseQueryString(Assert.Single(handler.Requests).Query);
        Assert.Equal("abc", query["delimiter"]);
        Assert.Equal("p/", query["prefix"]);
        Assert.Equal("3", query["maxresults"]);
        Assert.Equal("marker-1", query["marker"]);
        Assert.Equal(["p/a.txt", "p/babc", "p/c.txt"], page.Items.Select(i => i.Key));
        Assert.Equal([false, true, false], page.Items.Select(i => i.IsPrefix));
        Assert.Equal("\"0x8DC1\"", page.Items[0].ETag);
        Assert.Equal(7, page.Items[2].Size);
        Assert.Equal("marker-2", page.ContinuationToken);
    }

    [Fact]
    public async Task List_WithoutDelimiter_IsFlat()
    {
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <EnumerationResults ServiceEndpoint="https://wireacct.blob.core.windows.net/" ContainerName="wire">
              <MaxResults>1000</MaxResults><Blobs /><NextMarker />
            </EnumerationResults>
            """;
        var (bucket, handler) = Open(_ => RecordingHandler.Xml(xml));
        var page = await bucket.ListPageAsync(null, null, Ct);
        Assert.Empty(page.Items);
        Assert.Null(page.ContinuationToken);
        var query = HttpUtility.ParseQueryString(Assert.Single(handler.Requests).Query);
        Assert.Null(query["delimiter"]);
        Assert.Equal("list", query["comp"]);
    }

    [Fact]
    public async Task Upload_WithMd5_SendsItForTheServiceToCheck()
    {
        byte[] data = Encoding.UTF8.GetBytes("checked");
        var (bucket, handler) = Open();
        await bucket.UploadAsync("k", new NonSeekableStream(data), new BlobUploadOptions { ContentMD5 = MD5.HashData(data) }, Ct);
        var put = Assert.Single(handler.Requests);
        Assert.Equal(Convert.ToBase64String(MD5.HashData(data)), put.Header("x-ms-blob-content-md5"));
        Assert.Equal(data, put.Body);
    }

    [Fact]
    public async Task Upload_WithWrongMd5_SmallContent_SendsNothing()
    {
        var (bucket, handler) = Open();
        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.UploadAsync("k", new NonSeekableStream([1, 2, 3]), new BlobUploadOptions { ContentMD5 = new byte[16] }, Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Upload_WithWrongMd5_LargeStream_StagesBlocksButNeverCommits()
    {
        byte[] data = new byte[(5 * 1024 * 1024 * 2) + 100];
        new Random(7).NextBytes(data);
        var (bucket, handler) = Open();
        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.UploadAsync("k", new NonSeekableStream(data), new BlobUploadOptions { ContentMD5 = new byte[16], PartSize = 5 * 1024 * 1024 }, Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Equal(3, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal("block", HttpUtility.ParseQueryString(r.Query)["comp"]));
        Assert.Equal(3, handler.Requests.Select(r => HttpUtility.ParseQueryString(r.Query)["blockid"]).Distinct().Count());
    }

    [Fact]
    public async Task Upload_WithRightMd5_LargeStream_CommitsWithTheMd5AndConditions()
    {
        byte[] data = new byte[(5 * 1024 * 1024) + 100];
        new Random(8).NextBytes(data);
        var (bucket, handler) = Open();
        await bucket.UploadAsync("k", new NonSeekableStream(data), new BlobUploadOptions { ContentMD5 = MD5.HashData(data), PartSize = 5 * 1024 * 1024, Condition = BlobCondition.IfNotExists, ContentType = "application/x-big" }, Ct);
        Assert.Equal(["block", "block", "blocklist"], handler.Requests.Select(r => HttpUtility.ParseQueryString(r.Query)["comp"]));
        var commit = handler.Requests[^1];
        Assert.Equal(Convert.ToBase64String(MD5.HashData(data)), commit.Header("x-ms-blob-content-md5"));
        Assert.Equal("*", commit.Header("If-None-Match"));
        Assert.Equal("application/x-big", commit.Header("x-ms-blob-content-type"));
        Assert.Equal(data.Length, handler.Requests.Take(2).Sum(r => r.Body.Length));
    }

    [Fact]
    public async Task Upload_WithMd5_LargeStream_AFailedBlockFailsTheUploadWithoutCommit()
    {
        int blocks = 0;
        var (bucket, handler) = Open(r => Interlocked.Increment(ref blocks) == 2 ? RecordingHandler.Error(500, "InternalError") : RecordingHandler.Created());
        byte[] data = new byte[(5 * 1024 * 1024 * 4) + 1];
        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.UploadAsync("k", new NonSeekableStream(data), new BlobUploadOptions { ContentMD5 = MD5.HashData(data), PartSize = 5 * 1024 * 1024 }, Ct));
        Assert.Equal(CloudErrorCode.Unavailable, ex.ErrorCode);
        Assert.DoesNotContain(handler.Requests, r => HttpUtility.ParseQueryString(r.Query)["comp"] == "blocklist");
    }

    [Fact]
    public async Task Upload_LargeStream_UsesThePartSizeForBlocks()
    {
        byte[] data = new byte[(6 * 1024 * 1024) + 10];
        var (bucket, handler) = Open();
        await bucket.UploadAsync("k", new NonSeekableStream(data), new BlobUploadOptions { PartSize = 5 * 1024 * 1024 }, Ct);
        var blocks = handler.Requests.Where(r => HttpUtility.ParseQueryString(r.Query)["comp"] == "block").ToList();
        Assert.Equal(2, blocks.Count);
        Assert.Equal(5 * 1024 * 1024, blocks.Max(b => b.Body.Length));
        Assert.Equal("blocklist", HttpUtility.ParseQueryString(handler.Requests[^1].Query)["comp"]);
    }

    [Fact]
    public async Task Copy_IfNotExists_PutsTheConditionOnTheDestination()
    {
        var (bucket, handler) = Open(_ =>
        {
            var r = RecordingHandler.Created("\"0x8DCC\"");
            r.StatusCode = HttpStatusCode.Accepted;
            r.Headers.TryAddWithoutValidation("x-ms-copy-id", "copy-1");
            r.Headers.TryAddWithoutValidation("x-ms-copy-status", "success");
            return r;
        });
        var result = await bucket.CopyAsync("src", "dst", new BlobCopyOptions { Condition = BlobCondition.IfNotExists }, Ct);
        Assert.Equal("\"0x8DCC\"", result.ETag);
        var copy = Assert.Single(handler.Requests);
        Assert.Equal("/wire/dst", copy.Uri.AbsolutePath);
        Assert.Equal("*", copy.Header("If-None-Match"));
        Assert.Equal($"https://{RecordingHandler.Account}.blob.core.windows.net/wire/src", copy.Header("x-ms-copy-source"));
    }

    [Fact]
    public async Task SignedUrls_WithSharedKey_GrantReadForGetAndCreateWriteForPut()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2040, 2, 29, 23, 55, 0, TimeSpan.Zero));
        var handler = new RecordingHandler(null);
        var bucket = new BlobBucket(new AzureBlobDriver(handler.Container(), new AzureBlobDriverOptions { TimeProvider = clock }));
        Assert.True(bucket.Capabilities.SignedUrls);
        var get = HttpUtility.ParseQueryString((await bucket.GetSignedUrlAsync("a b", new BlobSignedUrlOptions { ExpiresIn = TimeSpan.FromMinutes(10) }, Ct)).Query);
        var put = HttpUtility.ParseQueryString((await bucket.GetSignedUrlAsync("a b", new BlobSignedUrlOptions { Method = SignedUrlMethod.Put }, Ct)).Query);
        Assert.Equal("r", get["sp"]);
        Assert.Equal("cw", put["sp"]);
        Assert.Equal("b", get["sr"]);
        Assert.NotNull(get["sig"]);
        var expiry = DateTimeOffset.Parse(get["se"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(clock.GetUtcNow().AddMinutes(10), expiry); // on the driver's clock, across a day boundary
        Assert.Empty(handler.Requests); // a service SAS is computed locally
    }

    [Fact]
    public async Task SignedUrls_WithASasClient_AreNotSupported()
    {
        var handler = new RecordingHandler();
        var client = new global::Azure.Storage.Blobs.BlobContainerClient(new Uri($"https://{RecordingHandler.Account}.blob.core.windows.net/wire?sv=2025-01-05&sr=c&sp=rw&sig=abc"), handler.Options());
        await using var bucket = new BlobBucket(new AzureBlobDriver(client));
        Assert.False(bucket.Capabilities.SignedUrls);
        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.GetSignedUrlAsync("k", null, Ct));
        Assert.Equal(CloudErrorCode.NotSupported, ex.ErrorCode);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task TryAs_GivesTheNativeClients()
    {
        var (bucket, _) = Open();
        Assert.True(bucket.TryAs<global::Azure.Storage.Blobs.BlobContainerClient>(out var container));
        Assert.Equal("wire", container.Name);
        Assert.Equal(RecordingHandler.Account, bucket.As<global::Azure.Storage.Blobs.BlobServiceClient>().AccountName);
        Assert.False(bucket.TryAs<HttpClient>(out _));
        await bucket.DisposeAsync();
    }

    private static HttpResponseMessage Head(long length)
    {
        var r = RecordingHandler.Blob([]);
        r.Content.Headers.ContentLength = length;
        return r;
    }
}
