using System.Net;
using Polycloud.Aws.Blobs;
using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;
using Xunit;

namespace Polycloud.Aws.Tests.Blobs;

/// <summary>
/// The S3 transfer calls fauxqs does not serve (ListParts, ListMultipartUploads, UploadPartCopy), checked at the wire
/// against an in-process stand-in that answers with S3's documented XML.
/// </summary>
public sealed class S3TransferWireTests
{
    private const string Ns = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListUploadedParts_SendsListParts_AndPages()
    {
        var wire = new S3Wire(r => r.HasQuery("part-number-marker")
            ? S3Wire.Ok(xml: $"<ListPartsResult {Ns}><Bucket>{S3Wire.Bucket}</Bucket><Key>k</Key><UploadId>U1</UploadId><IsTruncated>false</IsTruncated>"
                + "<Part><PartNumber>3</PartNumber><ETag>\"e3\"</ETag><Size>7</Size></Part></ListPartsResult>")
            : S3Wire.Ok(xml: $"<ListPartsResult {Ns}><Bucket>{S3Wire.Bucket}</Bucket><Key>k</Key><UploadId>U1</UploadId><IsTruncated>true</IsTruncated><NextPartNumberMarker>2</NextPartNumberMarker>"
                + "<Part><PartNumber>2</PartNumber><ETag>\"e2\"</ETag><Size>5242880</Size></Part><Part><PartNumber>1</PartNumber><ETag>\"e1\"</ETag><Size>5242880</Size></Part></ListPartsResult>"));
        await using var bucket = wire.CreateBucket();
        var driver = bucket.As<IBlobMultipartDriver>();

        var parts = await driver.ListUploadedPartsAsync(new BlobMultipartUpload("k", "U1"), Ct);

        Assert.Equal([1, 2, 3], parts.Select(p => p.PartNumber));
        Assert.Equal([5242880L, 5242880L, 7L], parts.Select(p => p.Size));
        Assert.Equal(["\"e1\"", "\"e2\"", "\"e3\""], parts.Select(p => p.ETag));
        Assert.Equal(2, wire.Requests.Count);
        Assert.All(wire.Requests, r => Assert.Equal(HttpMethod.Get, r.Method));
        Assert.All(wire.Requests, r => Assert.Contains("uploadId=U1", r.Uri.Query, StringComparison.Ordinal));
        Assert.Contains("part-number-marker=2", wire.Requests[1].Uri.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListUploadedParts_OfAGoneUpload_IsNotFound()
    {
        var wire = new S3Wire(_ => S3Wire.Error(HttpStatusCode.NotFound, "NoSuchUpload", "The specified upload does not exist."));
        await using var bucket = wire.CreateBucket();
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => bucket.As<IBlobMultipartDriver>().ListUploadedPartsAsync(new BlobMultipartUpload("k", "gone"), Ct));
        Assert.Equal(CloudErrorCode.NotFound, bucket.GetErrorCode(ex));
    }

    [Fact]
    public async Task ListMultipartUploads_SendsPrefix_AndPages()
    {
        var wire = new S3Wire(r => r.HasQuery("key-marker")
            ? S3Wire.Ok(xml: $"<ListMultipartUploadsResult {Ns}><Bucket>{S3Wire.Bucket}</Bucket><IsTruncated>false</IsTruncated>"
                + "<Upload><Key>dir/b</Key><UploadId>U3</UploadId></Upload></ListMultipartUploadsResult>")
            : S3Wire.Ok(xml: $"<ListMultipartUploadsResult {Ns}><Bucket>{S3Wire.Bucket}</Bucket><IsTruncated>true</IsTruncated><NextKeyMarker>dir/a</NextKeyMarker><NextUploadIdMarker>U2</NextUploadIdMarker>"
                + "<Upload><Key>dir/a</Key><UploadId>U1</UploadId></Upload><Upload><Key>dir/a</Key><UploadId>U2</UploadId></Upload></ListMultipartUploadsResult>"));
        await using var bucket = wire.CreateBucket();
        var uploads = new List<BlobMultipartUpload>();
        await foreach (var u in bucket.As<IBlobMultipartDriver>().ListMultipartUploadsAsync("dir/", Ct))
        {
            uploads.Add(u);
        }

        Assert.Equal([new BlobMultipartUpload("dir/a", "U1"), new BlobMultipartUpload("dir/a", "U2"), new BlobMultipartUpload("dir/b", "U3")], uploads);
        Assert.Equal(2, wire.Requests.Count);
        Assert.All(wire.Requests, r => Assert.True(r.HasQuery("uploads"), r.PathAndQuery));
        Assert.All(wire.Requests, r => Assert.Contains("prefix=dir%2F", r.Uri.Query, StringComparison.OrdinalIgnoreCase));
        Assert.Contains("key-marker=dir%2Fa", wire.Requests[1].Uri.Query, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("upload-id-marker=U2", wire.Requests[1].Uri.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CopyAboveTheLimit_SendsUploadPartCopyRanges_WithTheSourceETag()
    {
        const long size = 12L * 1024 * 1024;
        var wire = new S3Wire(r =>
        {
            if (r.Method == HttpMethod.Head)
            {
                return S3Wire.Head(size, "\"src-etag\"");
            }

            if (r.Method == HttpMethod.Post && r.HasQuery("uploads"))
            {
                return S3Wire.Ok(xml: $"<InitiateMultipartUploadResult {Ns}><Bucket>{S3Wire.Bucket}</Bucket><Key>dst</Key><UploadId>UC</UploadId></InitiateMultipartUploadResult>");
            }

            if (r.Method == HttpMethod.Put && r.HasQuery("partNumber"))
            {
                string n = r.Uri.Query.Split('&').First(p => p.TrimStart('?').StartsWith("partNumber=", StringComparison.Ordinal)).Split('=')[1];
                return S3Wire.Ok(xml: $"<CopyPartResult {Ns}><ETag>\"p{n}\"</ETag><LastModified>2026-11-25T10:00:00.000Z</LastModified></CopyPartResult>");
            }

            if (r.Method == HttpMethod.Post && r.HasQuery("uploadId"))
            {
                return S3Wire.Ok(xml: $"<CompleteMultipartUploadResult {Ns}><Bucket>{S3Wire.Bucket}</Bucket><Key>dst</Key><ETag>\"done-3\"</ETag></CompleteMultipartUploadResult>");
            }

            return S3Wire.Error(HttpStatusCode.BadRequest, "Unexpected", r.Method + " " + r.PathAndQuery);
        });
        var client = wire.CreateClient();
        var source = new S3BlobDriver(client, "source-bucket");
        var destination = new S3BlobDriver(client, S3Wire.Bucket) { SingleCopyLimit = 5L * 1024 * 1024, CopyPartSize = 5L * 1024 * 1024 };

        var result = await destination.TryCopyFromAsync(source, "src key", "dst", new BlobUploadOptions(), Ct);

        Assert.NotNull(result);
        Assert.Equal("\"done-3\"", result.ETag);
        var copies = wire.Requests.Where(r => r.Method == HttpMethod.Put).ToArray();
        Assert.Equal(3, copies.Length);
        Assert.All(copies, r => Assert.Equal("source-bucket/src key", Uri.UnescapeDataString(r.Header("x-amz-copy-source")!).TrimStart('/')));
        Assert.All(copies, r => Assert.Equal("\"src-etag\"", r.Header("x-amz-copy-source-if-match")));
        Assert.Equal(["bytes=0-5242879", "bytes=5242880-10485759", "bytes=10485760-12582911"], copies.Select(r => r.Header("x-amz-copy-source-range")));
        var complete = wire.Requests[^1];
        string body = System.Text.Encoding.UTF8.GetString(complete.Body);
        Assert.Contains("<PartNumber>3</PartNumber>", body, StringComparison.Ordinal);
        Assert.Contains("\"p2\"", body.Replace("&quot;", "\"", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
