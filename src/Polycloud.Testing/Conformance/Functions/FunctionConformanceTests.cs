using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Polycloud.Functions;
using Xunit;

namespace Polycloud.Testing.Conformance.Functions;

/// <summary>The functions every fixture deploys, with the behaviour the suite relies on.</summary>
public enum ConformanceFunction
{
    /// <summary>Answers with the request payload unchanged.</summary>
    Echo,

    /// <summary>Throws an error whose message is the request's <c>message</c> property.</summary>
    Fail,

    /// <summary>Waits the request's <c>ms</c> milliseconds, then answers <c>{"slept": ms}</c>.</summary>
    Slow,

    /// <summary>A function that does not exist.</summary>
    Missing,
}

/// <summary>A request to the echo function, for the typed (source-generated JSON) overloads.</summary>
public sealed record EchoMessage(string Text, int Number, IReadOnlyList<int> Items);

/// <summary>A request to the fail or slow function.</summary>
public sealed record ControlMessage(string? Message = null, int? Ms = null);

/// <summary>Source-generated JSON type information for the suite.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EchoMessage))]
[JsonSerializable(typeof(ControlMessage))]
public sealed partial class ConformanceJsonContext : JsonSerializerContext;

/// <summary>
/// The function driver conformance suite: every function driver (local, AWS Lambda, Google Cloud Functions, Azure
/// Functions) derives from this class and must pass it. A fixture whose emulator lacks a feature overrides the matching
/// <c>...SkipReason</c> property; the test is then reported as skipped with that reason, and the driver's request is
/// checked at the wire in the fixture's own tests.
/// </summary>
public abstract class FunctionConformanceTests
{
    /// <summary>Opens one of the suite's functions.</summary>
    /// <param name="which">Which function.</param>
    /// <returns>The function.</returns>
    protected abstract CloudFunction Open(ConformanceFunction which);

    /// <summary>Why the fixture cannot show a missing function as NotFound, or <see langword="null"/> when it can.</summary>
    protected virtual string? NotFoundSkipReason => null;

    /// <summary>Why the fixture cannot echo a top-level JSON scalar (such as <c>7</c>), or <see langword="null"/> when it can.</summary>
    protected virtual string? JsonScalarSkipReason => null;

