using System.Net;
using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.DependencyInjection;
using Polycloud.Functions;
using Polycloud.Google.Functions;
using Xunit;

namespace Polycloud.Google.Tests.Functions;

/// <summary>
/// The ID-token path of the Cloud Functions driver with a real <see cref="GoogleCredential"/> (a service-account key
/// whose token_uri is <see cref="FakeTokenEndpoint"/> on loopback, which checks the signed JWT assertion and answers like
/// Google's token service), against functions-framework (the <c>whoami</c> function on 8084 echoes the Authorization
/// header it received) and an in-test transport.
/// </summary>
public sealed class CloudFunctionsIdTokenTests
{
    private static readonly Uri FunctionUrl = new("https://europe-west1-my-project.cloudfunctions.net/resize");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheIdTokenForTheFunctionUrl_ArrivesAtTheFunction_OverARealSocket()
    {
        using var tokens = new FakeTokenEndpoint("unused", 3600);
        var url = new Uri(CloudFunctionsConformanceTests.Url("POLYCLOUD_TEST_GCF_WHOAMI", 8084) + "/whoami");
        await using var fn = new CloudFunction(new CloudFunctionsDriver(url, "whoami", new CloudFunctionsOptions { Credential = CredentialFactory.FromFile<ServiceAccountCredential>(tokens.KeyFile).ToGoogleCredential() }));

        var result = await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct);

        Assert.Null(result.FunctionError);
        string? authorization = JsonDocument.Parse(result.Payload.ToMemory()).RootElement.GetProperty("authorization").GetString();
        Assert.NotNull(authorization);
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        var claims = FakeTokenEndpoint.Claims(authorization["Bearer ".Length..]);
        Assert.Equal(url.GetLeftPart(UriPartial.Path), claims.GetProperty("aud").GetString());
        Assert.Equal(url.GetLeftPart(UriPartial.Path), tokens.LastTargetAudience);
    }

    [Fact]
    public async Task TheToken_IsFetchedOnce_AndReusedWhileValid()
    {
        using var tokens = new FakeTokenEndpoint("unused", 3600);
        var seen = new List<string?>();
        await using var fn = Create(tokens, request =>
        {
            lock (seen)
            {
                seen.Add(request.Headers.Authorization?.ToString());
            }
        });

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(200, (await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct)).StatusCode);
        }

        Assert.Equal(1, tokens.Requests);
        Assert.Equal(3, seen.Count);
        Assert.All(seen, value => Assert.Equal(seen[0], value));
        Assert.Equal(FunctionUrl.AbsoluteUri, FakeTokenEndpoint.Claims(seen[0]!["Bearer ".Length..]).GetProperty("aud").GetString());
    }

    [Fact]
    public async Task AnExpiringToken_IsRefreshedBeforeItIsSent()
    {
        // Google.Apis.Auth treats a token as expired some minutes before its exp; a 60-second token is never reused.
        using var tokens = new FakeTokenEndpoint("unused", 60);
        var serials = new List<long>();
        await using var fn = Create(tokens, request => serials.Add(FakeTokenEndpoint.Claims(request.Headers.Authorization!.Parameter!).GetProperty("serial").GetInt64()));

        await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct);
        await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct);

        Assert.Equal(2, tokens.Requests);
        Assert.Equal([1L, 2L], serials);
    }

    [Fact]
    public async Task TheAudienceSetting_IsTheTargetAudienceOfTheToken()
    {
        using var tokens = new FakeTokenEndpoint("unused", 3600);
        string? aud = null;
        await using var fn = Create(tokens, request => aud = FakeTokenEndpoint.Claims(request.Headers.Authorization!.Parameter!).GetProperty("aud").GetString(), audience: "https://resize-abc123-ew.a.run.app");

        await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct);

        Assert.Equal("https://resize-abc123-ew.a.run.app", tokens.LastTargetAudience);
        Assert.Equal("https://resize-abc123-ew.a.run.app", aud);
    }

    [Fact]
    public async Task ATokenServiceRefusal_IsUnauthenticated_AndTheFunctionIsNotCalled()
    {
        using var tokens = new FakeTokenEndpoint("unused", 3600) { FailWith = HttpStatusCode.BadRequest };
        int calls = 0;
        await using var fn = Create(tokens, _ => Interlocked.Increment(ref calls));

        var ex = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct));

        Assert.Equal(CloudErrorCode.Unauthenticated, ex.ErrorCode);
        Assert.Equal("gcp-functions", ex.Provider);
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task TheCredentialRegisteredInTheContainer_IsUsedByOpenedFunctions()
    {
        using var tokens = new FakeTokenEndpoint("unused", 3600);
        var services = new ServiceCollection()
            .AddSingleton(CredentialFactory.FromFile<ServiceAccountCredential>(tokens.KeyFile).ToGoogleCredential())
            .BuildServiceProvider();
        var opener = new PolycloudOpener(services).AddGoogle();
        string url = CloudFunctionsConformanceTests.Url("POLYCLOUD_TEST_GCF_WHOAMI", 8084) + "/whoami";

        await using var fn = opener.OpenFunction("gcf+" + url);
        var result = await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct);

        string? authorization = JsonDocument.Parse(result.Payload.ToMemory()).RootElement.GetProperty("authorization").GetString();
        Assert.StartsWith("Bearer ", authorization, StringComparison.Ordinal);
        Assert.Equal(1, tokens.Requests);
    }

    private static CloudFunction Create(FakeTokenEndpoint tokens, Action<HttpRequestMessage> onRequest, string? audience = null)
    {
        var http = new HttpClient(new RecordingHandler(onRequest)) { Timeout = Timeout.InfiniteTimeSpan };
        var options = new CloudFunctionsOptions { Credential = CredentialFactory.FromFile<ServiceAccountCredential>(tokens.KeyFile).ToGoogleCredential(), Audience = audience };
        return new CloudFunction(new CloudFunctionsDriver(FunctionUrl, "resize", options, http));
    }

    private sealed class RecordingHandler(Action<HttpRequestMessage> onRequest) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            onRequest(request);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") });
        }
    }
}
