using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Cloud.Storage.V1;

#pragma warning disable CA5351 // MD5 is the checksum GCS reports, not a security primitive.

namespace Polycloud.Google.Tests.Blobs;

/// <summary>One request as it reached the wire.</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, Dictionary<string, string> Headers, byte[] Body)
{
    public string? Query(string name)
    {
        foreach (string pair in Uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string k = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            if (k == name)
            {
                return eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        return null;
    }

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// An in-process stand-in for the GCS JSON API that follows the documented contract for what the driver uses:
/// resumable uploads (ifGenerationMatch and md5Hash enforced, chunks assembled), media GET with Range (206/416),
/// object metadata GET, list with delimiter/prefixes/page tokens, delete. It records every request, and
/// <see cref="Intercept"/> can answer a request instead (error injection).
/// </summary>
internal sealed class FakeGcsHandler : HttpMessageHandler
{
    private const string Host = "https://storage.googleapis.com";
    private readonly ConcurrentDictionary<string, StoredObject> _objects = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Session> _sessions = new();
    private long _generation = 1_700_000_000_000_000;
    private int _sessionIds;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Answers a request before the fake does; return null to let the fake answer.</summary>
    public Func<RecordedRequest, HttpResponseMessage?>? Intercept { get; set; }

    /// <summary>When true, media GETs ignore the Range header and answer 200 with the whole object.</summary>
    public bool IgnoreRange { get; set; }

    /// <summary>Builds a StorageClient whose transport is this handler.</summary>
    public StorageClient CreateClient()
        => new StorageClientBuilder { UnauthenticatedAccess = true, HttpClientFactory = new Factory(this) }.Build();

    public static HttpResponseMessage JsonError(HttpStatusCode status, string message, string reason = "invalid")
    {
        var body = new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = (int)status,
                ["message"] = message,
                ["errors"] = new JsonArray(new JsonObject { ["message"] = message, ["domain"] = "global", ["reason"] = reason }),
            },
        };
        return new HttpResponseMessage(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
    }

    public IEnumerable<RecordedRequest> Matching(HttpMethod method, string pathPart)
        => Requests.Where(r => r.Method == method && r.Uri.AbsolutePath.Contains(pathPart, StringComparison.Ordinal));

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in request.Headers)
        {
            headers[h.Key] = string.Join(",", h.Value);
        }

        byte[] body = [];
        if (request.Content is not null)
        {
            foreach (var h in request.Content.Headers)
            {
                headers[h.Key] = string.Join(",", h.Value);
            }

            body = await request.Content.ReadAsByteArrayAsync(cancellationToken);
            if (headers.TryGetValue("Content-Encoding", out string? encoding) && encoding.Contains("gzip", StringComparison.OrdinalIgnoreCase))
            {
                using var gz = new System.IO.Compression.GZipStream(new MemoryStream(body), System.IO.Compression.CompressionMode.Decompress);
                using var plain = new MemoryStream();
                await gz.CopyToAsync(plain, cancellationToken);
                body = plain.ToArray();
            }
        }

        var recorded = new RecordedRequest(request.Method, request.RequestUri!, headers, body);
        Requests.Enqueue(recorded);
        if (Intercept?.Invoke(recorded) is { } intercepted)
        {
            return intercepted;
        }

        return Answer(recorded);
    }

    private HttpResponseMessage Answer(RecordedRequest r)
    {
        string path = r.Uri.AbsolutePath;
        const string uploadPrefix = "/upload/storage/v1/b/";
        const string apiPrefix = "/storage/v1/b/";
        if (path.StartsWith(uploadPrefix, StringComparison.Ordinal))
        {
            return r.Method == HttpMethod.Post ? StartUpload(r) : ContinueUpload(r);
        }

        if (!path.StartsWith(apiPrefix, StringComparison.Ordinal))
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }

        // Split the raw (still escaped) path: b/{bucket}/o[/{object}]
        string raw = r.Uri.AbsolutePath[apiPrefix.Length..];
        string[] parts = raw.Split('/', 3);
        string bucket = parts[0];
        if (parts.Length == 2 && r.Method == HttpMethod.Get)
        {
            return List(r, bucket);
        }

        string name = Uri.UnescapeDataString(parts[2]);
        string id = bucket + "/" + name;
        if (r.Method == HttpMethod.Delete)
        {
            return _objects.TryRemove(id, out _) ? new HttpResponseMessage(HttpStatusCode.NoContent) : JsonError(HttpStatusCode.NotFound, "No such object: " + id, "notFound");
        }

        if (!_objects.TryGetValue(id, out var o))
        {
            return JsonError(HttpStatusCode.NotFound, "No such object: " + id, "notFound");
        }

        return r.Query("alt") == "media" ? Media(r, o) : Json(HttpStatusCode.OK, o.ToJson());
    }

    private HttpResponseMessage StartUpload(RecordedRequest r)
    {
        string bucket = r.Uri.AbsolutePath.Split('/')[5];
        var metadata = JsonNode.Parse(r.BodyText)!.AsObject();
        string name = (string)metadata["name"]!;
        if (Check(bucket + "/" + name, r) is { } failed)
        {
            return failed;
        }

        int sessionId = Interlocked.Increment(ref _sessionIds);
        _sessions[sessionId.ToString(CultureInfo.InvariantCulture)] = new Session(bucket, name, metadata, r);
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        response.Headers.Location = new Uri($"{Host}/upload/storage/v1/b/{bucket}/o?uploadType=resumable&upload_id={sessionId}");
        return response;
    }

    private HttpResponseMessage ContinueUpload(RecordedRequest r)
    {
        var session = _sessions[r.Query("upload_id")!];
        string range = r.Header("Content-Range") ?? throw new InvalidOperationException("a resumable chunk needs Content-Range");

        // "bytes a-b/total", "bytes a-b/*" or "bytes */total"
        string spec = range["bytes ".Length..];
        string[] slash = spec.Split('/');
        session.Data.Write(r.Body);
        session.Chunks++;
        if (slash[1] == "*")
        {
            var more = new HttpResponseMessage((HttpStatusCode)308) { Content = new ByteArrayContent([]) };
            more.Headers.TryAddWithoutValidation("Range", $"bytes=0-{session.Data.Length - 1}");
            return more;
        }

        byte[] data = session.Data.ToArray();
        string id = session.Bucket + "/" + session.Name;
        if (session.Metadata["md5Hash"] is { } md5 && (string)md5! != Convert.ToBase64String(MD5.HashData(data)))
        {
            return JsonError(HttpStatusCode.BadRequest, "Provided MD5 hash \"" + (string)md5! + "\" doesn't match calculated MD5 hash.", "invalid");
        }

        if (Check(id, session.Start) is { } failed)
        {
            return failed;
        }

        var stored = new StoredObject(session.Bucket, session.Name, data, Interlocked.Increment(ref _generation), session.Metadata);
        _objects[id] = stored;
        return Json(HttpStatusCode.OK, stored.ToJson());
    }

    private HttpResponseMessage? Check(string id, RecordedRequest r)
    {
        if (r.Query("ifGenerationMatch") is not { } match)
        {
            return null;
        }

        long expected = long.Parse(match, CultureInfo.InvariantCulture);
        long current = _objects.TryGetValue(id, out var o) ? o.Generation : 0;
        return expected == current ? null : JsonError(HttpStatusCode.PreconditionFailed, "At least one of the pre-conditions you specified did not hold.", "conditionNotMet");
    }

    private HttpResponseMessage Media(RecordedRequest r, StoredObject o)
    {
        long size = o.Data.Length;
        HttpResponseMessage response;
        if (r.Header("Range") is { } range && !IgnoreRange)
        {
            string[] se = range["bytes=".Length..].Split('-');
            long start = long.Parse(se[0], CultureInfo.InvariantCulture);
            long end = se[1].Length == 0 ? size - 1 : Math.Min(long.Parse(se[1], CultureInfo.InvariantCulture), size - 1);
            if (start >= size)
            {
                var unsatisfiable = JsonError(HttpStatusCode.RequestedRangeNotSatisfiable, "The requested range cannot be satisfied.", "requestedRangeNotSatisfiable");
                return unsatisfiable;
            }

            response = new HttpResponseMessage(HttpStatusCode.PartialContent) { Content = new ByteArrayContent(o.Data, (int)start, (int)(end - start + 1)) };
            response.Content.Headers.ContentRange = new System.Net.Http.Headers.ContentRangeHeaderValue(start, end, size);
        }
        else
        {
            response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(o.Data) };
        }

        response.Content.Headers.TryAddWithoutValidation("Content-Type", o.ContentType);
        response.Content.Headers.LastModified = o.Updated;
        response.Headers.TryAddWithoutValidation("x-goog-generation", o.Generation.ToString(CultureInfo.InvariantCulture));
        response.Headers.TryAddWithoutValidation("x-goog-metageneration", "1");
        response.Headers.TryAddWithoutValidation("x-goog-stored-content-length", size.ToString(CultureInfo.InvariantCulture));
        response.Headers.TryAddWithoutValidation("x-goog-hash", "md5=" + Convert.ToBase64String(MD5.HashData(o.Data)));
        return response;
    }

    private HttpResponseMessage List(RecordedRequest r, string bucket)
    {
        string prefix = r.Query("prefix") ?? string.Empty;
        string? delimiter = r.Query("delimiter");
        int max = int.Parse(r.Query("maxResults") ?? "1000", CultureInfo.InvariantCulture);
        string? after = r.Query("pageToken") is { } t ? Encoding.UTF8.GetString(Convert.FromBase64String(t)) : null;
        var entries = new SortedSet<string>(StringComparer.Ordinal);
        var objects = new Dictionary<string, StoredObject>(StringComparer.Ordinal);
        foreach (var o in _objects.Values.Where(o => o.Bucket == bucket && o.Name.StartsWith(prefix, StringComparison.Ordinal)))
        {
            int d = delimiter is null ? -1 : o.Name.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
            string entry = d < 0 ? o.Name : o.Name[..(d + delimiter!.Length)];
            entries.Add(entry);
            if (d < 0)
            {
                objects[entry] = o;
            }
        }

        var page = entries.Where(e => after is null || string.CompareOrdinal(e, after) > 0).Take(max + 1).ToList();
        var result = new JsonObject { ["kind"] = "storage#objects" };
        var items = new JsonArray();
        var prefixes = new JsonArray();
        foreach (string e in page.Take(max))
        {
            if (objects.TryGetValue(e, out var o))
            {
                items.Add(o.ToJson());
            }
            else
            {
                prefixes.Add(e);
            }
        }

        if (items.Count > 0)
        {
            result["items"] = items;
        }

        if (prefixes.Count > 0)
        {
            result["prefixes"] = prefixes;
        }

        if (page.Count > max)
        {
            result["nextPageToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(page[max - 1]));
        }

        return Json(HttpStatusCode.OK, result);
    }

    private static HttpResponseMessage Json(HttpStatusCode status, JsonNode node)
        => new(status) { Content = new StringContent(node.ToJsonString(), Encoding.UTF8, "application/json") };

    private sealed class Session(string bucket, string name, JsonObject metadata, RecordedRequest start)
    {
        public string Bucket { get; } = bucket;

        public string Name { get; } = name;

        public JsonObject Metadata { get; } = metadata;

        public RecordedRequest Start { get; } = start;

        public MemoryStream Data { get; } = new();

        public int Chunks { get; set; }
    }

    private sealed record StoredObject(string Bucket, string Name, byte[] Data, long Generation, JsonObject Metadata)
    {
        public DateTimeOffset Updated { get; } = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

        public string ContentType => (string?)Metadata["contentType"] ?? "application/octet-stream";

        public JsonObject ToJson()
        {
            var json = JsonNode.Parse(Metadata.ToJsonString())!.AsObject();
            json["kind"] = "storage#object";
            json["bucket"] = Bucket;
            json["name"] = Name;
            json["generation"] = Generation.ToString(CultureInfo.InvariantCulture);
            json["metageneration"] = "1";
            json["size"] = Data.Length.ToString(CultureInfo.InvariantCulture);
            if (!Name.StartsWith("composite/", StringComparison.Ordinal))
            {
                // Composite objects (objects.compose) carry no md5Hash, only crc32c; the fake models them by name.
                json["md5Hash"] = Convert.ToBase64String(MD5.HashData(Data));
            }

            json["updated"] = Updated.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            json["contentType"] = ContentType;
            return json;
        }
    }

    private sealed class Factory(FakeGcsHandler handler) : global::Google.Apis.Http.HttpClientFactory
    {
        protected override HttpMessageHandler CreateHandler(global::Google.Apis.Http.CreateHttpClientArgs args) => handler;
    }
}
