using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Polycloud;
using Polycloud.Blobs;
using Xunit;

namespace Acme.Polycloud.Latency.Tests;

/// <summary>What the latency driver adds to a plain store: the delay, its setting, and its scheme registration.</summary>
public sealed class LatencyBlobDriverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryCall_WaitsForTheDelayOnTheGivenClock()
    {
        var time = new FakeTimeProvider();
        await using var bucket = new BlobBucket(new LatencyBlobDriver("slow", TimeSpan.FromSeconds(5), time));

        var upload = bucket.UploadAsync("a", "hello"u8.ToArray(), cancellationToken: Ct);
        Assert.False(upload.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(upload.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        var written = await upload;
        Assert.Equal(time.GetUtcNow(), written.LastModified);

        var read = bucket.ReadAllAsync("a", cancellationToken: Ct);
        Assert.False(read.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("hello", (await read).ToString());
    }

    [Fact]
    public async Task Cancelling_DuringTheDelay_WritesNothing()
    {
        var time = new FakeTimeProvider();
        await using var bucket = new BlobBucket(new LatencyBlobDriver("slow", TimeSpan.FromSeconds(5), time));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var upload = bucket.UploadAsync("a", "hello"u8.ToArray(), cancellationToken: cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => upload);

        var exists = bucket.ExistsAsync("a", Ct);
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(await exists);
    }

    [Theory]
    [InlineData("latency://b?delayMs=-1")]
    [InlineData("latency://b?delayMs=60001")]
    [InlineData("latency://b?delayMs=soon")]
    public void DelaySetting_OutOfRange_IsRejectedNamingIt(string url)
    {
        var ex = Assert.Throws<CloudException>(() => new PolycloudOpener().AddLatency().OpenBucket(url));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("'delayMs'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("from 0 to 60000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownSetting_IsRejectedListingTheKnownOnes()
    {
        var ex = Assert.Throws<CloudException>(() => new PolycloudOpener().AddLatency().OpenBucket("latency://b?delay=5"));
        Assert.Contains("delay", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Known settings: delayMs", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Scheme_IsUnknownUntilRegistered()
    {
        var ex = Assert.Throws<CloudException>(() => new PolycloudOpener().OpenBucket("latency://b"));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("latency", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configuration_OpensTheBucketThroughTheRegisteredScheme()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Polycloud:Blobs:slow"] = "latency://slow?delayMs=0" })
            .Build();
        var services = new ServiceCollection();
        services.AddPolycloud(configuration).AddLatency();
        await using var provider = services.BuildServiceProvider();

        var bucket = provider.GetRequiredKeyedService<BlobBucket>("slow");
        await bucket.UploadAsync("k", "v"u8.ToArray(), cancellationToken: Ct);
        Assert.Equal("latency", bucket.Provider);
        Assert.Equal("slow", bucket.Name);
        Assert.Equal("v", (await bucket.ReadAllAsync("k", cancellationToken: Ct)).ToString());
    }
}
