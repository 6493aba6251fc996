using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;

namespace Polycloud.Benchmarks.Queues;

/// <summary>
/// An in-process SQS (AWS JSON 1.0 protocol) that answers SendMessage, SendMessageBatch, ReceiveMessage and
/// DeleteMessage with responses shaped like the real service's, including the MD5 digests the SDK checks. The
/// benchmarks send the same bodies from the raw and the portable side, so responses are computed once per operation.
/// </summary>
internal sealed class SqsInProcessHandler : HttpMessageHandler
{
    public const string Body = "{\"orderId\":\"A-17\",\"quantity\":3,\"items\":[\"apple\",\"pear\"]}";
    private static readonly MediaTypeHeader ContentType = new("application/x-amz-json-1.0");
    private readonly Dictionary<string, byte[]> _responses = new(StringComparer.Ordinal);

    public SqsInProcessHandler()
    {
        string md5 = Md5Hex(Body);
        _responses["AmazonSQS.SendMessage"] = Encoding.UTF8.GetBytes($$"""{"MD5OfMessageBody":"{{md5}}","MessageId":"5fea7756-0ea4-451a-a703-a558b933e274"}""");
        var batch = new StringBuilder("{\"Successful\":[");
        for (int i = 0; i < 10; i++)
        {
            batch.Append(i == 0 ? string.Empty : ",").Append(System.Globalization.CultureInfo.InvariantCulture, $$"""{"Id":"{{i}}","MD5OfMessageBody":"{{md5}}","MessageId":"5fea7756-0ea4-451a-a703-a558b933e27{{i}}"}""");
        }

        _responses["AmazonSQS.SendMessageBatch"] = Encoding.UTF8.GetBytes(batch.Append("],\"Failed\":[]}").ToString());
        _responses["AmazonSQS.ReceiveMessage"] = Encoding.UTF8.GetBytes($$"""
            {"Messages":[{"Attributes":{"ApproximateReceiveCount":"1","SentTimestamp":"1764064800000"},"Body":{{System.Text.Json.JsonSerializer.Serialize(Body)}},"MD5OfBody":"{{md5}}","MessageId":"5fea7756-0ea4-451a-a703-a558b933e274","ReceiptHandle":"AQEBzWwaftRI0KuVm4tP+/7q1rGgNqicHq/+Nb+PjpOhfwsl+Hhp5GtYLq8Z8qUqPqFk8kcLKXsBGz3X8y3nJL8ZBE4tAIEDCwBd5AbP2J4UxSQuYN1VnS1ZSZ6LJp2a"}]}
            """);
        _responses["AmazonSQS.DeleteMessage"] = "{}"u8.ToArray();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // Consume the request body as a real transport would.
        if (request.Content is not null)
        {
            await request.Content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }

        string target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.First() : string.Empty;
        if (!_responses.TryGetValue(target, out var body))
        {
            return new HttpResponseMessage(HttpStatusCode.BadRequest) { Content = new StringContent($$"""{"__type":"com.amazonaws.sqs#InvalidAction","message":"{{target}}"}""") };
        }

        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(body) };
        response.Content.Headers.ContentType = ContentType.Value;
        response.Headers.Add("x-amzn-RequestId", "c3d2a4b8-5f1e-4a43-9d5b-8a1c3e1f2b11");
        return response;
    }

    private static string Md5Hex(string text)
#pragma warning disable CA5351 // SQS's message digest is MD5.
        => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(text)));
#pragma warning restore CA5351

    private sealed class MediaTypeHeader(string value)
    {
        public System.Net.Http.Headers.MediaTypeHeaderValue Value { get; } = new(value);
    }
}

/// <summary>Gives the SQS client an <see cref="HttpClient"/> over the in-process handler.</summary>
internal sealed class InProcessHttpClientFactory(HttpMessageHandler handler) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => true;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
}

/// <summary>
/// An in-process Azure Storage queue service that answers Put Message, Get Messages and Delete Message with the XML
/// shapes of the real service. Responses are computed once per operation.
/// </summary>
internal sealed class AzureQueueInProcessHandler : HttpMessageHandler
{
    public const string Body = SqsInProcessHandler.Body;
    private const string Times = "<InsertionTime>Wed, 25 Nov 2026 10:00:00 GMT</InsertionTime><ExpirationTime>Fri, 31 Dec 9999 23:59:59 GMT</ExpirationTime>";
    private readonly byte[] _put = Encoding.UTF8.GetBytes(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList><QueueMessage><MessageId>a4b0c8e2-7f3d-4a11-9b9e-2c6f0d1e5a77</MessageId>" + Times
        + "<PopReceipt>AgAAAAMAAAAAAAAAcoqPOq1d3AE=</PopReceipt><TimeNextVisible>Wed, 25 Nov 2026 10:00:00 GMT</TimeNextVisible></QueueMessage></QueueMessagesList>");

    private readonly byte[] _get = Encoding.UTF8.GetBytes(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList><QueueMessage><MessageId>a4b0c8e2-7f3d-4a11-9b9e-2c6f0d1e5a77</MessageId>" + Times
        + "<PopReceipt>AgAAAAMAAAAAAAAAcoqPOq1d3AE=</PopReceipt><TimeNextVisible>Wed, 25 Nov 2026 10:00:30 GMT</TimeNextVisible><DequeueCount>1</DequeueCount><MessageText>"
        + Convert.ToBase64String(Encoding.UTF8.GetBytes(Body)) + "</MessageText></QueueMessage></QueueMessagesList>");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            await request.Content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }

        HttpResponseMessage response;
        if (request.Method == HttpMethod.Post)
        {
            response = new HttpResponseMessage(HttpStatusCode.Created) { Content = new ByteArrayContent(_put) };
        }
        else if (request.Method == HttpMethod.Get)
        {
            response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(_get) };
        }
        else if (request.Method == HttpMethod.Delete)
        {
            response = new HttpResponseMessage(HttpStatusCode.NoContent) { Content = new ByteArrayContent([]) };
        }
        else
        {
            return new HttpResponseMessage(HttpStatusCode.BadRequest);
        }

        response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/xml");
        response.Headers.Add("x-ms-request-id", "b1c2d3e4-0001-0002-0003-000000000000");
        response.Headers.Add("x-ms-version", "2026-10-06");
        return response;
    }
}
