using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Polycloud.Aws.Blobs;
using Polycloud.Blobs;

namespace Polycloud.Aws.Tests.Blobs;

/// <summary>One request the S3 client sent, as it went on the wire.</summary>
internal sealed record WireRequest(HttpMethod Method, Uri Uri, Dictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out string? v) ? v : null;

    public string PathAndQuery => Uri.PathAndQuery;

    public bool HasQuery(string name) => Uri.Query.TrimStart('?').Split('&').Any(p => p == name || p.StartsWith(name + "=", StringComparison.Ordinal));
}

/// <summary>
/// An in-process S3 stand-in plugged into <see cref="AmazonS3Config.HttpClientFactory"/>: records every request and
/// answers with what the test's responder returns, shaped like S3's responses (status, headers, XML error bodies).
/// </summary>
internal sealed class S3Wire : HttpMessageHandler
{
    public const string Endpoint = "http://s3.wire.test";
    public const string Bucket = "wire-bucket";

    private readonly Func<WireRequest, HttpResponseMessage> _responder;
    private readonly List<WireRequest> _requests = [];

    public S3Wire(Func<WireRequest, HttpResponseMessage> responder) => _responder = responder;

    public IReadOnlyList<WireRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToArray();
            }
        }
    }

    /// <summary>An SDK HTTP client factory whose clients send through this handler.</summary>
    public HttpClientFactory Factory => new RecordingFactory(this);

    public AmazonS3Client CreateClient()
    {
        var config = new AmazonS3Config
        {
            ServiceURL = Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
            HttpClientFactory = Factory,
        };
        return new AmazonS3Client(new BasicAWSCredentials("AKIDWIRE", "wire-secret"), config);
    }

    public BlobBucket CreateBucket(int partSize = S3BlobDriverOptions.DefaultPartSize)
        => new(new S3BlobDriver(CreateClient(), Bucket, new S3BlobDriverOptions { PartSize = partSize, DisposeClient = true }));

    public static HttpResponseMessage Ok(string? etag = null, string? xml = null, Action<HttpResponseMessage>? configure = null)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = xml is null ? new ByteArrayContent([]) : new StringContent(xml, Encoding.UTF8, "application/xml"),
        };
        if (etag is not null)
        {
            response.Headers.TryAddWithoutValidation("ETag", etag);
        }

        configure?.Invoke(response);
        return response;
    }

    public static HttpResponseMessage Error(HttpStatusCode status, string code, string message = "error")
        => new(status)
        {
            Content = new StringContent(
                $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>REQ1</RequestId><HostId>HOST1</HostId></Error>",
                Encoding.UTF8,
                "application/xml"),
        };

    /// <summary>A HEAD answer: S3 sends no body for HEAD, so only the status tells what went wrong.</summary>
    public static HttpResponseMessage Head(long length, string etag, string contentType = "application/octet-stream")
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        response.Content.Headers.ContentLength = length;
        response.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        response.Headers.TryAddWithoutValidation("ETag", etag);
        response.Content.Headers.TryAddWithoutValidation("Last-Modified", "Wed, 25 Nov 2026 10:00:00 GMT");
        return response;
    }

    public static HttpResponseMessage HeadMissing() => new(HttpStatusCode.NotFound) { Content = new ByteArrayContent([]) };

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
        }

        var recorded = new WireRequest(request.Method, request.RequestUri!, headers, body);
        lock (_requests)
        {
            _requests.Add(recorded);
        }

        var response = _responder(recorded);
        response.RequestMessage = request;
        return response;
    }

    private sealed class RecordingFactory(S3Wire handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;

        public override string GetConfigUniqueString(IClientConfig clientConfig) => "polycloud-wire";
    }
}
