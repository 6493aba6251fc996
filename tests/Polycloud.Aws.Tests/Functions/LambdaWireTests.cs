using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.Runtime;
using Polycloud.Aws.Functions;
using Polycloud.Functions;
using Xunit;

namespace Polycloud.Aws.Tests.Functions;

/// <summary>
/// What the Lambda driver sends and how it reads answers, checked at the wire with an in-test message handler: the
/// parts serverless-offline cannot show (it accepts any signature and never throttles).
/// </summary>
public sealed class LambdaWireTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 30, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Invoke_IsASignedPostToTheInvokeApi_WithInvocationTypeQualifierAndClientContext()
    {
        var handler = new RecordingHandler(_ => Respond(HttpStatusCode.OK, "{\"ok\":true}", ("X-Amz-Executed-Version", "7")));
        await using var fn = Create(handler, "orders", qualifier: "live", sessionToken: "session-token");
        var result = await fn.InvokeAsync(
            BinaryData.FromString("{\"id\":1}"),
            new FunctionInvokeOptions { Qualifier = "7", ClientContext = new Dictionary<string, string> { ["tenant"] = "t1" } },
            Ct);

        Assert.Equal("7", result.ExecutedVersion);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://lambda.eu-west-1.amazonaws.com/2015-03-31/functions/orders/invocations?Qualifier=7", request.Uri.AbsoluteUri);
        Assert.Equal("RequestResponse", request.Headers["X-Amz-Invocation-Type"]);
        Assert.Equal("{\"id\":1}", Encoding.UTF8.GetString(request.Body));
        Assert.Equal("20261125T103000Z", request.Headers["X-Amz-Date"]);
        Assert.Equal("session-token", request.Headers["X-Amz-Security-Token"]);
        string authorization = request.Headers["Authorization"];
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIDTEST/20261125/eu-west-1/lambda/aws4_request, SignedHeaders=host;x-amz-client-context;x-amz-date;x-amz-invocation-type;x-amz-security-token, Signature=", authorization, StringComparison.Ordinal);
        Assert.Matches("Signature=[0-9a-f]{64}$", authorization);
        using var context = JsonDocument.Parse(Convert.FromBase64String(request.Headers["X-Amz-Client-Context"]));
        Assert.Equal("t1", context.RootElement.GetProperty("custom").GetProperty("tenant").GetString());
    }

    [Fact]
    public async Task Invoke_UsesTheOpenedQualifier_WhenTheCallNamesNone_AndEncodesArns()
    {
        var handler = new RecordingHandler(_ => Respond(HttpStatusCode.OK, "null"));
        await using var fn = Create(handler, "arn:aws:lambda:eu-west-1:123456789012:function:orders", qualifier: "live");
        await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct);
        Assert.Equal("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Aorders/invocations?Qualifier=live", Assert.Single(handler.Requests).Uri.PathAndQuery);
    }

    [Fact]
    public async Task Signature_ChangesWithThePayload_AndTheSecret()
    {
        async Task<string> SignatureFor(string payload, string secret)
        {
            var handler = new RecordingHandler(_ => Respond(HttpStatusCode.OK, "{}"));
            await using var fn = Create(handler, "orders", secret: secret);
            await fn.InvokeAsync(BinaryData.FromString(payload), cancellationToken: Ct);
            return Assert.Single(handler.Requests).Headers["Authorization"][^64..];
        }

        string a = await SignatureFor("{\"a\":1}", "secret-1");
        Assert.Equal(a, await SignatureFor("{\"a\":1}", "secret-1"));
        Assert.NotEqual(a, await SignatureFor("{\"a\":2}", "secret-1"));
        Assert.NotEqual(a, await SignatureFor("{\"a\":1}", "secret-2"));
    }

    [Fact]
    public async Task EventInvocation_SendsEvent_AndReturnsTheRequestId()
    {
        var handler = new RecordingHandler(_ => Respond(HttpStatusCode.Accepted, string.Empty, ("x-amzn-RequestId", "req-1")));
        await using var fn = Create(handler, "orders");
        var receipt = await fn.InvokeEventAsync(BinaryData.FromString("{}"), cancellationToken: Ct);
        Assert.Equal(202, receipt.StatusCode);
        Assert.Equal("req-1", receipt.RequestId);
        Assert.Equal("Event", Assert.Single(handler.Requests).Headers["X-Amz-Invocation-Type"]);
    }

    [Fact]
    public async Task FunctionError_IsAResult_WithTypeAndMessageFromThePayload()
    {
        var handler = new RecordingHandler(_ => Respond(HttpStatusCode.OK, "{\"errorType\":\"ValueError\",\"errorMessage\":\"bad order\",\"stackTrace\":[]}", ("X-Amz-Function-Error", "Unhandled")));
        await using var fn = Create(handler, "orders");
        var result = await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct);
        Assert.True(result.IsFunctionError);
        Assert.Equal("ValueError", result.FunctionError!.Type);
        Assert.Equal("bad order", result.FunctionError.Message);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Throttling_IsRetried_ThenReportedAsThrottled()
    {
        var handler = new RecordingHandler(_ => Respond(HttpStatusCode.TooManyRequests, "{\"Reason\":\"ReservedFunctionConcurrentInvocationLimitExceeded\",\"Type\":\"User\",\"message\":\"Rate Exceeded.\"}", ("x-amzn-ErrorType", "TooManyRequestsException"), ("Retry-After", "1")));
        await using var fn = Create(handler, "orders", maxAttempts: 3);
        var ex = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct));
        Assert.Equal(CloudErrorCode.Throttled, ex.ErrorCode);
        var native = Assert.IsType<LambdaServiceException>(ex.InnerException);
        Assert.Equal("TooManyRequestsException", native.ErrorType);
        Assert.Equal(TimeSpan.FromSeconds(1), native.RetryAfter);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task ThrottlingThenSuccess_ReturnsTheResult()
    {
        int calls = 0;
        var handler = new RecordingHandler(_ => Interlocked.Increment(ref calls) == 1
            ? Respond(HttpStatusCode.TooManyRequests, "{\"message\":\"Rate Exceeded.\"}", ("x-amzn-ErrorType", "TooManyRequestsException"))
            : Respond(HttpStatusCode.OK, "{\"ok\":1}"));
        await using var fn = Create(handler, "orders", maxAttempts: 3);
        var result = await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct);
        Assert.Equal("{\"ok\":1}", result.Payload.ToString());
        Assert.Equal(2, handler.Requests.Count);
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.awsgirlfriend/", CloudErrorCode.NotFound)]
    [InlineData(HttpStatusCode.Forbidden, "InvalidSignatureException", CloudErrorCode.Unauthenticated)]
    [InlineData(HttpStatusCode.Forbidden, "UnrecognizedClientException", CloudErrorCode.Unauthenticated)]
    [InlineData(HttpStatusCode.Forbidden, "AccessDeniedException", CloudErrorCode.PermissionDenied)]
    [InlineData(HttpStatusCode.BadRequest, "InvalidRequestContentException", CloudErrorCode.InvalidArgument)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, "RequestTooLargeException", CloudErrorCode.InvalidArgument)]
    [InlineData(HttpStatusCode.InternalServerError, "ServiceException", CloudErrorCode.Unavailable)]
    [InlineData(HttpStatusCode.BadGateway, "ENILimitReachedException", CloudErrorCode.Unavailable)]
    public async Task ServiceErrors_MapToPortableCodes(HttpStatusCode status, string errorType, CloudErrorCode expected)
    {
        var handler = new RecordingHandler(_ => Respond(status, "{\"Type\":\"User\",\"message\":\"from the service\"}", ("x-amzn-ErrorType", errorType)));
        await using var fn = Create(handler, "orders");
        var ex = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct));
        Assert.Equal(expected, ex.ErrorCode);
        Assert.Equal("aws-lambda", ex.Provider);
        Assert.Contains("from the service", ex.Message, StringComparison.Ordinal);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task MissingCredentials_AreUnauthenticated_AndNothingIsSent()
    {
        var handler = new RecordingHandler(_ => Respond(HttpStatusCode.OK, "{}"));
        var driver = new LambdaFunctionDriver("orders", new LambdaFunctionOptions { Region = "eu-west-1", Credentials = new NoCredentials() }, new HttpClient(handler), new FixedTime(Now));
        await using var fn = new CloudFunction(driver);
        var ex = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct));
        Assert.Equal(CloudErrorCode.Unauthenticated, ex.ErrorCode);
        Assert.IsType<AmazonClientException>(ex.InnerException);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task TransportFailure_IsUnavailable_AndNotRetried()
    {
        var handler = new RecordingHandler(_ => throw new HttpRequestException("connection refused", new IOException("refused")));
        await using var fn = Create(handler, "orders", maxAttempts: 4);
        var ex = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct));
        Assert.Equal(CloudErrorCode.Unavailable, ex.ErrorCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task OversizedOrNonJsonPayloads_AreRejectedWithoutARequest()
    {
        var handler = new RecordingHandler(_ => Respond(HttpStatusCode.OK, "{}"));
        await using var fn = Create(handler, "orders");
        var big = new BinaryData(Encoding.UTF8.GetBytes("\"" + new string('x', (int)LambdaFunctionDriver.MaxEventPayloadBytes) + "\""));
        var ex = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeEventAsync(big, cancellationToken: Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("event", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.FromString("not json"), cancellationToken: Ct));
        var context = new Dictionary<string, string> { ["big"] = new string('c', 4000) };
        Assert.Equal(CloudErrorCode.InvalidArgument, (await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.FromString("{}"), new FunctionInvokeOptions { ClientContext = context }, Ct))).ErrorCode);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public void Opening_ValidatesTheUrl()
    {
        var opener = new PolycloudOpener().AddAws();
        Assert.Contains("lambda", opener.FunctionSchemes);
        Assert.Contains("colour", Assert.Throws<CloudException>(() => opener.OpenFunction("lambda://f?region=us-east-1&colour=red")).Message, StringComparison.Ordinal);
        Assert.Throws<CloudException>(() => opener.OpenFunction("lambda://f/extra?region=us-east-1"));
        Assert.Throws<CloudException>(() => opener.OpenFunction("lambda://f?region=us-east-1&accessKeyId=a"));
        using var fn = opener.OpenFunction("lambda://f?region=us-east-1&qualifier=prod&accessKeyId=a&secretAccessKey=b");
        Assert.Equal("aws-lambda", fn.Provider);
        Assert.Equal("f", fn.Name);
        Assert.NotNull(fn.As<HttpClient>());
        Assert.NotNull(fn.As<AWSCredentials>());
    }

    private static CloudFunction Create(RecordingHandler handler, string name, string? qualifier = null, string? sessionToken = null, string secret = "secret", int maxAttempts = 1)
    {
        var credentials = sessionToken is null ? (AWSCredentials)new BasicAWSCredentials("AKIDTEST", secret) : new SessionAWSCredentials("AKIDTEST", secret, sessionToken);
        var driver = new LambdaFunctionDriver(
            name,
            new LambdaFunctionOptions { Region = "eu-west-1", Qualifier = qualifier, Credentials = credentials },
            new HttpClient(handler),
            new FixedTime(Now));
        return new CloudFunction(driver, new CloudFunctionOptions { Retry = new() { MaxAttempts = maxAttempts, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) } });
    }

    private static HttpResponseMessage Respond(HttpStatusCode status, string body, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    /// <summary>Credentials that cannot be resolved, as the default chain fails on a machine without any.</summary>
    private sealed class NoCredentials : AWSCredentials
    {
        public override ImmutableCredentials GetCredentials() => throw new AmazonClientException("Failed to resolve AWS credentials.");
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, Dictionary<string, string> Headers, byte[] Body);

    internal sealed class RecordingHandler(Func<HttpRequestMessage, HttpResponseMessage> respond) : HttpMessageHandler
    {
        private readonly List<RecordedRequest> _requests = [];

        public IReadOnlyList<RecordedRequest> Requests
        {
            get
            {
                lock (_requests)
                {
                    return _requests.ToArray();
                }
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var header in request.Headers)
            {
                headers[header.Key] = string.Join(",", header.Value);
            }

            byte[] body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
            lock (_requests)
            {
                _requests.Add(new RecordedRequest(request.Method, request.RequestUri!, headers, body));
            }

            return respond(request);
        }
    }
}
