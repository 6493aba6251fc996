using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Polycloud.Blobs;
using Polycloud.Testing.Conformance.Blobs;
using Xunit;

#pragma warning disable CA5351 // MD5 is S3's content checksum, not a security primitive.

namespace Polycloud.Aws.Tests.Blobs;

/// <summary>
/// The S3 driver's requests and error mapping, checked at the wire against an in-process stand-in that answers the way
/// Amazon S3 does — including what fauxqs does not enforce (conditional writes, signed URL expiry).
/// </summary>
public sealed class S3WireTests
{
    private const int MiB = 1024 * 1024;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task IfNotExists_SendsIfNoneMatchStar_AndMaps412ToAlreadyExists()
    {
        var wire = new S3Wire(r => r.Method == HttpMethod.Put
            ? S3Wire.Error(HttpStatusCode.PreconditionFailed, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
            : S3Wire.HeadMissing());
        await using var bucket = wire.CreateBucket();

        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.UploadAsync("k", BinaryData.FromString("new"), new BlobUploadOptions { Condition = BlobCondition.IfNotExists }, Ct));

        Assert.Equal(CloudErrorCode.AlreadyExists, ex.ErrorCode);
        Assert.Equal("aws-s3", ex.Provider);
        Assert.IsType<AmazonS3Exception>(ex.InnerException);
        var put = Assert.Single(wire.Requests);
        Assert.Equal("/wire-bucket/k", put.Uri.AbsolutePath);
        Assert.Equal("*", put.Header("If-None-Match"));
        Assert.Null(put.Header("If-Match"));
    }

