using System.Globalization;
using System.Net;
using System.Text;
using Polycloud.Benchmarks.Infrastructure;

namespace Polycloud.Benchmarks.Blobs.S3;

/// <summary>
/// Answers S3 REST calls the way Amazon S3 does (headers and XML bodies as documented for PutObject, GetObject,
/// HeadObject, ListObjectsV2 and DeleteObject), without checksum headers on reads (so the SDK validates nothing: the
/// cheapest raw baseline, the hardest case for the portable layer).
/// </summary>
public sealed class S3CannedHandler : CannedHandler
{
    private static readonly string Date = Payloads.LastModified.ToString("r", CultureInfo.InvariantCulture);
    private readonly CannedResponse _put;
    private readonly CannedResponse _getSmall;
    private readonly CannedResponse _getLarge;
    private readonly CannedResponse _getRange;
    private readonly CannedResponse _head;
    private readonly CannedResponse _list;
    private readonly CannedResponse _delete;

    /// <summary>Builds every response once.</summary>
    public S3CannedHandler()
    {
        string smallETag = $"\"{Payloads.Md5Hex(Payloads.OneKilobyte)}\"";
        string largeETag = $"\"{Payloads.Md5Hex(Payloads.OneMegabyte)}\"";
        _put = new CannedResponse(HttpStatusCode.OK, [], Common(("ETag", smallETag), ("Content-Length", "0")));
        _getSmall = new CannedResponse(HttpStatusCode.OK, Payloads.OneKilobyte, Object(smallETag, "1024"));
        _getLarge = new CannedResponse(HttpStatusCode.OK, Payloads.OneMegabyte, Object(largeETag, "1048576"));
        _getRange = new CannedResponse(HttpStatusCode.PartialContent, Payloads.Range, Common(
            ("ETag", largeETag),
            ("Last-Modified", Date),
            ("Accept-Ranges", "bytes"),
            ("Content-Type", "application/octet-stream"),
            ("Content-Range", $"bytes {Payloads.RangeOffset}-{Payloads.RangeOffset + Payloads.RangeLength - 1}/{Payloads.OneMegabyte.Length}"),
            ("Content-Length", Payloads.RangeLength.ToString(CultureInfo.InvariantCulture))));
        _head = new CannedResponse(HttpStatusCode.OK, [], Common(
            [.. Object(smallETag, "1024"), ("x-amz-meta-owner", "reports"), ("x-amz-meta-purpose", "benchmark")]));
        _list = CannedResponse.Text(HttpStatusCode.OK, ListXml(smallETag), Common(("Content-Type", "application/xml")));
        _delete = new CannedResponse(HttpStatusCode.NoContent, [], Common());
    }

    /// <inheritdoc/>
    protected override CannedResponse Route(HttpRequestMessage request)
    {
        var method = request.Method;
        if (method == HttpMethod.Head)
        {
            return _head;
        }

        if (method == HttpMethod.Put)
        {
            return _put;
        }

        if (method == HttpMethod.Delete)
        {
            return _delete;
        }

        var uri = request.RequestUri!;
        if (uri.Query.Contains("list-type=2", StringComparison.Ordinal))
        {
            return _list;
        }

        if (request.Headers.Range is not null)
        {
            return _getRange;
        }

        return uri.AbsolutePath.EndsWith("large.bin", StringComparison.Ordinal) ? _getLarge : _getSmall;
    }

    private static (string, string)[] Object(string etag, string length) =>
    [
        ("ETag", etag),
        ("Last-Modified", Date),
        ("Accept-Ranges", "bytes"),
        ("Content-Type", "application/octet-stream"),
        ("Content-Length", length),
    ];

    private static (string, string)[] Common(params (string, string)[] extra) =>
    [
        ("x-amz-id-2", "Uuag1LuByRx9e6j5Onimru9pO4ZVKnJ2Qz7/C1NPcfTWAtRPfTaOFg=="),
        ("x-amz-request-id", "656c76696e6727732072657175657374"),
        ("Date", Date),
        ("Server", "AmazonS3"),
        .. extra,
    ];

    private static string ListXml(string etag)
    {
        var xml = new StringBuilder();
        xml.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
        xml.Append(CultureInfo.InvariantCulture, $"<Name>{BlobKeys.Bucket}</Name><Prefix>{BlobKeys.ListPrefix}</Prefix><KeyCount>{Payloads.ListPageSize}</KeyCount><MaxKeys>{Payloads.ListPageSize}</MaxKeys>");
        xml.Append("<IsTruncated>true</IsTruncated><NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=</NextContinuationToken>");
        for (int i = 0; i < Payloads.ListPageSize; i++)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<Contents><Key>{BlobKeys.ListItem(i)}</Key><LastModified>2026-01-15T10:30:00.000Z</LastModified><ETag>{etag.Replace("\"", "&quot;", StringComparison.Ordinal)}</ETag><Size>1024</Size><StorageClass>STANDARD</StorageClass></Contents>");
        }

        xml.Append("</ListBucketResult>");
        return xml.ToString();
    }
}

/// <summary>Plugs a <see cref="CannedHandler"/> into the AWS SDK's HTTP pipeline.</summary>
/// <param name="handler">The handler every client of this factory sends to.</param>
public sealed class CannedAwsHttpClientFactory(CannedHandler handler) : Amazon.Runtime.HttpClientFactory
{
    /// <inheritdoc/>
    public override HttpClient CreateHttpClient(Amazon.Runtime.IClientConfig clientConfig) => handler.CreateClient();

    /// <inheritdoc/>
    public override bool UseSDKHttpClientCaching(Amazon.Runtime.IClientConfig clientConfig) => false;

    /// <inheritdoc/>
    public override bool DisposeHttpClientsAfterUse(Amazon.Runtime.IClientConfig clientConfig) => false;
}