    /// <summary>The time the suite allows an event hand-off, well below the slow function's run time.</summary>
    protected virtual TimeSpan EventHandOffLimit => TimeSpan.FromSeconds(15);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Echo_JsonPayload_RoundTrips()
    {
        await using var fn = Open(ConformanceFunction.Echo);
        var payload = BinaryData.FromString("""{"name":"polycloud","n":42,"nested":{"a":[1,2,3],"t":true,"s":"é ü 💡"}}""").WithMediaType("application/json");
        var result = await fn.InvokeAsync(payload, cancellationToken: Ct);
        Assert.False(result.IsFunctionError, result.FunctionError?.ToString());
        Assert.Equal(200, result.StatusCode);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(payload.ToString()), JsonNode.Parse(result.Payload.ToString())), result.Payload.ToString());
    }

    [Fact]
    public async Task Echo_TypedJsonWithSourceGeneratedTypeInfo_RoundTrips()
    {
        await using var fn = Open(ConformanceFunction.Echo);
        var request = new EchoMessage("hello", 7, [1, 2, 3]);
        var response = await fn.InvokeAsync(request, ConformanceJsonContext.Default.EchoMessage, ConformanceJsonContext.Default.EchoMessage, cancellationToken: Ct);
        Assert.NotNull(response);
        Assert.Equal(request.Text, response.Text);
        Assert.Equal(request.Number, response.Number);
        Assert.Equal(request.Items, response.Items);
    }

    [Fact]
    public async Task Echo_OneByteJson_RoundTrips()
    {
        if (JsonScalarSkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        await using var fn = Open(ConformanceFunction.Echo);
        var result = await fn.InvokeAsync(new BinaryData("7"u8.ToArray(), "application/json"), cancellationToken: Ct);
        Assert.False(result.IsFunctionError, result.FunctionError?.ToString());
        Assert.Equal("7", result.Payload.ToString().Trim());
    }

    [Fact]
    public async Task Echo_JsonOfOneMebibyte_RoundTrips()
    {
        await using var fn = Open(ConformanceFunction.Echo);
        var request = new EchoMessage(new string('p', 1024 * 1024), 1, [1]);
        var payload = new BinaryData(JsonSerializer.SerializeToUtf8Bytes(request, ConformanceJsonContext.Default.EchoMessage), "application/json");
        Assert.True(payload.Length >= 1024 * 1024);
        var result = await fn.InvokeAsync(payload, cancellationToken: Ct);
        Assert.False(result.IsFunctionError, result.FunctionError?.ToString());
        Assert.Equal(request.Text, JsonSerializer.Deserialize(result.Payload.ToMemory().Span, ConformanceJsonContext.Default.EchoMessage)?.Text);
    }

    [Fact]
    public async Task Echo_OneBinaryByte_RoundTripsOrIsRejectedBeforeSending()
    {
        await using var fn = Open(ConformanceFunction.Echo);
        var payload = new BinaryData(new byte[] { 0xFF });
        if (!fn.Capabilities.BinaryPayloads)
        {
            // The provider accepts JSON only: the portable layer must say so before sending.
            var ex = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(payload, cancellationToken: Ct));
            Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
            Assert.Contains("JSON", ex.Message, StringComparison.Ordinal);
            return;
        }

        var result = await fn.InvokeAsync(payload, cancellationToken: Ct);
        Assert.False(result.IsFunctionError, result.FunctionError?.ToString());
        Assert.Equal(payload.ToArray(), result.Payload.ToArray());
    }

    [Fact]
    public async Task Echo_BinaryOfOneMebibyte_RoundTripsOrIsRejectedBeforeSending()
    {
        await using var fn = Open(ConformanceFunction.Echo);
        var bytes = new byte[(1024 * 1024) + 17];
        new Random(42).NextBytes(bytes);
        var payload = new BinaryData(bytes);
        if (!fn.Capabilities.BinaryPayloads)
        {
            var ex = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(payload, cancellationToken: Ct));
            Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
            return;
        }

        var result = await fn.InvokeAsync(payload, cancellationToken: Ct);
        Assert.False(result.IsFunctionError, result.FunctionError?.ToString());
        Assert.True(bytes.AsSpan().SequenceEqual(result.Payload.ToMemory().Span), $"the echo returned {result.Payload.Length} bytes that differ from the {bytes.Length} sent");
    }

    [Fact]
    public async Task FunctionError_IsReportedWithItsMessage_AndNotThrownByTheBinaryOverload()
    {
        await using var fn = Open(ConformanceFunction.Fail);
        string message = "conformance failure " + Guid.NewGuid().ToString("N");
        var result = await fn.InvokeAsync(new ControlMessage(Message: message), ConformanceJsonContext.Default.ControlMessage, cancellationToken: Ct);
        Assert.True(result.IsFunctionError);
        Assert.NotNull(result.FunctionError);
        Assert.Contains(message, result.FunctionError.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(result.FunctionError.Type));
        var ex = Assert.Throws<FunctionErrorException>(() => result.EnsureSuccess());
        Assert.Equal(CloudErrorCode.Internal, ex.ErrorCode);
        Assert.Same(result.FunctionError, ex.FunctionError);
    }

    [Fact]
    public async Task FunctionError_IsThrownByTheTypedOverload_WithTheInternalCode()
    {
        await using var fn = Open(ConformanceFunction.Fail);
        string message = "typed failure " + Guid.NewGuid().ToString("N");
        var ex = await Assert.ThrowsAsync<FunctionErrorException>(() => fn.InvokeAsync(
            new ControlMessage(Message: message), ConformanceJsonContext.Default.ControlMessage, ConformanceJsonContext.Default.EchoMessage, cancellationToken: Ct));
        Assert.Equal(CloudErrorCode.Internal, ex.ErrorCode);
        Assert.Equal(fn.Provider, ex.Provider);
        Assert.Contains(message, ex.FunctionError.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownFunction_IsNotFound()
    {
        if (NotFoundSkipReason is { } reason)
        {
            Assert.Skip(reason);
        }

        await using var fn = Open(ConformanceFunction.Missing);
        var ex = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(BinaryData.FromString("{}"), cancellationToken: Ct));
        Assert.Equal(CloudErrorCode.NotFound, ex.ErrorCode);
        Assert.Equal(fn.Provider, ex.Provider);
    }

    [Fact]
    public async Task EventInvocation_ReturnsWithoutWaitingForTheFunction_OrIsNotSupported()
    {
        await using var fn = Open(ConformanceFunction.Slow);
        var payload = new BinaryData(JsonSerializer.SerializeToUtf8Bytes(new ControlMessage(Ms: 30_000), ConformanceJsonContext.Default.ControlMessage), "application/json");
        if (!fn.Capabilities.EventInvocation)
        {
            var unsupported = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeEventAsync(payload, cancellationToken: Ct));
            Assert.Equal(CloudErrorCode.NotSupported, unsupported.ErrorCode);
            return;
        }

        // The function runs for 30 s; the hand-off must complete well within that, or it times out and the test fails.
        var receipt = await fn.InvokeEventAsync(payload, new FunctionInvokeOptions { Timeout = EventHandOffLimit }, Ct);
        Assert.InRange(receipt.StatusCode, 200, 299);
    }

    [Fact]
    public async Task Timeout_IsHonoured_AsTheTimeoutCode()
    {
        await using var fn = Open(ConformanceFunction.Slow);
        var ex = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(
            new ControlMessage(Ms: 20_000), ConformanceJsonContext.Default.ControlMessage, new FunctionInvokeOptions { Timeout = TimeSpan.FromMilliseconds(500) }, Ct));
        Assert.Equal(CloudErrorCode.Timeout, ex.ErrorCode);
    }

    [Fact]
    public async Task Cancellation_IsHonoured_AsOperationCanceled()
    {
        await using var fn = Open(ConformanceFunction.Slow);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cts.CancelAfter(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fn.InvokeAsync(
            new ControlMessage(Ms: 20_000), ConformanceJsonContext.Default.ControlMessage, cancellationToken: cts.Token));
    }

    [Fact]
    public async Task FiftyConcurrentInvocations_EachGetTheirOwnResult()
    {
        await using var fn = Open(ConformanceFunction.Echo);
        var tasks = Enumerable.Range(0, 50).Select(async i =>
        {
            var request = new EchoMessage("call-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), i, [i, i * 2]);
            var response = await fn.InvokeAsync(request, ConformanceJsonContext.Default.EchoMessage, ConformanceJsonContext.Default.EchoMessage, cancellationToken: Ct);
            return (request, response);
        }).ToArray();
        foreach (var (request, response) in await Task.WhenAll(tasks))
        {
            Assert.NotNull(response);
            Assert.Equal(request.Text, response.Text);
            Assert.Equal(request.Number, response.Number);
            Assert.Equal(request.Items, response.Items);
        }
    }

    [Fact]
    public async Task PayloadOverTheProviderLimit_IsRejectedBeforeSending()
    {
        await using var fn = Open(ConformanceFunction.Echo);
        if (fn.Capabilities.MaxPayloadBytes is not { } max)
        {
            Assert.Skip($"{fn.Provider} as configured here has no payload limit.");
            return;
        }

        var payload = new BinaryData(new byte[max + 1]);
        var ex = await Assert.ThrowsAsync<CloudException>(() => fn.InvokeAsync(payload, cancellationToken: Ct));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Null(ex.Provider);
        Assert.Contains(max.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
    }
}
