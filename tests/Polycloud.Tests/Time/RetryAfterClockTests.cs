using System.Net;
using Polycloud.Functions;
using Polycloud.Functions.Drivers;
using Xunit;

namespace Polycloud.Tests.Time;

/// <summary>A <c>Retry-After</c> given as an HTTP date is measured on the function's clock, not on the machine's.</summary>
public sealed class RetryAfterClockTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_Retry_After_date_is_kept_as_a_moment_for_the_caller_to_measure()
    {
        var at = new DateTimeOffset(2040, 2, 29, 12, 0, 7, TimeSpan.Zero);
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent("busy") };
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(at);
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => HttpFunctionProtocol.ReadResultAsync(response, null, Ct).AsTask());
        Assert.Equal(at, ex.Data[FunctionRetryOptions.RetryAtDataKey]);
        Assert.Null(ex.Data[FunctionRetryOptions.RetryAfterDataKey]);
    }

    [Fact]
    public async Task The_retry_waits_until_the_Retry_After_date_on_the_clock()
    {
        var clock = new RecordingClock();
        var driver = new DateThrottledDriver(clock.GetUtcNow().AddSeconds(7));
        var options = new CloudFunctionOptions { Retry = new() { MaxAttempts = 2, BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.FromMinutes(1) }, TimeProvider = clock };
        await using var fn = new CloudFunction(driver, options);
        var call = fn.InvokeAsync(BinaryData.FromString("{}"), new FunctionInvokeOptions { Timeout = TimeSpan.FromMinutes(5) }, Ct);
        Assert.Equal(TimeSpan.FromMinutes(5), await clock.NextTimerAsync(Ct)); // the call's timeout
        Assert.Equal(TimeSpan.FromSeconds(7), await clock.NextTimerAsync(Ct)); // until the date the service named
        clock.Advance(TimeSpan.FromSeconds(7) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, driver.Calls);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("{}", (await call.WaitAsync(TimeSpan.FromMinutes(1), Ct)).Payload.ToString());
        Assert.Equal(2, driver.Calls);
    }

    private sealed class DateThrottledDriver(DateTimeOffset retryAt) : IFunctionDriver
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public string ProviderName => "scripted";

        public string FunctionName => "fn";

        public FunctionCapabilities Capabilities { get; } = new() { BinaryPayloads = false, MaxPayloadBytes = 1024 };

        public ValueTask<FunctionResult> InvokeAsync(BinaryData payload, string contentType, FunctionInvokeOptions options, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                var ex = new HttpRequestException("slow down", null, HttpStatusCode.TooManyRequests);
                ex.Data[FunctionRetryOptions.RetryAtDataKey] = retryAt;
                throw ex;
            }

            return ValueTask.FromResult(new FunctionResult(payload, 200));
        }

        public Task<FunctionEventReceipt> InvokeEventAsync(BinaryData payload, string contentType, FunctionInvokeOptions options, CancellationToken cancellationToken)
            => throw new NotSupportedException();

        public CloudErrorCode ClassifyError(Exception exception)
            => exception is HttpRequestException { StatusCode: HttpStatusCode.TooManyRequests } ? CloudErrorCode.Throttled : CloudErrorCode.Unknown;

        public bool TryAs<T>([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? value)
            where T : class
        {
            value = null;
            return false;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
