using Microsoft.Extensions.Time.Testing;
using Polycloud.Blobs;
using Polycloud.Blobs.FileSystem;
using Polycloud.Blobs.Memory;
using Polycloud.Blobs.Transfer;
using Xunit;

#pragma warning disable CA5351 // MD5 is the content checksum blob services use.

namespace Polycloud.Tests.Blobs.Transfer;

public sealed class BlobTransferPlanTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "polycloud-xfer-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    internal static BlobBucket Memory(string name, TimeProvider? time = null) => new(new MemoryBlobDriver(name) { TimeProvider = time ?? TimeProvider.System });

    private BlobBucket File(string name) => new(new FileBlobDriver(Path.Combine(_root, name), createIfMissing: true));

    private static BlobTransferItem Find(BlobTransferPlan plan, string sourceOrDestinationKey)
        => Assert.Single(plan.Items, i => (i.SourceKey == sourceOrDestinationKey || i.DestinationKey == sourceOrDestinationKey) && i.Action != BlobTransferAction.DeleteSource);

    [Fact]
    public async Task Plan_MapsPrefixes_AndDecidesEachObjectWithAReason()
    {
        await using var source = Memory("src");
        await using var destination = Memory("dst");
        await source.UploadAsync("a/new.txt", BinaryData.FromString("new"), null, Ct);
        await source.UploadAsync("a/same.txt", BinaryData.FromString("same"), null, Ct);
        await source.UploadAsync("a/changed.txt", BinaryData.FromString("AAAA"), null, Ct);
        await source.UploadAsync("a/longer.txt", BinaryData.FromString("longer"), null, Ct);
        await source.UploadAsync("other/ignored.txt", BinaryData.FromString("x"), null, Ct);
        await destination.UploadAsync("b/same.txt", BinaryData.FromString("same"), null, Ct);
        await destination.UploadAsync("b/changed.txt", BinaryData.FromString("BBBB"), null, Ct);
        await destination.UploadAsync("b/longer.txt", BinaryData.FromString("short"), null, Ct);
        await destination.UploadAsync("b/extra.txt", BinaryData.FromString("extra"), null, Ct);

        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source, "a/"), new BlobEndpoint(destination, "b/"), new BlobTransferOptions { Mode = BlobTransferMode.Sync }, Ct);

        var created = Find(plan, "a/new.txt");
        Assert.Equal(("b/new.txt", BlobTransferAction.Create, "missing at destination", BlobTransferPath.ServerSide), (created.DestinationKey, created.Action, created.Reason, created.Path));
        Assert.Equal((BlobTransferAction.SkipEqual, "equal by md5"), (Find(plan, "a/same.txt").Action, Find(plan, "a/same.txt").Reason));
        Assert.Equal((BlobTransferAction.Update, "md5 differs"), (Find(plan, "a/changed.txt").Action, Find(plan, "a/changed.txt").Reason));
        Assert.Equal((BlobTransferAction.Update, "size differs (6 at source, 5 at destination)"), (Find(plan, "a/longer.txt").Action, Find(plan, "a/longer.txt").Reason));
        Assert.Equal((BlobTransferAction.Delete, "not at source"), (Find(plan, "b/extra.txt").Action, Find(plan, "b/extra.txt").Reason));
        Assert.DoesNotContain(plan.Items, i => i.SourceKey.StartsWith("other/", StringComparison.Ordinal));
        Assert.Equal(new BlobTransferCount(1, 3), plan.Totals.Create);
        Assert.Equal(new BlobTransferCount(2, 10), plan.Totals.Update);
        Assert.Equal(new BlobTransferCount(1, 4), plan.Totals.SkipEqual);
        Assert.Equal(new BlobTransferCount(1, 5), plan.Totals.Delete);
        Assert.Contains("md5 differs", plan.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_Copy_NeverDeletes()
    {
        await using var source = Memory("src");
        await using var destination = Memory("dst");
        await destination.UploadAsync("extra", BinaryData.FromString("x"), null, Ct);
        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), null, Ct);
        Assert.Empty(plan.Items);
    }

    [Fact]
    public async Task Plan_Auto_UsesTheMd5RecordedAtTheDestination_WhenTheDestinationListsNoHash()
    {
        await using var source = Memory("src");
        var hidden = new WrappedMemoryDriver(new MemoryBlobDriver("dst")) { HideMd5 = true };
        await using var destination = new BlobBucket(hidden);
        await source.UploadAsync("k", BinaryData.FromString("hello"), null, Ct);
        await source.UploadAsync("k2", BinaryData.FromString("world"), null, Ct);
        string md5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData("hello"u8));
        await destination.UploadAsync("k", BinaryData.FromString("hello"), new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["polycloud-md5"] = md5 } }, Ct);
        await destination.UploadAsync("k2", BinaryData.FromString("WORLD"), new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["polycloud-md5"] = md5 } }, Ct);

        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), null, Ct);

        Assert.Equal((BlobTransferAction.SkipEqual, "equal by md5 (recorded at destination in polycloud-md5)"), (Find(plan, "k").Action, Find(plan, "k").Reason));
        Assert.Equal((BlobTransferAction.Update, "md5 differs (recorded at destination in polycloud-md5)"), (Find(plan, "k2").Action, Find(plan, "k2").Reason));
        Assert.Contains(plan.Notes, n => n.Contains("2 properties reads", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Plan_Auto_ComparesCrc32c_WhenBothListingsCarryIt()
    {
        var s = new WrappedMemoryDriver(new MemoryBlobDriver("src")) { HideMd5 = true };
        var d = new WrappedMemoryDriver(new MemoryBlobDriver("dst")) { HideMd5 = true };
        await using var source = new BlobBucket(s);
        await using var destination = new BlobBucket(d);
        await source.UploadAsync("same", BinaryData.FromString("abc"), null, Ct);
        await source.UploadAsync("diff", BinaryData.FromString("abc"), null, Ct);
        await destination.UploadAsync("same", BinaryData.FromString("abc"), null, Ct);
        await destination.UploadAsync("diff", BinaryData.FromString("abd"), null, Ct);
        s.ListedCrc32c["same"] = 1;
        s.ListedCrc32c["diff"] = 2;
        d.ListedCrc32c["same"] = 1;
        d.ListedCrc32c["diff"] = 3;

        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), null, Ct);

        Assert.Equal((BlobTransferAction.SkipEqual, "equal by crc32c"), (Find(plan, "same").Action, Find(plan, "same").Reason));
        Assert.Equal((BlobTransferAction.Update, "crc32c differs"), (Find(plan, "diff").Action, Find(plan, "diff").Reason));
    }

    [Fact]
    public async Task Plan_Auto_WithoutAnyHash_UsesSizeAndTime()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var s = new WrappedMemoryDriver(new MemoryBlobDriver("src") { TimeProvider = time }) { HideMd5 = true };
        var d = new WrappedMemoryDriver(new MemoryBlobDriver("dst") { TimeProvider = time }) { HideMd5 = true };
        await using var source = new BlobBucket(s);
        await using var destination = new BlobBucket(d);
        await source.UploadAsync("old-at-source", BinaryData.FromString("aaa"), null, Ct);
        time.Advance(TimeSpan.FromMinutes(1));
        await destination.UploadAsync("old-at-source", BinaryData.FromString("bbb"), null, Ct);
        await destination.UploadAsync("newer-at-source", BinaryData.FromString("ccc"), null, Ct);
        time.Advance(TimeSpan.FromMinutes(1));
        await source.UploadAsync("newer-at-source", BinaryData.FromString("ccc"), null, Ct);

        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), null, Ct);

        Assert.Equal((BlobTransferAction.SkipEqual, "equal by size and time (destination not older)"), (Find(plan, "old-at-source").Action, Find(plan, "old-at-source").Reason));
        Assert.Equal((BlobTransferAction.Update, "source is newer (same size)"), (Find(plan, "newer-at-source").Action, Find(plan, "newer-at-source").Reason));
    }

    [Fact]
    public async Task Plan_Checksum_ComputesHashesByReading_AndSaysSo()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var s = new WrappedMemoryDriver(new MemoryBlobDriver("src") { TimeProvider = time }) { HideMd5 = true };
        var d = new WrappedMemoryDriver(new MemoryBlobDriver("dst") { TimeProvider = time }) { HideMd5 = true };
        await using var source = new BlobBucket(s);
        await using var destination = new BlobBucket(d);
        await source.UploadAsync("k", BinaryData.FromString("aaa"), null, Ct);
        time.Advance(TimeSpan.FromMinutes(1));
        await destination.UploadAsync("k", BinaryData.FromString("bbb"), null, Ct);

        var auto = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), null, Ct);
        var checksum = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), new BlobTransferOptions { Comparison = BlobComparison.Checksum }, Ct);

        Assert.Equal(BlobTransferAction.SkipEqual, Find(auto, "k").Action);
        Assert.Equal((BlobTransferAction.Update, "md5 differs (computed by reading)"), (Find(checksum, "k").Action, Find(checksum, "k").Reason));
        Assert.Contains(checksum.Notes, n => n.Contains("checksums computed by reading 2 objects", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Plan_SizeOnly_AndSizeAndTime_IgnoreContent()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var source = Memory("src", time);
        await using var destination = Memory("dst", time);
        await source.UploadAsync("k", BinaryData.FromString("aaa"), null, Ct);
        time.Advance(TimeSpan.FromSeconds(1));
        await destination.UploadAsync("k", BinaryData.FromString("bbb"), null, Ct);

        var sizeOnly = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), new BlobTransferOptions { Comparison = BlobComparison.SizeOnly }, Ct);
        var sizeAndTime = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), new BlobTransferOptions { Comparison = BlobComparison.SizeAndTime }, Ct);
        var auto = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), null, Ct);

        Assert.Equal((BlobTransferAction.SkipEqual, "equal by size"), (Find(sizeOnly, "k").Action, Find(sizeOnly, "k").Reason));
        Assert.Equal(BlobTransferAction.SkipEqual, Find(sizeAndTime, "k").Action);
        Assert.Equal((BlobTransferAction.Update, "md5 differs"), (Find(auto, "k").Action, Find(auto, "k").Reason));
    }

    [Fact]
    public async Task Plan_Paths_ServerSideForTheSameProvider_StreamedOtherwise()
    {
        await using var source = Memory("src");
        await using var memory = Memory("dst");
        await using var file = File("files");
        await source.UploadAsync("k", BinaryData.FromString("x"), null, Ct);

        var toMemory = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(memory), null, Ct);
        var toFile = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(file), null, Ct);

        Assert.Equal(BlobTransferPath.ServerSide, Find(toMemory, "k").Path);
        Assert.Equal(BlobTransferPath.Streamed, Find(toFile, "k").Path);
    }

    [Fact]
    public async Task Plan_ResidencyOutsideTheAllowedRegions_IsRefused_NamingCountRegionAndRule()
    {
        await using var source = Memory("src");
        await using var destination = Memory("dst");
        await source.UploadAsync("a", BinaryData.FromString("x"), null, Ct);
        await source.UploadAsync("b", BinaryData.FromString("yy"), null, Ct);

        var e = await Assert.ThrowsAsync<CloudException>(() => BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination),
            new BlobTransferOptions { AllowedRegions = ["eu-*"] }, Ct));
        var allowed = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), new BlobTransferOptions { AllowedRegions = ["local"] }, Ct);

        Assert.Equal(CloudErrorCode.PermissionDenied, e.ErrorCode);
        Assert.Contains("2 objects (3 bytes)", e.Message, StringComparison.Ordinal);
        Assert.Contains("region 'local'", e.Message, StringComparison.Ordinal);
        Assert.Contains("AllowedRegions [eu-*]", e.Message, StringComparison.Ordinal);
        Assert.False(await destination.ExistsAsync("a", Ct));
        Assert.Equal(2, allowed.Totals.Create.Objects);
    }

    [Fact]
    public async Task Apply_RechecksResidency_BeforeAnyByteMoves()
    {
        await using var source = Memory("src");
        await using var destination = Memory("dst");
        await source.UploadAsync("a", BinaryData.FromString("x"), null, Ct);
        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), null, Ct);

        var e = await Assert.ThrowsAsync<CloudException>(() => BlobTransfer.ApplyAsync(plan, new BlobTransferOptions { AllowedRegions = ["us-*"] }, Ct));

        Assert.Equal(CloudErrorCode.PermissionDenied, e.ErrorCode);
        Assert.False(await destination.ExistsAsync("a", Ct));
    }

    [Theory]
    [InlineData(nameof(BlobTransferOptions.ObjectConcurrency))]
    [InlineData(nameof(BlobTransferOptions.PartSize))]
    [InlineData(nameof(BlobTransferOptions.BandwidthLimit))]
    [InlineData(nameof(BlobTransferOptions.MaxDeletes))]
    public async Task Options_Invalid_AreRefusedNamingTheOption(string option)
    {
        await using var source = Memory("src");
        await using var destination = Memory("dst");
        var options = option switch
        {
            nameof(BlobTransferOptions.ObjectConcurrency) => new BlobTransferOptions { ObjectConcurrency = 0 },
            nameof(BlobTransferOptions.PartSize) => new BlobTransferOptions { PartSize = 10 },
            nameof(BlobTransferOptions.BandwidthLimit) => new BlobTransferOptions { BandwidthLimit = 0 },
            _ => new BlobTransferOptions { MaxDeletes = -1 },
        };

        var e = await Assert.ThrowsAsync<CloudException>(() => BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), options, Ct));

        Assert.Equal(CloudErrorCode.InvalidArgument, e.ErrorCode);
        Assert.Contains(option, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plan_Json_RoundTrips_AndSlicesByKeyRange()
    {
        var opener = new PolycloudOpener();
        var buckets = new Dictionary<string, BlobBucket>();
        BlobBucket Open(string url) => buckets.TryGetValue(url, out var b) ? b : buckets[url] = opener.OpenBucket(url);
        var source = Open("mem://xfer-json-src");
        var destination = Open("mem://xfer-json-dst");
        foreach (var k in new[] { "p/a", "p/b", "p/c", "p/d" })
        {
            await source.UploadAsync(k, BinaryData.FromString(k), null, Ct);
        }

        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source, "p/") { Url = "mem://xfer-json-src" }, new BlobEndpoint(destination, "q/") { Url = "mem://xfer-json-dst" }, null, Ct);
        var shard = plan.Slice("b", "d");
        var back = BlobTransferPlan.FromJson(shard.ToJson(), Open);
        var halves = plan.Split(2);

        Assert.Equal(["p/b", "p/c"], shard.Items.Select(i => i.SourceKey));
        Assert.Equal(shard.Id, back.Id);
        Assert.NotEqual(plan.Id, shard.Id);
        Assert.Equal(shard.Items, back.Items);
        Assert.Equal(2, halves.Count);
        Assert.Equal(plan.Items.Select(i => i.SourceKey), halves.SelectMany(h => h.Items).Select(i => i.SourceKey));
        var tampered = shard.ToJson().Replace("q/b", "q/x", StringComparison.Ordinal);
        Assert.Equal(CloudErrorCode.InvalidArgument, Assert.Throws<CloudException>(() => BlobTransferPlan.FromJson(tampered, Open)).ErrorCode);

        var applied = await BlobTransfer.ApplyAsync(back, null, Ct);
        Assert.Equal(2, applied.Created);
        Assert.True(await destination.ExistsAsync("q/b", Ct));
        Assert.False(await destination.ExistsAsync("q/a", Ct));
    }

    [Fact]
    public void Prices_KnownRoutes_AndUnknownIsNeverZero()
    {
        var prices = BlobTransferPrices.Default;
        ResourceLocation At(string provider, string? region) => new()
        {
            Provider = provider, Service = provider, Kind = ResourceKind.Blob, Name = "b",
            Region = region is null ? LocationValue.Unknown("not reported") : LocationValue.Known(region),
        };
        const long GiB = 1024L * 1024 * 1024;

        var interCloud = prices.Price(At("aws", "eu-west-1"), At("azure", "westeurope"), 10 * GiB);
        var sameRegion = prices.Price(At("aws", "eu-west-1"), At("aws", "eu-west-1"), 10 * GiB);
        var interRegion = prices.Price(At("gcp", "europe-west1"), At("gcp", "us-central1"), 10 * GiB);
        var unknownRegion = prices.Price(At("azure", null), At("aws", "eu-west-1"), 10 * GiB);
        var unknownProvider = prices.Price(At("oracle", "eu-frankfurt-1"), At("aws", "eu-west-1"), 10 * GiB);
        var local = prices.Price(ResourceLocation.Local("memory", ResourceKind.Blob, "m"), At("aws", "eu-west-1"), 10 * GiB);

        Assert.Equal(0.9m, interCloud.Cost);
        Assert.Contains("internet egress", interCloud.Explanation, StringComparison.Ordinal);
        Assert.Equal("Amazon S3 Pricing (Data Transfer tab)", interCloud.PriceSource);
        Assert.Equal(0m, sameRegion.Cost);
        Assert.Equal(0.8m, interRegion.Cost);
        Assert.Null(unknownRegion.Cost);
        Assert.StartsWith("unknown", unknownRegion.Explanation, StringComparison.Ordinal);
        Assert.Null(unknownProvider.Cost);
        Assert.Equal(0m, local.Cost);
        Assert.Null(new BlobTransferCostEstimate([interCloud, unknownRegion]).Total);
        Assert.Equal("unknown", new BlobTransferCostEstimate([unknownRegion]).ToString()[..7]);
    }

    [Fact]
    public async Task Plan_Cost_LocalToLocal_IsKnownZero()
    {
        await using var source = Memory("src");
        await using var destination = File("dst");
        await source.UploadAsync("k", new byte[1000], null, Ct);
        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), null, Ct);
        var route = Assert.Single(plan.Cost.Routes);
        Assert.Equal(1000, route.Bytes);
        Assert.Equal(0m, plan.Cost.Total);
        Assert.Contains("streamed through this machine", route.Explanation, StringComparison.Ordinal);
    }
}
