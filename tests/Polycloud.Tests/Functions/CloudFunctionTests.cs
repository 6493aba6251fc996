using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polycloud.Functions;
using Polycloud.Functions.Drivers;
using Polycloud.Functions.Local;
using Xunit;

namespace Polycloud.Tests.Functions;

/// <summary>The portable layer's own behaviour: validation, retries, errors, opening and DI.</summary>
public sealed class CloudFunctionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Throttled_IsRetriedWithBackoff_ThenSucceeds()
    {
        var driver = new ScriptedDriver { ThrottlesBeforeSuccess = 2 };
        await using var fn = new CloudFunction(driver, FastRetry(4));
        var result = await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(3, driver.Calls);
    }

    [Fact]
    public async Task Throttled_GivesUpAfterMaxAttempts_WithTheThrottledCode()
    {
        var driver = new ScriptedDriver { ThrottlesBeforeSuccess = 100 };
        await using var fn = new CloudFunction(driver, FastRetry(3));
        var ex = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct));
        Assert.Equal(CloudErrorCode.Throttled, ex.ErrorCode);
        Assert.Equal("scripted", ex.Provider);
        Assert.IsType<HttpRequestException>(ex.InnerException);
        Assert.Equal(3, driver.Calls);
    }

    [Fact]
    public async Task PerCallMaxAttempts_OverridesTheFunctionDefault()
    {
        var driver = new ScriptedDriver { ThrottlesBeforeSuccess = 100 };
        await using var fn = new CloudFunction(driver, FastRetry(5));
        await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.FromString("{}"), new FunctionInvokeOptions { MaxAttempts = 1 }, Ct));
        Assert.Equal(1, driver.Calls);
    }

    [Fact]
    public async Task FunctionError_IsNeverRetried()
    {
        var driver = new ScriptedDriver { FunctionFails = true };
        await using var fn = new CloudFunction(driver, FastRetry(5));
        var result = await fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct);
        Assert.True(result.IsFunctionError);
        Assert.Equal(1, driver.Calls);
    }

    [Fact]
    public async Task OtherFailures_AreNotRetried_AndKeepTheirCode()
    {
        var driver = new ScriptedDriver { Failure = new HttpRequestException("connection refused") };
        await using var fn = new CloudFunction(driver, FastRetry(5));
        var ex = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct));
        Assert.Equal(CloudErrorCode.Unavailable, ex.ErrorCode);
        Assert.Equal(1, driver.Calls);
    }

    [Fact]
    public async Task CancellationDuringBackoff_IsOperationCanceled()
    {
        var driver = new ScriptedDriver { ThrottlesBeforeSuccess = 100 };
        var clock = new Polycloud.Tests.Time.RecordingClock();
        var options = new CloudFunctionOptions { Retry = new() { MaxAttempts = 10, BaseDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromSeconds(30) }, TimeProvider = clock };
        await using var fn = new CloudFunction(driver, options);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var call = fn.InvokeAsync(BinaryData.FromString("{}"), new FunctionInvokeOptions { Timeout = TimeSpan.FromMinutes(5) }, cts.Token);

        // The clock never moves: the first timer is the call's timeout, the second the backoff, which only the cancellation ends.
        await clock.NextTimerAsync(Ct);
        await clock.NextTimerAsync(Ct);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(1, driver.Calls);
    }

    [Fact]
    public async Task BadInput_IsRejectedBeforeTheDriverIsCalled()
    {
        var driver = new ScriptedDriver();
        await using var fn = new CloudFunction(driver);
        Assert.Equal(CloudErrorCode.InvalidArgument, (await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync((BinaryData)null!, cancellationToken: Ct))).ErrorCode);
        Assert.Equal(CloudErrorCode.InvalidArgument, (await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.Empty, new FunctionInvokeOptions { Timeout = TimeSpan.Zero }, Ct))).ErrorCode);
        Assert.Equal(CloudErrorCode.InvalidArgument, (await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.Empty, new FunctionInvokeOptions { Qualifier = "a/b" }, Ct))).ErrorCode);
        Assert.Equal(CloudErrorCode.InvalidArgument, (await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.Empty, new FunctionInvokeOptions { MaxAttempts = 0 }, Ct))).ErrorCode);
        var tooBig = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(new BinaryData(new byte[1025]), cancellationToken: Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, tooBig.ErrorCode);
        Assert.Contains("1024-byte limit", tooBig.Message, StringComparison.Ordinal);
        var notJson = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.FromString("{not json"), cancellationToken: Ct));
        Assert.Contains("only JSON", notJson.Message, StringComparison.Ordinal);
        Assert.Equal(0, driver.Calls);
    }

    [Fact]
    public async Task UnsupportedFeatures_AreNotSupported_BeforeTheDriverIsCalled()
    {
        var driver = new ScriptedDriver();
        await using var fn = new CloudFunction(driver);
        Assert.Equal(CloudErrorCode.NotSupported, (await Assert.ThrowsAsync<CloudException>(() => fn.InvokeEventAsync(BinaryData.FromString("{}"), cancellationToken: Ct))).ErrorCode);
        Assert.Equal(CloudErrorCode.NotSupported, (await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.FromString("{}"), new FunctionInvokeOptions { Qualifier = "prod" }, Ct))).ErrorCode);
        Assert.Equal(CloudErrorCode.NotSupported, (await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.FromString("{}"), new FunctionInvokeOptions { ClientContext = new Dictionary<string, string> { ["a"] = "b" } }, Ct))).ErrorCode);
        Assert.Equal(0, driver.Calls);
        Assert.Equal(CloudErrorCode.NotSupported, Assert.Throws<CloudException>(() => fn.As<Uri>()).ErrorCode);
    }

    [Fact]
    public async Task LocalFunction_ReceivesQualifierAndClientContext()
    {
        var opener = new PolycloudOpener();
        LocalFunctionContext? seen = null;
        opener.AddLocalFunction("ctx", (payload, context) =>
        {
            seen = context;
            return ValueTask.FromResult(payload);
        });
        await using var fn = opener.OpenFunction("local://ctx");
        var result = await fn.InvokeAsync(BinaryData.FromString("{}"), new FunctionInvokeOptions { Qualifier = "v2", ClientContext = new Dictionary<string, string> { ["tenant"] = "t1" } }, Ct);
        Assert.Equal("v2", result.ExecutedVersion);
        Assert.NotNull(seen);
        Assert.Equal("v2", seen.Qualifier);
        Assert.Equal("t1", seen.ClientContext!["tenant"]);
        Assert.Same(opener.LocalFunctions, fn.As<LocalFunctionRegistry>());
    }

    [Fact]
    public async Task LocalEventInvocation_ReturnsBeforeTheFunctionFinishes_AndReportsItsFailure()
    {
        var opener = new PolycloudOpener();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        opener.LocalFunctions.EventInvocationFailed += (_, e) => failed.TrySetResult(e.Exception);
        opener.AddLocalFunction("gated", async (_, context) =>
        {
            await gate.Task.WaitAsync(context.CancellationToken);
            throw new InvalidOperationException("after the gate");
        });
        await using var fn = opener.OpenFunction("local://gated");
        var receipt = await fn.InvokeEventAsync(BinaryData.FromString("{}"), cancellationToken: Ct);
        Assert.Equal(202, receipt.StatusCode);
        Assert.False(failed.Task.IsCompleted);
        gate.SetResult();
        var ex = await failed.Task.WaitAsync(Ct);
        Assert.Equal("after the gate", ex.Message);
        await opener.LocalFunctions.WhenEventsIdleAsync(Ct);
    }

    [Fact]
    public void Opener_RejectsUnknownSchemesAndSettings()
    {
        var opener = new PolycloudOpener();
        Assert.Contains("local", opener.FunctionSchemes);
        var scheme = Assert.Throws<CloudException>(() => opener.OpenFunction("lambda://fn?region=us-east-1"));
        Assert.Equal(CloudErrorCode.InvalidArgument, scheme.ErrorCode);
        Assert.Contains("AddAws", scheme.Message, StringComparison.Ordinal);
        var setting = Assert.Throws<CloudException>(() => opener.OpenFunction("local://fn?colour=blue"));
        Assert.Contains("colour", setting.Message, StringComparison.Ordinal);
        Assert.Throws<CloudException>(() => opener.OpenFunction("local://fn?timeout=soon"));
        Assert.Throws<CloudException>(() => opener.OpenFunction("local://bad name"));
    }

    [Fact]
    public async Task TimeoutSetting_BecomesTheDefaultTimeout()
    {
        var opener = new PolycloudOpener();
        opener.AddLocalFunction("sleepy", static async (payload, context) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), context.CancellationToken);
            return payload;
        });
        await using var fn = opener.OpenFunction("local://sleepy?timeout=0.2s&maxAttempts=1");
        var ex = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.Empty, cancellationToken: Ct));
        Assert.Equal(CloudErrorCode.Timeout, ex.ErrorCode);
    }

    [Fact]
    public async Task DependencyInjection_GivesKeyedFunctions_BackedByLocalFunctionsRegisteredOnTheBuilder()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Polycloud:Functions:upper"] = "local://to-upper",
            ["Polycloud:Functions:lower:Url"] = "local://to-lower",
            ["Polycloud:Functions:lower:timeout"] = "00:00:05",
        }).Build();
        var services = new ServiceCollection();
        services.AddPolycloud(configuration)
            .AddLocalFunction("to-upper", static (payload, _) => ValueTask.FromResult(BinaryData.FromString(payload.ToString().ToUpperInvariant())))
            .AddLocalFunction("to-lower", static (payload, _) => ValueTask.FromResult(BinaryData.FromString(payload.ToString().ToLowerInvariant())));
        await using var provider = services.BuildServiceProvider();
        var upper = provider.GetRequiredKeyedService<CloudFunction>("upper");
        Assert.Equal("ABC", (await upper.InvokeAsync(BinaryData.FromString("abc"), cancellationToken: Ct)).Payload.ToString());
        var factory = provider.GetRequiredService<ICloudFunctionFactory>();
        Assert.Equal(["lower", "upper"], factory.Names.Order(StringComparer.Ordinal));
        Assert.Same(upper, factory.GetFunction("upper"));
        Assert.Equal("abc", (await factory.GetFunction("lower").InvokeAsync(BinaryData.FromString("ABC"), cancellationToken: Ct)).Payload.ToString());
        Assert.Equal(CloudErrorCode.InvalidArgument, Assert.Throws<CloudException>(() => factory.GetFunction("nope")).ErrorCode);
        Assert.Same(provider.GetRequiredService<LocalFunctionRegistry>(), provider.GetRequiredService<PolycloudOpener>().LocalFunctions);
    }

    private static CloudFunctionOptions FastRetry(int attempts)
        => new() { Retry = new() { MaxAttempts = attempts, BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(5) } };

    private sealed class ScriptedDriver : IFunctionDriver
    {
        private int _calls;

        public int ThrottlesBeforeSuccess { get; init; }

        public bool FunctionFails { get; init; }

        public Exception? Failure { get; init; }

        public Action<int>? OnCall { get; set; }

        public int Calls => Volatile.Read(ref _calls);

        public string ProviderName => "scripted";

        public string FunctionName => "fn";

        public FunctionCapabilities Capabilities { get; } = new() { BinaryPayloads = false, MaxPayloadBytes = 1024 };

        public ValueTask<FunctionResult> InvokeAsync(BinaryData payload, string contentType, FunctionInvokeOptions options, CancellationToken cancellationToken)
        {
            int n = Interlocked.Increment(ref _calls);
            OnCall?.Invoke(n);
            if (Failure is not null)
            {
                throw Failure;
            }

            if (n <= ThrottlesBeforeSuccess)
            {
                throw new HttpRequestException("slow down", null, System.Net.HttpStatusCode.TooManyRequests);
            }

            return ValueTask.FromResult(FunctionFails
                ? new FunctionResult(BinaryData.FromString("{}"), 200, new FunctionError("Unhandled", "no"))
                : new FunctionResult(payload, 200));
        }

        public Task<FunctionEventReceipt> InvokeEventAsync(BinaryData payload, string contentType, FunctionInvokeOptions options, CancellationToken cancellationToken)
            => throw new InvalidOperationException("event invocation is not supported and must not be called");

        public CloudErrorCode ClassifyError(Exception exception)
            => exception is HttpRequestException { StatusCode: System.Net.HttpStatusCode.TooManyRequests } ? CloudErrorCode.Throttled
                : exception is HttpRequestException ? CloudErrorCode.Unavailable
                : CloudErrorCode.Unknown;

        public bool TryAs<T>([NotNullWhen(true)] out T? value)
            where T : class
        {
            value = null;
            return false;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
