using System.Net;
using System.Text;
using Polycloud.Functions;
using Polycloud.Google.Functions;
using Xunit;

namespace Polycloud.Google.Tests.Functions;

/// <summary>What the Cloud Functions driver sends and how it reads answers, at the wire (an in-test message handler).</summary>
public sealed class CloudFunctionsWireTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Invoke_PostsThePayloadWithItsContentType_AndNoCredentialsWhenAuthIsNone()
    {
        HttpRequestMessage? seen = null;
        byte[]? body = null;
        await using var fn = Create(async request =>
        {
            seen = request;
            body = await request.Content!.ReadAsByteArrayAsync();
            return Respond(HttpStatusCode.OK, "{\"ok\":true}");
        });
        var result = await fn.InvokeAsync(new BinaryData("{\"a\":1}"u8.ToArray(), "application/json"), cancellationToken: Ct);
        Assert.Equal("{\"ok\":true}", result.Payload.ToString());
        Assert.Equal("application/json", result.ContentType);
        Assert.NotNull(seen);
        Assert.Equal(HttpMethod.Post, seen.Method);
        Assert.Equal("https://europe-west1-my-project.cloudfunctions.net/resize", seen.RequestUri!.AbsoluteUri);
        Assert.Equal("application/json", seen.Content!.Headers.ContentType!.MediaType);
        Assert.Null(seen.Headers.Authorization);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(body!));
    }

    [Fact]
    public async Task ThrownFunction_Is500WithCrashMarker_AndBecomesAFunctionError()
    {
        await using var fn = Create(_ => Task.FromResult(Respond(HttpStatusCode.InternalServerError, "bad input", ("X-Google-Status", "crash"))));
        var result = await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct);
        Assert.True(result.IsFunctionError);
        Assert.Equal("crash", result.FunctionError!.Type);
        Assert.Equal("bad input", result.FunctionError.Message);
        Assert.Equal(500, result.StatusCode);
    }

    [Fact]
    public async Task AStatusTheFunctionChose_IsAFunctionError_WithThatStatus()
    {
        await using var fn = Create(_ => Task.FromResult(Respond(HttpStatusCode.Conflict, "already resized")));
        var result = await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct);
        Assert.Equal("HTTP 409", result.FunctionError!.Type);
        Assert.Equal(409, result.StatusCode);
    }

    [Fact]
    public async Task MissingFunction_IsNotFound()
    {
        await using var fn = Create(_ => Task.FromResult(Respond(HttpStatusCode.NotFound, "Page not found")));
        var ex = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct));
        Assert.Equal(CloudErrorCode.NotFound, ex.ErrorCode);
        Assert.Equal("gcp-functions", ex.Provider);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, CloudErrorCode.Unauthenticated)]
    [InlineData(HttpStatusCode.Forbidden, CloudErrorCode.PermissionDenied)]
    [InlineData(HttpStatusCode.ServiceUnavailable, CloudErrorCode.Unavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout, CloudErrorCode.Timeout)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, CloudErrorCode.InvalidArgument)]
    public async Task PlatformStatuses_MapToPortableCodes(HttpStatusCode status, CloudErrorCode expected)
    {
        await using var fn = Create(_ => Task.FromResult(Respond(status, "platform")));
        var ex = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct));
        Assert.Equal(expected, ex.ErrorCode);
    }

    [Fact]
    public async Task Throttling_IsRetried()
    {
        int calls = 0;
        await using var fn = Create(_ => Task.FromResult(Interlocked.Increment(ref calls) < 3 ? Respond(HttpStatusCode.TooManyRequests, "Rate exceeded") : Respond(HttpStatusCode.OK, "done")), maxAttempts: 3);
        Assert.Equal("done", (await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct)).Payload.ToString());
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task Opening_ParsesBothUrlForms_AndValidatesSettings()
    {
        var factory = new CloudFunctionsDriverFactory();
        var byName = (CloudFunctionsDriver)factory.Create(CloudUrl.Parse("gcf://my-project/europe-west1/resize?anonymous=true"), null);
        Assert.Equal("resize", byName.FunctionName);
        Assert.Equal(new Uri("https://europe-west1-my-project.cloudfunctions.net/resize"), byName.Url);
        var byUrl = (CloudFunctionsDriver)factory.Create(CloudUrl.Parse("gcf+https://resize-abc123-ew.a.run.app?audience=https://resize-abc123-ew.a.run.app"), null);
        Assert.Equal("resize-abc123-ew", byUrl.FunctionName);
        Assert.Equal(new Uri("https://resize-abc123-ew.a.run.app/"), byUrl.Url);

        var opener = new PolycloudOpener().AddGoogle();
        Assert.Contains("gcf", opener.FunctionSchemes);
        Assert.Throws<CloudException>(() => opener.OpenFunction("gcf://my-project/resize"));
        Assert.Throws<CloudException>(() => opener.OpenFunction("gcf://p/r/f?auth=basic"));
        Assert.Throws<CloudException>(() => opener.OpenFunction("gcf://p/r/f?colour=red"));
        await using var fn = opener.OpenFunction("gcf://my-project/europe-west1/resize?anonymous=true");
        var ex = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeEventAsync(BinaryData.FromString("{}"), cancellationToken: Ct));
        Assert.Equal(CloudErrorCode.NotSupported, ex.ErrorCode);
    }

    private static CloudFunction Create(Func<HttpRequestMessage, Task<HttpResponseMessage>> respond, int maxAttempts = 1)
        => new(
            new CloudFunctionsDriver(new Uri("https://europe-west1-my-project.cloudfunctions.net/resize"), "resize", new CloudFunctionsOptions { Authentication = CloudFunctionsAuthentication.None }, new HttpClient(new StubHandler(respond))),
            new CloudFunctionOptions { Retry = new() { MaxAttempts = maxAttempts, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) } });

    private static HttpResponseMessage Respond(HttpStatusCode status, string body, params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    private sealed class StubHandler(Func<HttpRequestMessage, Task<HttpResponseMessage>> respond) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => respond(request);
    }
}
