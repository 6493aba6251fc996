using System.Net;
using System.Text;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace Polycloud.Azure.Tests.Blobs;

/// <summary>An in-process HTTP handler that records every request the Azure SDK sends and answers from a script.</summary>
internal sealed class RecordingHandler : HttpMessageHandler
{
    public const string Account = "wireacct";
    public static readonly string Key = Convert.ToBase64String(new byte[64]);

    private readonly Func<RecordedRequest, HttpResponseMessage> _respond;

    public RecordingHandler(Func<RecordedRequest, HttpResponseMessage>? respond = null)
    {
        _respond = respond ?? (_ => Created());
    }

    public List<RecordedRequest> Requests { get; } = [];

    /// <summary>A container client on this handler, shared-key authenticated, with retries off.</summary>
    public BlobContainerClient Container(string name = "wire")
        => new(new Uri($"https://{Account}.blob.core.windows.net/{name}"), new StorageSharedKeyCredential(Account, Key), Options());

    public BlobClientOptions Options()
    {
        var options = new BlobClientOptions { Transport = new HttpClientTransport(new HttpClient(this, disposeHandler: false)) };
        options.Retry.MaxRetries = 0;
        return options;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[] body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var h in request.Headers)
        {
            headers[h.Key] = string.Join(",", h.Value);
        }

        if (request.Content is not null)
        {
            foreach (var h in request.Content.Headers)
            {
                headers[h.Key] = string.Join(",", h.Value);
            }
        }

        var recorded = new RecordedRequest(request.Method.Method, request.RequestUri!, headers, body);
        lock (Requests)
        {
            Requests.Add(recorded);
        }

        var response = _respond(recorded);
        response.RequestMessage = request;
        return response;
    }

    public static HttpResponseMessage Created(string etag = "\"0x8DC0000000000001\"")
    {
        var r = new HttpResponseMessage(HttpStatusCode.Created) { Content = new ByteArrayContent([]) };
        r.Headers.TryAddWithoutValidation("ETag", etag);
        r.Content.Headers.TryAddWithoutValidation("Last-Modified", "Wed, 25 Nov 2026 12:00:00 GMT");
        r.Headers.TryAddWithoutValidation("x-ms-request-server-encrypted", "true");
        return r;
    }

    /// <summary>An Azure error: status, the XML error body, and (optionally) the x-ms-error-code header.</summary>
    public static HttpResponseMessage Error(int status, string code, bool withHeader = true)
    {
        string xml = $"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{code} happened.\nRequestId:00000000-0000-0000-0000-000000000000\nTime:2026-11-25T12:00:00.0000000Z</Message></Error>";
        var r = new HttpResponseMessage((HttpStatusCode)status) { Content = new StringContent(xml, Encoding.UTF8, "application/xml") };
        if (withHeader)
        {
            r.Headers.TryAddWithoutValidation("x-ms-error-code", code);
        }

        return r;
    }

    public static HttpResponseMessage Xml(string xml)
        => new(HttpStatusCode.OK) { Content = new StringContent(xml, Encoding.UTF8, "application/xml") };

    public static HttpResponseMessage Blob(byte[] content, int status = 200, string? contentRange = null)
    {
        var r = new HttpResponseMessage((HttpStatusCode)status) { Content = new ByteArrayContent(content) };
        r.Content.Headers.ContentLength = content.Length;
        r.Headers.TryAddWithoutValidation("ETag", "\"0x8DC0000000000001\"");
        r.Headers.TryAddWithoutValidation("x-ms-blob-type", "BlockBlob");
        r.Content.Headers.TryAddWithoutValidation("Content-Type", "application/octet-stream");
        r.Content.Headers.TryAddWithoutValidation("Last-Modified", "Wed, 25 Nov 2026 12:00:00 GMT");
        if (contentRange is not null)
        {
            r.Content.Headers.TryAddWithoutValidation("Content-Range", contentRange);
        }

        return r;
    }
}

internal sealed record RecordedRequest(string Method, Uri Uri, Dictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out string? v) ? v : null;

    public string Query => Uri.Query;
}