    [Fact]
    public async Task IfNotExists_Maps409ConditionalRequestConflictToAlreadyExists()
    {
        var wire = new S3Wire(_ => S3Wire.Error(HttpStatusCode.Conflict, "ConditionalRequestConflict", "A conflicting conditional operation is in progress"));
        await using var bucket = wire.CreateBucket();
        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.UploadAsync("k", BinaryData.FromString("new"), new BlobUploadOptions { Condition = BlobCondition.IfNotExists }, Ct));
        Assert.Equal(CloudErrorCode.AlreadyExists, ex.ErrorCode);
    }

    [Fact]
    public async Task IfMatch_SendsIfMatchETag_AndMaps412And404ToPreconditionFailed()
    {
        var status = HttpStatusCode.PreconditionFailed;
        var wire = new S3Wire(_ => status == HttpStatusCode.PreconditionFailed
            ? S3Wire.Error(status, "PreconditionFailed")
            : S3Wire.Error(status, "NoSuchKey", "The specified key does not exist."));
        await using var bucket = wire.CreateBucket();
        var options = new BlobUploadOptions { Condition = BlobCondition.IfMatch("\"0123456789abcdef0123456789abcdef\"") };

        var stale = await Assert.ThrowsAsync<CloudException>(() => bucket.UploadAsync("k", BinaryData.FromString("v"), options, Ct));
        Assert.Equal(CloudErrorCode.PreconditionFailed, stale.ErrorCode);

        status = HttpStatusCode.NotFound; // S3 answers If-Match on a missing key with 404 NoSuchKey
        var missing = await Assert.ThrowsAsync<CloudException>(() => bucket.UploadAsync("k", BinaryData.FromString("v"), options, Ct));
        Assert.Equal(CloudErrorCode.PreconditionFailed, missing.ErrorCode);

        Assert.All(wire.Requests, r =>
        {
            Assert.Equal("\"0123456789abcdef0123456789abcdef\"", r.Header("If-Match"));
            Assert.Null(r.Header("If-None-Match"));
        });
    }

    [Fact]
    public async Task Multipart_CompleteCarriesTheCondition_AndAFailedCompleteIsAborted()
    {
        var wire = new S3Wire(r => r switch
        {
            { Method.Method: "POST" } when r.HasQuery("uploads") => S3Wire.Ok(xml: "<InitiateMultipartUploadResult><Bucket>wire-bucket</Bucket><Key>big</Key><UploadId>UP1</UploadId></InitiateMultipartUploadResult>"),
            { Method.Method: "PUT" } when r.HasQuery("partNumber") => S3Wire.Ok(etag: $"\"part{r.Uri.Query.Length}\""),
            { Method.Method: "POST" } when r.HasQuery("uploadId") => S3Wire.Error(HttpStatusCode.PreconditionFailed, "PreconditionFailed"),
            { Method.Method: "DELETE" } => new HttpResponseMessage(HttpStatusCode.NoContent) { Content = new ByteArrayContent([]) },
            _ => S3Wire.Error(HttpStatusCode.BadRequest, "InvalidRequest", "unexpected " + r.Method + " " + r.PathAndQuery),
        });
        await using var bucket = wire.CreateBucket(partSize: 5 * MiB);
        byte[] data = new byte[(6 * MiB) + 17];

        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.UploadAsync("big", new NonSeekableStream(data), new BlobUploadOptions
        {
            Condition = BlobCondition.IfNotExists,
            ContentType = "application/x-big",
            Metadata = new Dictionary<string, string> { ["owner"] = "alice" },
        }, Ct));

        Assert.Equal(CloudErrorCode.AlreadyExists, ex.ErrorCode);
        var requests = wire.Requests;
        Assert.Equal(["POST", "PUT", "PUT", "POST", "DELETE"], requests.Select(r => r.Method.Method));
        Assert.Equal("application/x-big", requests[0].Header("Content-Type"));
        Assert.Equal("alice", requests[0].Header("x-amz-meta-owner"));
        Assert.Null(requests[1].Header("If-None-Match")); // parts carry no condition
        Assert.Equal("*", requests[3].Header("If-None-Match"));
        Assert.Contains("uploadId=UP1", requests[4].Uri.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multipart_CancelledUpload_IsAborted()
    {
        var wire = new S3Wire(r => r switch
        {
            { Method.Method: "POST" } when r.HasQuery("uploads") => S3Wire.Ok(xml: "<InitiateMultipartUploadResult><UploadId>UP2</UploadId></InitiateMultipartUploadResult>"),
            { Method.Method: "PUT" } => S3Wire.Ok(etag: "\"p\""),
            { Method.Method: "DELETE" } => new HttpResponseMessage(HttpStatusCode.NoContent) { Content = new ByteArrayContent([]) },
            _ => S3Wire.Error(HttpStatusCode.BadRequest, "InvalidRequest"),
        });
        await using var bucket = wire.CreateBucket(partSize: 5 * MiB);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var content = new CancellingStream(new byte[12 * MiB], cancelAfterBytes: 6 * MiB, cts);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bucket.UploadAsync("big", content, null, cts.Token));

        var requests = wire.Requests;
        Assert.DoesNotContain(requests, r => r.Method == HttpMethod.Post && r.HasQuery("uploadId")); // never completed
        var abort = Assert.Single(requests, r => r.Method == HttpMethod.Delete);
        Assert.Contains("uploadId=UP2", abort.Uri.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multipart_Md5Mismatch_AbortsWithoutCompleting()
    {
        var wire = new S3Wire(r => r switch
        {
            { Method.Method: "POST" } when r.HasQuery("uploads") => S3Wire.Ok(xml: "<InitiateMultipartUploadResult><UploadId>UP3</UploadId></InitiateMultipartUploadResult>"),
            { Method.Method: "PUT" } => S3Wire.Ok(etag: "\"p\""),
            { Method.Method: "DELETE" } => new HttpResponseMessage(HttpStatusCode.NoContent) { Content = new ByteArrayContent([]) },
            _ => S3Wire.Error(HttpStatusCode.BadRequest, "InvalidRequest"),
        });
        await using var bucket = wire.CreateBucket(partSize: 5 * MiB);
        byte[] data = new byte[(5 * MiB) + 1];

        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.UploadAsync("big", new NonSeekableStream(data), new BlobUploadOptions { ContentMD5 = MD5.HashData("other"u8) }, Ct));

        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Equal(["POST", "PUT", "PUT", "DELETE"], wire.Requests.Select(r => r.Method.Method));
    }

    [Fact]
    public async Task SinglePut_SendsContentMd5HeadersAndEncodedMetadata_AndMapsBadDigest()
    {
        bool badDigest = false;
        var wire = new S3Wire(_ => badDigest
            ? S3Wire.Error(HttpStatusCode.BadRequest, "BadDigest", "The Content-MD5 you specified did not match what we received.")
            : S3Wire.Ok(etag: "\"e1\""));
        await using var bucket = wire.CreateBucket();
        byte[] data = Encoding.UTF8.GetBytes("hello wire");
        byte[] md5 = MD5.HashData(data);
        var options = new BlobUploadOptions
        {
            ContentType = "text/plain",
            CacheControl = "no-cache",
            ContentDisposition = "inline",
            ContentEncoding = "identity",
            ContentLanguage = "fr",
            ContentMD5 = md5,
            Metadata = new Dictionary<string, string> { ["Owner"] = "alice", ["note"] = "héllo ✓" },
        };

        var result = await bucket.UploadAsync("k", data, options, Ct);
        Assert.Equal("\"e1\"", result.ETag);
        var put = Assert.Single(wire.Requests);
        Assert.Equal(Convert.ToBase64String(md5), put.Header("Content-MD5"));
        Assert.Equal("text/plain", put.Header("Content-Type"));
        Assert.Equal("no-cache", put.Header("Cache-Control"));
        Assert.Equal("inline", put.Header("Content-Disposition"));
        Assert.Equal("fr", put.Header("Content-Language"));
        Assert.Contains("identity", put.Header("Content-Encoding")!.Split(',', StringSplitOptions.TrimEntries)); // S3 strips aws-chunked and stores the rest
        Assert.Equal("alice", put.Header("x-amz-meta-owner"));
        Assert.Equal("=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("héllo ✓")) + "?=", put.Header("x-amz-meta-note"));

        badDigest = true;
        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.UploadAsync("k", data, options, Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
    }

    [Fact]
    public async Task ContentMd5Mismatch_IsRejectedBeforeAnyRequest()
    {
        var wire = new S3Wire(_ => S3Wire.Ok(etag: "\"e\""));
        await using var bucket = wire.CreateBucket();
        var options = new BlobUploadOptions { ContentMD5 = MD5.HashData("other"u8) };
        await AssertCode(CloudErrorCode.InvalidArgument, () => bucket.UploadAsync("k", BinaryData.FromString("data"), options, Ct));
        await AssertCode(CloudErrorCode.InvalidArgument, () => bucket.UploadAsync("k", new MemoryStream("data"u8.ToArray()), options, Ct));
        await AssertCode(CloudErrorCode.InvalidArgument, () => bucket.UploadAsync("k", new NonSeekableStream("data"u8.ToArray()), options, Ct));
        Assert.Empty(wire.Requests);
    }

    [Fact]
    public async Task SeekableStream_IsSentFromItsPosition_WithItsLength()
    {
        var wire = new S3Wire(_ => S3Wire.Ok(etag: "\"e\""));
        await using var bucket = wire.CreateBucket();
        var stream = new MemoryStream("skip-this|payload"u8.ToArray()) { Position = 10 };
        await bucket.UploadAsync("k", stream, null, Ct);
        var put = Assert.Single(wire.Requests);
        Assert.Equal("7", put.Header("x-amz-decoded-content-length") ?? put.Header("Content-Length"));
        Assert.Contains("payload", Encoding.ASCII.GetString(put.Body), StringComparison.Ordinal);
        Assert.DoesNotContain("skip-this", Encoding.ASCII.GetString(put.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Range_IsSentAsBytesHeader_AndSizeComesFromContentRange()
    {
        var wire = new S3Wire(r =>
        {
            bool ranged = r.Header("Range") is not null;
            var response = new HttpResponseMessage(ranged ? HttpStatusCode.PartialContent : HttpStatusCode.OK) { Content = new ByteArrayContent("5678"u8.ToArray()) };
            if (ranged)
            {
                response.Content.Headers.TryAddWithoutValidation("Content-Range", "bytes 5-8/20");
            }

            response.Headers.TryAddWithoutValidation("ETag", "\"" + Convert.ToHexStringLower(MD5.HashData("5678"u8)) + "\"");
            return response;
        });
        await using var bucket = wire.CreateBucket();

        await using (var d = await bucket.OpenReadAsync("k", new BlobRange(5, 4), Ct))
        {
            Assert.Equal(4, d.ContentLength);
            Assert.Equal(20, d.Size);
        }

        await (await bucket.OpenReadAsync("k", new BlobRange(10), Ct)).DisposeAsync();
        await (await bucket.OpenReadAsync("k", default, Ct)).DisposeAsync();

        var requests = wire.Requests;
        Assert.Equal("bytes=5-8", requests[0].Header("Range"));
        Assert.Equal("bytes=10-", requests[1].Header("Range"));
        Assert.Null(requests[2].Header("Range"));
    }

    [Fact]
    public async Task RangePastTheEnd_416_ChecksExistenceAndReadsNothing()
    {
        bool exists = true;
        var wire = new S3Wire(r => r.Method == HttpMethod.Head
            ? exists ? S3Wire.Head(20, "\"e\"", "text/plain") : S3Wire.HeadMissing()
            : S3Wire.Error(HttpStatusCode.RequestedRangeNotSatisfiable, "InvalidRange", "The requested range is not satisfiable"));
        await using var bucket = wire.CreateBucket();

        await using (var d = await bucket.OpenReadAsync("k", new BlobRange(25), Ct))
        {
            Assert.Equal(0, d.ContentLength);
            Assert.Equal(20, d.Size);
            Assert.Equal(-1, d.Content.ReadByte());
        }

        exists = false;
        await AssertCode(CloudErrorCode.NotFound, () => bucket.OpenReadAsync("k", new BlobRange(25), Ct));
        Assert.Equal(["GET", "HEAD", "GET", "HEAD"], wire.Requests.Select(r => r.Method.Method));
    }

    [Fact]
    public async Task Delete_ChecksExistenceFirst_BecauseS3DeletesMissingKeysSilently()
    {
        var wire = new S3Wire(_ => S3Wire.HeadMissing());
        await using var bucket = wire.CreateBucket();
        await AssertCode(CloudErrorCode.NotFound, () => bucket.DeleteAsync("gone", Ct));
        Assert.False(await bucket.DeleteIfExistsAsync("gone", Ct));
        Assert.All(wire.Requests, r => Assert.Equal(HttpMethod.Head, r.Method));
    }

    [Fact]
    public async Task Properties_Md5OnlyFromPlainETags_MetadataDecoded()
    {
        string etag = "\"5d41402abc4b2a76b9719d911017c592\"";
        var wire = new S3Wire(_ =>
        {
            var r = S3Wire.Head(5, etag);
            r.Headers.TryAddWithoutValidation("x-amz-meta-note", "=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("日本")) + "?=");
            r.Headers.TryAddWithoutValidation("x-amz-meta-Owner", "alice");
            return r;
        });
        await using var bucket = wire.CreateBucket();

        var p = await bucket.GetPropertiesAsync("k", Ct);
        Assert.Equal(Convert.FromHexString("5d41402abc4b2a76b9719d911017c592"), p.ContentMD5!.Value.ToArray());
        Assert.Equal("日本", p.Metadata["note"]);
        Assert.Equal("alice", p.Metadata["owner"]);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), p.LastModified);

        etag = "\"3858f62230ac3c915f300c664312c11f-3\"";
        Assert.Null((await bucket.GetPropertiesAsync("k", Ct)).ContentMD5);
    }

    [Fact]
    public async Task Copy_SendsCopySourceDirectiveAndCondition()
    {
        var wire = new S3Wire(_ => S3Wire.Ok(xml: "<CopyObjectResult><LastModified>2026-11-25T10:00:00.000Z</LastModified><ETag>\"c1\"</ETag></CopyObjectResult>"));
        await using var bucket = wire.CreateBucket();
        var result = await bucket.CopyAsync("dir/src file", "dst", new BlobCopyOptions { Condition = BlobCondition.IfNotExists }, Ct);
        Assert.Equal("\"c1\"", result.ETag);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), result.LastModified);
        var copy = Assert.Single(wire.Requests);
        Assert.Equal("/wire-bucket/dst", copy.Uri.AbsolutePath);
        Assert.Equal("wire-bucket/dir/src file", Uri.UnescapeDataString(copy.Header("x-amz-copy-source")!));
        Assert.Equal("COPY", copy.Header("x-amz-metadata-directive"));
        Assert.Equal("*", copy.Header("If-None-Match"));
    }

    [Fact]
    public async Task List_MergesObjectsAndCommonPrefixesInKeyOrder_AndPassesTheToken()
    {
        var wire = new S3Wire(_ => S3Wire.Ok(xml:
            "<ListBucketResult><Name>wire-bucket</Name><Prefix>p/</Prefix><KeyCount>3</KeyCount><MaxKeys>3</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>"
            + "<Contents><Key>p/a</Key><LastModified>2026-11-25T10:00:00.000Z</LastModified><ETag>\"e1\"</ETag><Size>3</Size></Contents>"
            + "<Contents><Key>p/c</Key><LastModified>2026-11-25T10:00:00.000Z</LastModified><ETag>\"e2\"</ETag><Size>4</Size></Contents>"
            + "<CommonPrefixes><Prefix>p/b/</Prefix></CommonPrefixes>"
            + "<NextContinuationToken>TOKEN+/=</NextContinuationToken></ListBucketResult>"));
        await using var bucket = wire.CreateBucket();

        var page = await bucket.ListPageAsync(new BlobListOptions { Prefix = "p/", Delimiter = "/", PageSize = 3 }, "PREV", Ct);

        Assert.Equal(["p/a", "p/b/", "p/c"], page.Items.Select(i => i.Key));
        Assert.Equal([false, true, false], page.Items.Select(i => i.IsPrefix));
        Assert.Equal(4, page.Items[2].Size);
        Assert.Equal("TOKEN+/=", page.ContinuationToken);
        string query = Uri.UnescapeDataString(Assert.Single(wire.Requests).Uri.Query);
        Assert.Contains("list-type=2", query, StringComparison.Ordinal);
        Assert.Contains("prefix=p/", query, StringComparison.Ordinal);
        Assert.Contains("delimiter=/", query, StringComparison.Ordinal);
        Assert.Contains("max-keys=3", query, StringComparison.Ordinal);
        Assert.Contains("continuation-token=PREV", query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedUrl_PointsAtEndpoint_WithExpiryMethodAndContentType()
    {
        var wire = new S3Wire(_ => S3Wire.Ok());
        await using var bucket = wire.CreateBucket();

        var get = await bucket.GetSignedUrlAsync("dir/file.txt", new BlobSignedUrlOptions { ExpiresIn = TimeSpan.FromMinutes(5) }, Ct);
        Assert.Equal("http", get.Scheme);
        Assert.Equal("s3.wire.test", get.Host);
        Assert.Equal("/wire-bucket/dir/file.txt", get.AbsolutePath);
        Assert.Contains("X-Amz-Expires=300", get.Query, StringComparison.Ordinal);
        Assert.Contains("X-Amz-Signature=", get.Query, StringComparison.Ordinal);
        Assert.Contains("X-Amz-SignedHeaders=host", get.Query, StringComparison.Ordinal);

        var put = await bucket.GetSignedUrlAsync("up", new BlobSignedUrlOptions { Method = SignedUrlMethod.Put, ContentType = "text/plain", ExpiresIn = TimeSpan.FromSeconds(90) }, Ct);
        Assert.Contains("X-Amz-Expires=90", put.Query, StringComparison.Ordinal);
        Assert.Contains("content-type", Uri.UnescapeDataString(put.Query), StringComparison.Ordinal); // Content-Type is a signed header
        Assert.Empty(wire.Requests); // signing is local
    }

    [Fact]
    public async Task PathStyle_KeyWithLeadingSlash_IsRejectedBeforeAnyRequest()
    {
        // AWSSDK.S3 4.x drops the '/' between the bucket path and a key that starts with '/': a path-style request for
        // "/a" would address "a". The driver refuses instead of touching another blob.
        var wire = new S3Wire(_ => S3Wire.Ok(etag: "\"e\""));
        await using var bucket = wire.CreateBucket();
        var ex = await AssertCode(CloudErrorCode.NotSupported, () => bucket.UploadAsync("/leading-slash", BinaryData.FromString("x"), null, Ct));
        Assert.Contains("forcePathStyle=false", ex.Message, StringComparison.Ordinal);
        await AssertCode(CloudErrorCode.NotSupported, () => bucket.ExistsAsync("/leading-slash", Ct));
        await AssertCode(CloudErrorCode.NotSupported, () => bucket.DeleteIfExistsAsync("/leading-slash", Ct));
        Assert.Empty(wire.Requests);
    }

    [Fact]
    public async Task VirtualHostedStyle_KeyWithLeadingSlash_KeepsIt()
    {
        var wire = new S3Wire(_ => S3Wire.Ok(etag: "\"e\""));
        var config = new AmazonS3Config { ServiceURL = S3Wire.Endpoint, ForcePathStyle = false, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0, HttpClientFactory = wire.Factory };
        await using var bucket = new BlobBucket(new Polycloud.Aws.Blobs.S3BlobDriver(new AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials("a", "b"), config), S3Wire.Bucket, new() { DisposeClient = true }));
        await bucket.UploadAsync("/leading-slash", BinaryData.FromString("x"), null, Ct);
        var put = Assert.Single(wire.Requests);
        Assert.Equal("wire-bucket.s3.wire.test", put.Uri.Host);
        Assert.Equal("//leading-slash", put.Uri.AbsolutePath);
    }

    public static TheoryData<int, string, CloudErrorCode> ErrorResponses() => new()
    {
        { 404, "NoSuchKey", CloudErrorCode.NotFound },
        { 404, "NoSuchBucket", CloudErrorCode.NotFound },
        { 403, "AccessDenied", CloudErrorCode.PermissionDenied },
        { 403, "InvalidAccessKeyId", CloudErrorCode.Unauthenticated },
        { 403, "SignatureDoesNotMatch", CloudErrorCode.Unauthenticated },
        { 400, "ExpiredToken", CloudErrorCode.Unauthenticated },
        { 503, "SlowDown", CloudErrorCode.Throttled },
        { 429, "TooManyRequests", CloudErrorCode.Throttled },
        { 503, "ServiceUnavailable", CloudErrorCode.Unavailable },
        { 500, "InternalError", CloudErrorCode.Unavailable },
        { 502, "BadGateway", CloudErrorCode.Unavailable },
        { 400, "InvalidArgument", CloudErrorCode.InvalidArgument },
        { 400, "BadDigest", CloudErrorCode.InvalidArgument },
        { 400, "KeyTooLongError", CloudErrorCode.InvalidArgument },
        { 412, "PreconditionFailed", CloudErrorCode.PreconditionFailed },
        { 409, "BucketAlreadyOwnedByYou", CloudErrorCode.AlreadyExists },
        { 501, "NotImplemented", CloudErrorCode.NotSupported },
        { 400, "RequestTimeout", CloudErrorCode.Timeout },
        { 418, "SomethingNew", CloudErrorCode.InvalidArgument },
        { 504, "GatewayTimeout", CloudErrorCode.Timeout },
        { 409, "OperationAborted", CloudErrorCode.PreconditionFailed },
    };

    [Theory]
    [MemberData(nameof(ErrorResponses))]
    public async Task ErrorResponses_MapToPortableCodes(int status, string code, CloudErrorCode expected)
    {
        var wire = new S3Wire(_ => S3Wire.Error((HttpStatusCode)status, code, "message for " + code));
        await using var bucket = wire.CreateBucket();
        var ex = await Assert.ThrowsAsync<CloudException>(() => bucket.ReadAllAsync("k", default, Ct));
        Assert.True(ex.ErrorCode == expected, $"{status} {code}: expected {expected}, got {ex.ErrorCode}");
        var native = Assert.IsAssignableFrom<AmazonS3Exception>(ex.InnerException);
        Assert.Equal(code, native.ErrorCode);
        Assert.Equal(expected, bucket.GetErrorCode(native));
    }

    [Fact]
    public async Task HeadErrors_WithoutBody_MapByStatus()
    {
        var status = HttpStatusCode.Forbidden;
        var wire = new S3Wire(_ => new HttpResponseMessage(status) { Content = new ByteArrayContent([]) });
        await using var bucket = wire.CreateBucket();
        await AssertCode(CloudErrorCode.PermissionDenied, () => bucket.GetPropertiesAsync("k", Ct));
        status = HttpStatusCode.NotFound;
        await AssertCode(CloudErrorCode.NotFound, () => bucket.GetPropertiesAsync("k", Ct));
        Assert.False(await bucket.ExistsAsync("k", Ct));
    }

    [Fact]
    public async Task TransportFailures_AreUnavailable()
    {
        var wire = new S3Wire(_ => throw new HttpRequestException("Connection refused", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)));
        await using var bucket = wire.CreateBucket();
        var ex = await AssertCode(CloudErrorCode.Unavailable, () => bucket.GetPropertiesAsync("k", Ct));
        Assert.True(ex.IsTransient);
    }

    private static async Task<CloudException> AssertCode(CloudErrorCode code, Func<Task> action)
    {
        var ex = await Assert.ThrowsAsync<CloudException>(action);
        Assert.True(ex.ErrorCode == code, $"expected {code}, got {ex.ErrorCode}: {ex.Message}");
        return ex;
    }
}
