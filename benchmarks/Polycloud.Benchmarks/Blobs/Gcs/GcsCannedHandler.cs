using System.Globalization;
using System.Net;
using System.Text;
using Polycloud.Benchmarks.Infrastructure;

namespace Polycloud.Benchmarks.Blobs.Gcs;

/// <summary>
/// Answers Cloud Storage JSON API calls the way GCS does: resumable upload (POST → session Location, PUT → object
/// resource), media download (alt=media, with x-goog-* headers), objects.get, objects.list and objects.delete.
/// </summary>
public sealed class GcsCannedHandler : CannedHandler
{
    private const string Generation = "1768473000000000";
    private static readonly string Date = Payloads.LastModified.ToString("r", CultureInfo.InvariantCulture);
    private readonly CannedResponse _session;
    private readonly CannedResponse _uploaded;
    private readonly CannedResponse _uploadedLarge;
    private readonly CannedResponse _mediaSmall;
    private readonly CannedResponse _mediaLarge;
    private readonly CannedResponse _mediaRange;
    private readonly CannedResponse _object;
    private readonly CannedResponse _list;
    private readonly CannedResponse _delete;

    /// <summary>Builds every response once.</summary>
    public GcsCannedHandler()
    {
        _session = new CannedResponse(HttpStatusCode.OK, [], Common(
            ("Location", $"https://storage.googleapis.com/upload/storage/v1/b/{BlobKeys.Bucket}/o?uploadType=resumable&upload_id=ADPycdtQ2fjVx6xBq3Hn0bench"),
            ("X-GUploader-UploadID", "ADPycdtQ2fjVx6xBq3Hn0bench"), ("Content-Length", "0")));
        _uploaded = CannedResponse.Text(HttpStatusCode.OK, ObjectJson(BlobKeys.Upload, Payloads.OneKilobyte, metadata: false), Common(("Content-Type", "application/json; charset=UTF-8")));
        _uploadedLarge = CannedResponse.Text(HttpStatusCode.OK, ObjectJson(BlobKeys.Upload, Payloads.OneMegabyte, metadata: false), Common(("Content-Type", "application/json; charset=UTF-8")));
        _mediaSmall = new CannedResponse(HttpStatusCode.OK, Payloads.OneKilobyte, Media(Payloads.OneKilobyte, Payloads.OneKilobyte.Length, null));
        _mediaLarge = new CannedResponse(HttpStatusCode.OK, Payloads.OneMegabyte, Media(Payloads.OneMegabyte, Payloads.OneMegabyte.Length, null));
        _mediaRange = new CannedResponse(HttpStatusCode.PartialContent, Payloads.Range, Media(
            Payloads.OneMegabyte, Payloads.RangeLength, $"bytes {Payloads.RangeOffset}-{Payloads.RangeOffset + Payloads.RangeLength - 1}/{Payloads.OneMegabyte.Length}"));
        _object = CannedResponse.Text(HttpStatusCode.OK, ObjectJson(BlobKeys.Small, Payloads.OneKilobyte, metadata: true), Common(("Content-Type", "application/json; charset=UTF-8")));
        _list = CannedResponse.Text(HttpStatusCode.OK, ListJson(), Common(("Content-Type", "application/json; charset=UTF-8")));
        _delete = new CannedResponse(HttpStatusCode.NoContent, [], Common(("Content-Length", "0")));
    }

    /// <inheritdoc/>
    protected override CannedResponse Route(HttpRequestMessage request)
    {
        var method = request.Method;
        if (method == HttpMethod.Post)
        {
            return _session;
        }

        if (method == HttpMethod.Put)
        {
            // The object resource GCS answers describes what was stored: its size must be the upload's (the driver
            // refuses an answer reporting fewer bytes than it sent).
            var headers = request.Content?.Headers;
            long? total = headers?.ContentRange?.Length ?? headers?.ContentLength;
            return total == Payloads.OneMegabyte.Length ? _uploadedLarge : _uploaded;
        }

        if (method == HttpMethod.Delete)
        {
            return _delete;
        }

        var uri = request.RequestUri!;
        string query = uri.Query;
        if (query.Contains("alt=media", StringComparison.Ordinal))
        {
            if (request.Headers.Range is not null)
            {
                return _mediaRange;
            }

            return uri.AbsolutePath.EndsWith("large.bin", StringComparison.Ordinal) ? _mediaLarge : _mediaSmall;
        }

        return uri.AbsolutePath.EndsWith("/o", StringComparison.Ordinal) ? _list : _object;
    }

