using System.Threading.Channels;
using Azure.Core;
using Microsoft.Extensions.Time.Testing;
using Polycloud.Azure.Functions;
using Polycloud.Functions;
using Xunit;

namespace Polycloud.Azure.Tests.Functions;

/// <summary>The Azure Functions driver against the documented HTTP trigger behaviour (<see cref="FunctionsHostStub"/>).</summary>
public sealed class AzureFunctionsWireTests : IAsyncLifetime
{
    private readonly FunctionsHostStub _host = new();
    private readonly PolycloudOpener _opener = new PolycloudOpener().AddAzure();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Key_IsSentInTheFunctionsKeyHeader()
    {
        await using var fn = Open("echo", ("key", FunctionsHostStub.Key));
        var result = await fn.InvokeAsync(new BinaryData("{\"a\":1}"u8.ToArray(), "application/json"), cancellationToken: Ct);
        Assert.Equal("{\"a\":1}", result.Payload.ToString());
        var request = Assert.Single(_host.Requests);
        Assert.Equal("/api/echo", request.Path);
        Assert.Equal(FunctionsHostStub.Key, request.Key);
        Assert.Null(request.Authorization);
        Assert.Equal("application/json", request.ContentType);
    }

    [Fact]
    public async Task MissingKey_IsUnauthenticated_AndAnonymousTriggersNeedNone()
    {
        await using var fn = Open("echo");
        var ex = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct));
        Assert.Equal(CloudErrorCode.Unauthenticated, ex.ErrorCode);
        await using var wrongKey = Open("echo", ("key", "wrong"));
        Assert.Equal(CloudErrorCode.Unauthenticated, (await Assert.ThrowsAsync<CloudException>(() => wrongKey.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct))).ErrorCode);
        await using var anon = Open("anon");
        Assert.Equal("x", (await anon.InvokeAsync(BinaryData.FromString("x"), cancellationToken: Ct)).Payload.ToString());
    }

    [Fact]
    public async Task EntraToken_IsSentAsBearer_FromTheTokenCredential()
    {
        var credential = new StaticCredential();
        var driver = new AzureFunctionsDriver(
            new Uri(_host.BaseUrl + "/anon"),
            "anon",
            new AzureFunctionsOptions { Authentication = AzureFunctionsAuthentication.EntraId, Scope = "api://my-app/.default", Credential = credential });
        await using var fn = new CloudFunction(driver);
        await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct);
        await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct);
        Assert.All(_host.Requests, r => Assert.Equal("Bearer token-1", r.Authorization));
        Assert.Equal(1, credential.Calls);
        Assert.Equal(["api://my-app/.default"], credential.LastScopes!);
        Assert.Same(credential, fn.As<TokenCredential>());
    }

    [Fact]
    public async Task EntraToken_IsRenewed_FiveMinutesBeforeItExpires_OnTheDriversClock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2040, 2, 29, 23, 0, 0, TimeSpan.Zero));
        var credential = new StaticCredential(clock);
        var driver = new AzureFunctionsDriver(
            new Uri(_host.BaseUrl + "/anon"),
            "anon",
            new AzureFunctionsOptions { Authentication = AzureFunctionsAuthentication.EntraId, Scope = "api://my-app/.default", Credential = credential, TimeProvider = clock });
        await using var fn = new CloudFunction(driver);
        await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct);
        clock.Advance(TimeSpan.FromMinutes(55) - TimeSpan.FromSeconds(1));
        await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct);
        Assert.Equal(1, credential.Calls);
        clock.Advance(TimeSpan.FromSeconds(1));
        await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct);
        Assert.Equal(2, credential.Calls);
        Assert.Equal(["Bearer token-1", "Bearer token-1", "Bearer token-2"], _host.Requests.Select(r => r.Authorization));
    }

    [Fact]
    public async Task UnhandledException_Is500WithEmptyBody_AndAFunctionError()
    {
        await using var fn = Open("crash", ("key", FunctionsHostStub.Key));
        var result = await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct);
        Assert.True(result.IsFunctionError);
        Assert.Equal("HTTP 500", result.FunctionError!.Type);
        Assert.Equal(string.Empty, result.FunctionError.Message);
        Assert.Single(_host.Requests);
    }

    [Fact]
    public async Task HostThrottling_IsRetried_ThenSucceeds()
    {
        var options = new CloudFunctionOptions { Retry = new() { MaxAttempts = 3, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) } };
        var driver = new AzureFunctionsDriver(new Uri(_host.BaseUrl + "/busy"), "busy", new AzureFunctionsOptions { Authentication = AzureFunctionsAuthentication.FunctionKey, FunctionKey = FunctionsHostStub.Key });
        await using var fn = new CloudFunction(driver, options);
        Assert.Equal("ok", (await fn.InvokeAsync(BinaryData.FromString("ok"), cancellationToken: Ct)).Payload.ToString());
        Assert.Equal(3, _host.Requests.Count);
    }

    [Theory]
    [InlineData(60_000, 1_000)] // the host's Retry-After (1 s) is honoured
    [InlineData(400, 400)] // ... up to MaxDelay
    public async Task RetryAfter_IsHonoured_UpToTheMaximumDelay(int maxDelayMs, int expectedWaitMs)
    {
        // No backoff of its own (BaseDelay 0): only the host's Retry-After (1 s) delays the retry. The clock is a fake
        // one, so the test steps through the wait instead of racing a timer against a busy machine.
        var clock = new TimerRecordingClock();
        var options = new CloudFunctionOptions
        {
            Retry = new() { MaxAttempts = 3, BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.FromMilliseconds(maxDelayMs) },
            TimeProvider = clock,
        };
        var driver = new AzureFunctionsDriver(new Uri(_host.BaseUrl + "/busy"), "busy", new AzureFunctionsOptions { Authentication = AzureFunctionsAuthentication.FunctionKey, FunctionKey = FunctionsHostStub.Key });
        await using var fn = new CloudFunction(driver, options);
        var call = fn.InvokeAsync(BinaryData.FromString("ok"), new FunctionInvokeOptions { Timeout = TimeSpan.FromSeconds(30) }, Ct);

        // The first 429 schedules the retry's wait on the clock (the first timer is the call's 30 s timeout).
        Assert.Equal(TimeSpan.FromMilliseconds(expectedWaitMs), await clock.NextTimerAsync(Ct));
        Assert.Single(_host.Requests);
        clock.Advance(TimeSpan.FromMilliseconds(expectedWaitMs - 1));
        Assert.False(call.IsCompleted);
        Assert.Single(_host.Requests);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(TimeSpan.FromMilliseconds(expectedWaitMs), await clock.NextTimerAsync(Ct)); // the second 429
        Assert.Equal(2, _host.Requests.Count);
        clock.Advance(TimeSpan.FromMilliseconds(expectedWaitMs));
        Assert.Equal("ok", (await call).Payload.ToString());
        Assert.Equal(3, _host.Requests.Count);
    }

    [Fact]
    public async Task Timeout_EndsTheWaitForARetry_WithTimeout()
    {
        var clock = new TimerRecordingClock();
        var options = new CloudFunctionOptions { Retry = new() { MaxAttempts = 3, BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.FromMinutes(1) }, TimeProvider = clock };
        var driver = new AzureFunctionsDriver(new Uri(_host.BaseUrl + "/busy"), "busy", new AzureFunctionsOptions { Authentication = AzureFunctionsAuthentication.FunctionKey, FunctionKey = FunctionsHostStub.Key });
        await using var fn = new CloudFunction(driver, options);
        var call = fn.InvokeAsync(BinaryData.FromString("ok"), new FunctionInvokeOptions { Timeout = TimeSpan.FromMilliseconds(300) }, Ct);
        Assert.Equal(TimeSpan.FromSeconds(1), await clock.NextTimerAsync(Ct)); // waiting for the host's Retry-After
        clock.Advance(TimeSpan.FromMilliseconds(300));
        var ex = await Assert.ThrowsAsync<CloudException>(() => call);
        Assert.Equal(CloudErrorCode.Timeout, ex.ErrorCode);
        Assert.Single(_host.Requests);
    }

    [Fact]
    public async Task HostThrottling_WithoutRetries_IsThrottled()
    {
        await using var fn = Open("busy", ("key", FunctionsHostStub.Key), ("maxAttempts", "1"));
        var ex = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct));
        Assert.Equal(CloudErrorCode.Throttled, ex.ErrorCode);
        Assert.Single(_host.Requests);
    }

    [Fact]
    public async Task Opening_BuildsTheDefaultUrl_AndRejectsBadSettings()
    {
        var factory = new AzureFunctionsDriverFactory();
        var driver = (AzureFunctionsDriver)factory.Create(CloudUrl.Parse("azfunc://my-app/resize?key=k"), null);
        Assert.Equal(new Uri("https://my-app.azurewebsites.net/api/resize"), driver.Url);
        Assert.Throws<CloudException>(() => _opener.OpenFunction("azfunc://my-app"));
        Assert.Throws<CloudException>(() => _opener.OpenFunction("azfunc://my-app/a/b"));
        Assert.Throws<CloudException>(() => _opener.OpenFunction("azfunc://my-app/f?auth=entra"));
        Assert.Throws<CloudException>(() => _opener.OpenFunction("azfunc://my-app/f?auth=magic"));
        Assert.Contains("colour", Assert.Throws<CloudException>(() => _opener.OpenFunction("azfunc://my-app/f?colour=red")).Message, StringComparison.Ordinal);
        await using var fn = _opener.OpenFunction("azfunc://my-app/f");
        Assert.Equal(CloudErrorCode.NotSupported, (await Assert.ThrowsAsync<CloudException>(() => fn.InvokeEventAsync(BinaryData.FromString("{}"), cancellationToken: Ct))).ErrorCode);
        Assert.Equal(CloudErrorCode.NotSupported, (await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.FromString("{}"), new FunctionInvokeOptions { Qualifier = "v1" }, Ct))).ErrorCode);
    }

    private CloudFunction Open(string function, params (string Name, string Value)[] settings)
    {
        var all = new List<KeyValuePair<string, string>> { new("endpoint", _host.BaseUrl) };
        foreach (var (name, value) in settings)
        {
            all.Add(new(name, value));
        }

        return _opener.OpenFunction($"azfunc://my-app/{function}", all);
    }

    /// <summary>A fake clock that reports each timer created after the first (the call's timeout) as it is created.</summary>
    private sealed class TimerRecordingClock : FakeTimeProvider
    {
        private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();
        private int _created;

        public TimerRecordingClock()
            : base(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero))
        {
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            if (Interlocked.Increment(ref _created) > 1)
            {
                _timers.Writer.TryWrite(dueTime);
            }

            return timer;
        }

        // The limit only turns a missing timer into a failure instead of a hang; a passing test never comes near it.
        public Task<TimeSpan> NextTimerAsync(CancellationToken cancellationToken)
            => _timers.Reader.ReadAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromMinutes(1), cancellationToken);
    }

    private sealed class StaticCredential(TimeProvider? clock = null) : TokenCredential
    {
        private int _calls;

        public int Calls => _calls;

        public string[]? LastScopes { get; private set; }

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            LastScopes = requestContext.Scopes;
            return new AccessToken("token-" + Interlocked.Increment(ref _calls), (clock ?? TimeProvider.System).GetUtcNow().AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
            => ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
