using System.Globalization;
using System.Net;
using System.Text;
using Polycloud.Benchmarks.Infrastructure;

namespace Polycloud.Benchmarks.Blobs.Azure;

/// <summary>
/// Answers Azure Blob REST calls the way Blob Storage does (Put Blob 201, Get Blob 200/206, Get Blob Properties,
/// List Blobs XML, Delete Blob 202), with the headers the service sends.
/// </summary>
public sealed class AzureBlobCannedHandler : CannedHandler
{
    private const string ETag = "\"0x8DE3412C9A1B2C3\"";
    private static readonly string Date = Payloads.LastModified.ToString("r", CultureInfo.InvariantCulture);
    private readonly CannedResponse _put;
    private readonly CannedResponse _getSmall;
    private readonly CannedResponse _getLarge;
    private readonly CannedResponse _getRange;
    private readonly CannedResponse _head;
    private readonly CannedResponse _list;
    private readonly CannedResponse _delete;

    /// <summary>Builds every response once.</summary>
    public AzureBlobCannedHandler()
    {
        _put = new CannedResponse(HttpStatusCode.Created, [], Common(
            ("ETag", ETag), ("Last-Modified", Date), ("Content-MD5", Payloads.Md5Base64(Payloads.OneKilobyte)),
            ("x-ms-content-crc64", "dY3lNlXb2Ms="), ("x-ms-request-server-encrypted", "true"), ("Content-Length", "0")));
        _getSmall = new CannedResponse(HttpStatusCode.OK, Payloads.OneKilobyte, Blob(Payloads.OneKilobyte, "1024"));
        _getLarge = new CannedResponse(HttpStatusCode.OK, Payloads.OneMegabyte, Blob(Payloads.OneMegabyte, "1048576"));
        _getRange = new CannedResponse(HttpStatusCode.PartialContent, Payloads.Range, Common(
            ("Content-Length", Payloads.RangeLength.ToString(CultureInfo.InvariantCulture)),
            ("Content-Type", "application/octet-stream"),
            ("Content-Range", $"bytes {Payloads.RangeOffset}-{Payloads.RangeOffset + Payloads.RangeLength - 1}/{Payloads.OneMegabyte.Length}"),
            ("ETag", ETag), ("Last-Modified", Date), ("Accept-Ranges", "bytes"),
            ("x-ms-blob-content-md5", Payloads.Md5Base64(Payloads.OneMegabyte)),
            ("x-ms-creation-time", Date), ("x-ms-blob-type", "BlockBlob"), ("x-ms-lease-status", "unlocked"),
            ("x-ms-lease-state", "available"), ("x-ms-server-encrypted", "true")));
        _head = new CannedResponse(HttpStatusCode.OK, [], Common(
            [.. Blob(Payloads.OneKilobyte, "1024"), ("x-ms-meta-owner", "reports"), ("x-ms-meta-purpose", "benchmark"),
             ("x-ms-access-tier", "Hot"), ("x-ms-access-tier-inferred", "true")]));
        _list = CannedResponse.Text(HttpStatusCode.OK, ListXml(), Common(("Content-Type", "application/xml")));
        _delete = new CannedResponse(HttpStatusCode.Accepted, [], Common(("x-ms-delete-type-permanent", "true"), ("Content-Length", "0")));
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
        if (uri.Query.Contains("comp=list", StringComparison.Ordinal))
        {
            return _list;
        }

        if (request.Headers.Contains("x-ms-range") || request.Headers.Range is not null)
        {
            return _getRange;
        }

        return uri.AbsolutePath.EndsWith("large.bin", StringComparison.Ordinal) ? _getLarge : _getSmall;
    }

    private static (string, string)[] Blob(byte[] content, string length) =>
    [
        ("Content-Length", length),
        ("Content-Type", "application/octet-stream"),
        ("Content-MD5", Payloads.Md5Base64(content)),
        ("ETag", ETag),
        ("Last-Modified", Date),
        ("Accept-Ranges", "bytes"),
        ("x-ms-creation-time", Date),
        ("x-ms-blob-type", "BlockBlob"),
        ("x-ms-lease-status", "unlocked"),
        ("x-ms-lease-state", "available"),
        ("x-ms-server-encrypted", "true"),
    ];

    private static (string, string)[] Common(params (string, string)[] extra) =>
    [
        ("Server", "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0"),
        ("x-ms-request-id", "9d5b5c1e-301e-0057-6a2f-4c1f2e000000"),
        ("x-ms-version", "2026-10-06"),
        ("Date", Date),
        .. extra,
    ];

    private static string ListXml()
    {
        string md5 = Payloads.Md5Base64(Payloads.OneKilobyte);
        var xml = new StringBuilder();
        xml.Append(CultureInfo.InvariantCulture, $"\uFEFF<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ServiceEndpoint=\"https://benchaccount.blob.core.windows.net/\" ContainerName=\"{BlobKeys.Bucket}\"><Prefix>{BlobKeys.ListPrefix}</Prefix><MaxResults>{Payloads.ListPageSize}</MaxResults><Blobs>");
        for (int i = 0; i < Payloads.ListPageSize; i++)
        {
            xml.Append(CultureInfo.InvariantCulture, $"<Blob><Name>{BlobKeys.ListItem(i)}</Name><Properties><Creation-Time>{Date}</Creation-Time><Last-Modified>{Date}</Last-Modified><Etag>0x8DE3412C9A1B2C3</Etag><Content-Length>1024</Content-Length><Content-Type>application/octet-stream</Content-Type><Content-Encoding /><Content-Language /><Content-CRC64 /><Content-MD5>{md5}</Content-MD5><Cache-Control /><Content-Disposition /><BlobType>BlockBlob</BlobType><AccessTier>Hot</AccessTier><AccessTierInferred>true</AccessTierInferred><LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState><ServerEncrypted>true</ServerEncrypted></Properties><OrMetadata /></Blob>");
        }

        xml.Append("</Blobs><NextMarker>2!96!MDAwMDI2IWxpc3QvaXRlbS0wMTAwLmJpbiEwMDAwMjghOTk5OS0xMi0zMVQyMzo1OTo1OS45OTk5OTk5WiE-</NextMarker></EnumerationResults>");
        return xml.ToString();
    }
}