    private static (string, string)[] Media(byte[] whole, int length, string? range)
    {
        var headers = new List<(string, string)>
        {
            ("Content-Type", "application/octet-stream"),
            ("Content-Length", length.ToString(CultureInfo.InvariantCulture)),
            ("ETag", "\"CICAgICAgICAAQ==\""),
            ("Last-Modified", Date),
            ("Cache-Control", "private, max-age=0"),
            ("x-goog-generation", Generation),
            ("x-goog-metageneration", "1"),
            ("x-goog-stored-content-encoding", "identity"),
            ("x-goog-stored-content-length", whole.Length.ToString(CultureInfo.InvariantCulture)),
            ("x-goog-hash", $"crc32c=AAAAAA==,md5={Payloads.Md5Base64(whole)}"),
            ("x-goog-storage-class", "STANDARD"),
            ("Accept-Ranges", "bytes"),
            ("X-GUploader-UploadID", "ABgVH8_benchdownload"),
        };
        if (range is not null)
        {
            headers.Add(("Content-Range", range));
        }

        return Common([.. headers]);
    }

    private static (string, string)[] Common(params (string, string)[] extra) =>
    [
        ("Date", Date),
        ("Server", "UploadServer"),
        ("Vary", "Origin, X-Origin"),
        .. extra,
    ];

    private static string ObjectJson(string key, byte[] content, bool metadata)
    {
        string escaped = Uri.EscapeDataString(key);
        string meta = metadata ? ",\"metadata\":{\"owner\":\"reports\",\"purpose\":\"benchmark\"}" : string.Empty;
        return "{\"kind\":\"storage#object\",\"id\":\"" + BlobKeys.Bucket + "/" + key + "/" + Generation + "\","
            + "\"selfLink\":\"https://www.googleapis.com/storage/v1/b/" + BlobKeys.Bucket + "/o/" + escaped + "\","
            + "\"mediaLink\":\"https://storage.googleapis.com/download/storage/v1/b/" + BlobKeys.Bucket + "/o/" + escaped + "?generation=" + Generation + "&alt=media\","
            + "\"name\":\"" + key + "\",\"bucket\":\"" + BlobKeys.Bucket + "\",\"generation\":\"" + Generation + "\",\"metageneration\":\"1\","
            + "\"contentType\":\"application/octet-stream\",\"storageClass\":\"STANDARD\",\"size\":\"" + content.Length.ToString(CultureInfo.InvariantCulture) + "\","
            + "\"md5Hash\":\"" + Payloads.Md5Base64(content) + "\",\"crc32c\":\"AAAAAA==\",\"etag\":\"CICAgICAgICAAQ==\","
            + "\"timeCreated\":\"2026-01-15T10:30:00.000Z\",\"updated\":\"2026-01-15T10:30:00.000Z\",\"timeStorageClassUpdated\":\"2026-01-15T10:30:00.000Z\"" + meta + "}";
    }

    private static string ListJson()
    {
        var json = new StringBuilder("{\"kind\":\"storage#objects\",\"nextPageToken\":\"CgtsaXN0L2l0ZW0tMDA5OS5iaW4=\",\"items\":[");
        for (int i = 0; i < Payloads.ListPageSize; i++)
        {
            json.Append(i == 0 ? string.Empty : ",").Append(ObjectJson(BlobKeys.ListItem(i), Payloads.OneKilobyte, metadata: false));
        }

        return json.Append("]}").ToString();
    }
}

/// <summary>Plugs a <see cref="CannedHandler"/> into the Google API client's HTTP pipeline.</summary>
/// <param name="handler">The handler every client of this factory sends to.</param>
public sealed class CannedGoogleHttpClientFactory(CannedHandler handler) : global::Google.Apis.Http.HttpClientFactory
{
    /// <inheritdoc/>
    protected override HttpMessageHandler CreateHandler(global::Google.Apis.Http.CreateHttpClientArgs args) => handler;
}
