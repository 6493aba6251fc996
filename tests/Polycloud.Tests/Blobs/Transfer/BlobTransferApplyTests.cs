using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Polycloud.Blobs;
using Polycloud.Blobs.FileSystem;
using Polycloud.Blobs.Memory;
using Polycloud.Blobs.Transfer;
using Xunit;

#pragma warning disable CA5351 // MD5 is the content checksum blob services use.

namespace Polycloud.Tests.Blobs.Transfer;

public sealed class BlobTransferApplyTests : IDisposable
{
    private const int Part = 64 * 1024;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "polycloud-xfer-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static BlobBucket Memory(string name) => new(new MemoryBlobDriver(name));

    private BlobBucket File(string name) => new(new FileBlobDriver(Path.Combine(_root, name), createIfMissing: true));

    private static byte[] Bytes(int size, int seed)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return data;
    }

    private static async Task<BlobTransferResult> RunAsync(BlobBucket source, BlobBucket destination, BlobTransferOptions? options = null, string sourcePrefix = "", string destinationPrefix = "")
    {
        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source, sourcePrefix), new BlobEndpoint(destination, destinationPrefix), options, Ct);
        return await BlobTransfer.ApplyAsync(plan, null, Ct);
    }

    private static async Task<List<string>> KeysAsync(BlobBucket bucket)
    {
        var keys = new List<string>();
        await foreach (var i in bucket.ListAsync(null, Ct))
        {
            keys.Add(i.Key);
        }

        return keys;
    }

    [Fact]
    public async Task Sync_CopiesAndDeletesExtras_ThenASecondSyncDoesNothing()
    {
        await using var source = Memory("src");
        await using var destination = File("dst");
        await source.UploadAsync("a/1", BinaryData.FromString("one"), null, Ct);
        await source.UploadAsync("a/2", BinaryData.FromString("two"), null, Ct);
        await destination.UploadAsync("b/2", BinaryData.FromString("TWO"), null, Ct);
        await destination.UploadAsync("b/extra", BinaryData.FromString("x"), null, Ct);
        var sync = new BlobTransferOptions { Mode = BlobTransferMode.Sync };

        var first = await RunAsync(source, destination, sync, "a/", "b/");
        var second = await BlobTransfer.PlanAsync(new BlobEndpoint(source, "a/"), new BlobEndpoint(destination, "b/"), sync, Ct);
        var secondResult = await BlobTransfer.ApplyAsync(second, null, Ct);

        Assert.True(first.Succeeded, string.Join("; ", first.Failed));
        Assert.Equal((1, 1, 1, 2), (first.Created, first.Updated, first.Deleted, first.Verified));
        Assert.Equal(["b/1", "b/2"], await KeysAsync(destination));
        Assert.Equal("TWO".Length, first.BytesCopied - 3);
        Assert.Equal("two", (await destination.ReadAllAsync("b/2", default, Ct)).ToString());
        Assert.All(second.Items, i => Assert.Equal(BlobTransferAction.SkipEqual, i.Action));
        Assert.Equal((0, 0, 0, 2), (secondResult.Created + secondResult.Updated, secondResult.Deleted, secondResult.BytesCopied, secondResult.Skipped));
    }

    [Fact]
    public async Task Sync_MaxDeletes_RefusesBeforeAnything_NamingCountAndLimit()
    {
        await using var source = Memory("src");
        await using var destination = Memory("dst");
        await source.UploadAsync("new", BinaryData.FromString("n"), null, Ct);
        for (int i = 0; i < 3; i++)
        {
            await destination.UploadAsync("old" + i, BinaryData.FromString("o"), null, Ct);
        }

        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), new BlobTransferOptions { Mode = BlobTransferMode.Sync, MaxDeletes = 2 }, Ct);
        var e = await Assert.ThrowsAsync<CloudException>(() => BlobTransfer.ApplyAsync(plan, null, Ct));

        Assert.Equal(CloudErrorCode.PreconditionFailed, e.ErrorCode);
        Assert.Contains("deletes 3 objects", e.Message, StringComparison.Ordinal);
        Assert.Contains("MaxDeletes = 2", e.Message, StringComparison.Ordinal);
        Assert.Equal(["old0", "old1", "old2"], await KeysAsync(destination));
    }

    [Fact]
    public async Task Sync_AFailedCopy_MeansNoDeletes()
    {
        var s = new WrappedMemoryDriver(new MemoryBlobDriver("src"));
        await using var source = new BlobBucket(s);
        await using var destination = Memory("dst");
        await source.UploadAsync("good", BinaryData.FromString("g"), null, Ct);
        await source.UploadAsync("bad", BinaryData.FromString("b"), null, Ct);
        await destination.UploadAsync("extra", BinaryData.FromString("x"), null, Ct);
        s.FailReads.Add("bad");

        var result = await RunAsync(source, destination, new BlobTransferOptions { Mode = BlobTransferMode.Sync });

        var failure = Assert.Single(result.Failed);
        Assert.Equal("bad", failure.Item.SourceKey);
        Assert.Contains("simulated read failure", failure.Reason, StringComparison.Ordinal);
        Assert.Equal(0, result.Deleted);
        Assert.Contains("1 copies failed", result.DeletesSkippedReason, StringComparison.Ordinal);
        Assert.True(await destination.ExistsAsync("extra", Ct));
        Assert.True(await destination.ExistsAsync("good", Ct));
        Assert.False(await destination.ExistsAsync("bad", Ct));
    }

    [Fact]
    public async Task Migrate_DeletesOnlySourcesWhoseCopyVerified()
    {
        var s = new WrappedMemoryDriver(new MemoryBlobDriver("src"));
        await using var source = new BlobBucket(s);
        await using var destination = File("dst");
        await source.UploadAsync("ok", BinaryData.FromString("fine"), null, Ct);
        await source.UploadAsync("corrupt", BinaryData.FromString("will be corrupted"), null, Ct);
        await source.UploadAsync("already", BinaryData.FromString("same"), null, Ct);
        await destination.UploadAsync("already", BinaryData.FromString("same"), null, Ct);
        s.CorruptReads.Add("corrupt");

        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), new BlobTransferOptions { Mode = BlobTransferMode.Migrate }, Ct);
        var result = await BlobTransfer.ApplyAsync(plan, null, Ct);

        Assert.Equal(3, plan.Totals.DeleteSource.Objects);
        Assert.Equal(2, result.SourcesDeleted);
        Assert.Equal(["corrupt"], await KeysAsync(source));
        Assert.Equal(["already", "ok"], await KeysAsync(destination));
        Assert.Equal("corrupt", Assert.Single(result.Failed).Item.SourceKey);
    }

    [Fact]
    public async Task Copy_KeepsContentHeadersAndMetadata_ServerSideAndStreamed()
    {
        await using var source = Memory("src");
        await using var memory = Memory("dst");
        await using var file = File("dst");
        var options = new BlobUploadOptions
        {
            ContentType = "text/csv",
            CacheControl = "max-age=60",
            ContentDisposition = "attachment; filename=\"r.csv\"",
            ContentEncoding = "identity",
            ContentLanguage = "fr",
            Metadata = new Dictionary<string, string> { ["owner"] = "équipe", ["run_id"] = "42" },
        };
        await source.UploadAsync("r.csv", BinaryData.FromString("a,b"), options, Ct);

        var viaServer = await RunAsync(source, memory);
        var viaStream = await RunAsync(source, file);

        Assert.Equal(BlobTransferPath.ServerSide, Assert.Single(viaServer.BytesByPath).Key);
        Assert.Equal(BlobTransferPath.Streamed, Assert.Single(viaStream.BytesByPath).Key);
        foreach (var bucket in new[] { memory, file })
        {
            var p = await bucket.GetPropertiesAsync("r.csv", Ct);
            Assert.Equal(("text/csv", "max-age=60", "attachment; filename=\"r.csv\"", "identity", "fr"), (p.ContentType, p.CacheControl, p.ContentDisposition, p.ContentEncoding, p.ContentLanguage));
            Assert.Equal("équipe", p.Metadata["owner"]);
            Assert.Equal("42", p.Metadata["run_id"]);
        }
    }

    [Theory]
    [InlineData("with space.txt")]
    [InlineData("ünïcödé/日本語.txt")]
    [InlineData("plus+sign")]
    [InlineData("per%25cent%2F")]
    [InlineData("deep/a/b/c/d/e/f/g/h.bin")]
    public async Task Copy_OddKeys_RoundTrip(string key)
    {
        await using var source = Memory("src");
        await using var destination = File("dst");
        await source.UploadAsync("in/" + key, BinaryData.FromString(key), null, Ct);

        var result = await RunAsync(source, destination, null, "in/", "out/");

        Assert.True(result.Succeeded, string.Join("; ", result.Failed));
        Assert.Equal(key, (await destination.ReadAllAsync("out/" + key, default, Ct)).ToString());
        var again = await BlobTransfer.PlanAsync(new BlobEndpoint(source, "in/"), new BlobEndpoint(destination, "out/"), null, Ct);
        Assert.Equal(BlobTransferAction.SkipEqual, Assert.Single(again.Items).Action);
    }

    [Fact]
    public async Task Copy_ZeroByteObjects_ToFileAndToMultipartDestinations()
    {
        await using var source = Memory("src");
        await using var file = File("dst");
        await using var parts = new BlobBucket(new WrappedMemoryDriver(new MemoryBlobDriver("dst")));
        await source.UploadAsync("empty", BinaryData.FromBytes([]), null, Ct);

        var toFile = await RunAsync(source, file);
        var toParts = await RunAsync(source, parts, new BlobTransferOptions { PartSize = Part });

        Assert.Equal((1, 1), (toFile.Created, toFile.Verified));
        Assert.Equal((1, 1), (toParts.Created, toParts.Verified));
        Assert.Equal(0, (await file.GetPropertiesAsync("empty", Ct)).Size);
        Assert.Equal(0, (await parts.GetPropertiesAsync("empty", Ct)).Size);
    }

    [Fact]
    public async Task Copy_LargeObject_GoesInParts_VerifiedAndRecorded()
    {
        await using var source = Memory("src");
        var d = new WrappedMemoryDriver(new MemoryBlobDriver("dst"));
        await using var destination = new BlobBucket(d);
        var data = Bytes((4 * Part) + 123, 1);
        await source.UploadAsync("big.bin", data, new BlobUploadOptions { ContentType = "application/x-test" }, Ct);

        var result = await RunAsync(source, destination, new BlobTransferOptions { PartSize = Part, PartConcurrency = 3 });

        Assert.True(result.Succeeded, string.Join("; ", result.Failed));
        Assert.Equal(5, result.PartsSent);
        Assert.Equal(5, d.PartCalls);
        Assert.Equal(data, (await destination.ReadAllAsync("big.bin", default, Ct)).ToArray());
        var p = await destination.GetPropertiesAsync("big.bin", Ct);
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(data)), p.Metadata[BlobTransfer.Md5MetadataKey]);
        Assert.Equal("application/x-test", p.ContentType);
        Assert.Empty(await d.ListMultipartUploadsAsync("", Ct).ToListAsync(Ct));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(3 * Part)]
    public async Task Verification_WithoutASourceHash_UsesTheDestinationsHash(int size)
    {
        var s = new WrappedMemoryDriver(new MemoryBlobDriver("src")) { HideMd5 = true };
        await using var source = new BlobBucket(s);
        await using var destination = new BlobBucket(new WrappedMemoryDriver(new MemoryBlobDriver("dst")));
        var data = Bytes(size, 10);
        await source.UploadAsync("k", data, null, Ct);

        var result = await RunAsync(source, destination, new BlobTransferOptions { PartSize = Part });

        Assert.True(result.Succeeded, string.Join("; ", result.Failed.Select(f => f + " " + f.Exception)));
        Assert.Equal(1, result.Verified);
        Assert.Equal(data, (await destination.ReadAllAsync("k", default, Ct)).ToArray());
    }

    [Theory]
    [InlineData(100)]
    [InlineData(3 * Part)]
    public async Task Verification_ACorruptedRead_IsAFailedItem_NotACopy(int size)
    {
        var s = new WrappedMemoryDriver(new MemoryBlobDriver("src"));
        await using var source = new BlobBucket(s);
        var d = new WrappedMemoryDriver(new MemoryBlobDriver("dst"));
        await using var destination = new BlobBucket(d);
        await source.UploadAsync("k", Bytes(size, 2), null, Ct);
        s.CorruptReads.Add("k");

        var result = await RunAsync(source, destination, new BlobTransferOptions { PartSize = Part });

        var failure = Assert.Single(result.Failed);
        Assert.Contains("md5 differs", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("after one retry", failure.Reason, StringComparison.Ordinal);
        Assert.Equal((0, 0, 0L), (result.Created, result.Verified, result.BytesCopied));
        Assert.False(await destination.ExistsAsync("k", Ct));
        Assert.Empty(await d.ListMultipartUploadsAsync("", Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task Verification_AMismatchOnce_IsRetried()
    {
        var s = new WrappedMemoryDriver(new MemoryBlobDriver("src")) { CorruptReadsLeft = 1 };
        await using var source = new BlobBucket(s);
        await using var destination = File("dst");
        var data = Bytes(1000, 3);
        await source.UploadAsync("k", data, null, Ct);
        s.CorruptReads.Add("k");

        var result = await RunAsync(source, destination);

        Assert.True(result.Succeeded, string.Join("; ", result.Failed));
        Assert.Equal(data, (await destination.ReadAllAsync("k", default, Ct)).ToArray());
    }

    [Fact]
    public async Task SourceChangedSinceThePlan_FailsTheItem()
    {
        await using var source = Memory("src");
        await using var destination = File("dst");
        await source.UploadAsync("k", BinaryData.FromString("planned"), null, Ct);
        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), null, Ct);
        await source.UploadAsync("k", BinaryData.FromString("changed!"), null, Ct);

        var result = await BlobTransfer.ApplyAsync(plan, null, Ct);

        Assert.Contains("source changed since the plan", Assert.Single(result.Failed).Reason, StringComparison.Ordinal);
        Assert.False(await destination.ExistsAsync("k", Ct));
    }

    [Fact]
    public async Task Journal_ResumesAfterACrash_WithoutResendingParts()
    {
        string journalPath = Path.Combine(_root, "journal.db");
        Directory.CreateDirectory(_root);
        await using var source = Memory("src");
        var inner = new MemoryBlobDriver("dst");
        var crashing = new WrappedMemoryDriver(inner) { FailPartsAfter = 3 };
        var data = Bytes((6 * Part) + 7, 4);
        await source.UploadAsync("big", data, null, Ct);
        await source.UploadAsync("small", BinaryData.FromString("s"), null, Ct);
        var options = new BlobTransferOptions { PartSize = Part, PartConcurrency = 1 };
        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(new BlobBucket(crashing)), options, Ct);

        BlobTransferResult first;
        await using (var journal = await BlobTransferJournal.OpenAsync(journalPath, Ct))
        {
            first = await BlobTransfer.ApplyAsync(plan, new BlobTransferOptions { PartSize = Part, PartConcurrency = 1, Journal = journal }, Ct);
        }

        // A fresh run (a new runner, a new journal connection) on the same plan, with the destination healthy again.
        crashing.FailPartsAfter = null;
        int callsBefore = crashing.PartCalls;
        BlobTransferResult second;
        await using (var journal = await BlobTransferJournal.OpenAsync(journalPath, Ct))
        {
            second = await BlobTransfer.ApplyAsync(plan, new BlobTransferOptions { PartSize = Part, PartConcurrency = 1, Journal = journal }, Ct);
        }

        Assert.Equal("big", Assert.Single(first.Failed).Item.SourceKey);
        Assert.Equal(1, first.Created);
        Assert.Equal(3, first.PartsSent);
        Assert.True(second.Succeeded, string.Join("; ", second.Failed));
        Assert.Equal((1, 1), (second.Created, second.AlreadyDone));
        Assert.Equal(3, second.PartsResumed);
        Assert.Equal(4, second.PartsSent);
        Assert.Equal(4, crashing.PartCalls - callsBefore);
        Assert.Equal(7, first.PartsSent + second.PartsSent);
        Assert.Equal(data, (await new BlobBucket(inner).ReadAllAsync("big", default, Ct)).ToArray());
        Assert.Empty(await inner.ListMultipartUploadsAsync("", Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task Journal_AbortsUploadsThePlanNoLongerNeeds()
    {
        string journalPath = Path.Combine(_root, "journal.db");
        Directory.CreateDirectory(_root);
        await using var source = Memory("src");
        var inner = new MemoryBlobDriver("dst");
        await source.UploadAsync("big", Bytes(4 * Part, 5), null, Ct);
        var options = new BlobTransferOptions { PartSize = Part, PartConcurrency = 1 };
        await using var journal = await BlobTransferJournal.OpenAsync(journalPath, Ct);
        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(new BlobBucket(new WrappedMemoryDriver(inner) { FailPartsAfter = 2 })), options, Ct);
        var first = await BlobTransfer.ApplyAsync(plan, new BlobTransferOptions { PartSize = Part, Journal = journal }, Ct);
        Assert.Single(first.Failed);
        Assert.Single(await inner.ListMultipartUploadsAsync("", Ct).ToListAsync(Ct));

        await source.DeleteAsync("big", Ct);
        var empty = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(new BlobBucket(new WrappedMemoryDriver(inner))), options, Ct);
        var second = await BlobTransfer.ApplyAsync(empty, new BlobTransferOptions { Journal = journal }, Ct);

        Assert.True(second.Succeeded);
        Assert.Empty(await inner.ListMultipartUploadsAsync("", Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task Multipart_APartFailure_WithoutAJournal_AbortsTheUpload_AndReportsThePartError()
    {
        await using var source = Memory("src");
        var d = new WrappedMemoryDriver(new MemoryBlobDriver("dst")) { FailPartsAfter = 2 };
        await using var destination = new BlobBucket(d);
        await source.UploadAsync("big", Bytes(6 * Part, 9), null, Ct);

        var result = await RunAsync(source, destination, new BlobTransferOptions { PartSize = Part, PartConcurrency = 2 });

        Assert.Contains("simulated crash", Assert.Single(result.Failed).Reason, StringComparison.Ordinal);
        Assert.False(await destination.ExistsAsync("big", Ct));
        Assert.Empty(await d.ListMultipartUploadsAsync("", Ct).ToListAsync(Ct));
        Assert.Equal(0, result.BytesCopied);
    }

    [Fact]
    public async Task Cancellation_MidUpload_LeavesNoBlobAndNoOpenUpload()
    {
        await using var source = Memory("src");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var d = new WrappedMemoryDriver(new MemoryBlobDriver("dst")) { OnPart = n => { if (n == 2) { cts.Cancel(); } } };
        await using var destination = new BlobBucket(d);
        await source.UploadAsync("big", Bytes(5 * Part, 6), null, Ct);
        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), new BlobTransferOptions { PartSize = Part, PartConcurrency = 1 }, Ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => BlobTransfer.ApplyAsync(plan, null, cts.Token));

        Assert.False(await destination.ExistsAsync("big", Ct));
        Assert.Empty(await d.ListMultipartUploadsAsync("", Ct).ToListAsync(Ct));
    }

    [Fact]
    public async Task Progress_IsThrottledByTheClock_AndEndsWithAFinalReport()
    {
        var time = new FakeTimeProvider();
        await using var source = Memory("src");
        var d = new WrappedMemoryDriver(new MemoryBlobDriver("dst")) { OnPart = _ => time.Advance(TimeSpan.FromMilliseconds(40)) };
        await using var destination = new BlobBucket(d);
        await source.UploadAsync("big", Bytes(10 * Part, 7), null, Ct);
        var reports = new List<(BlobTransferProgress Report, DateTimeOffset At)>();
        var progress = new SyncProgress(p => reports.Add((p, time.GetUtcNow())));
        var options = new BlobTransferOptions { PartSize = Part, PartConcurrency = 1, Progress = progress, TimeProvider = time };
        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), options, Ct);

        await BlobTransfer.ApplyAsync(plan, options, Ct);

        Assert.True(reports.Count >= 2);
        Assert.True(reports.Count < 10);
        var final = reports[^1].Report;
        Assert.True(final.IsFinal);
        Assert.Equal((1, 1, 10L * Part, 10L * Part), (final.ObjectsDone, final.ObjectsTotal, final.BytesDone, final.BytesTotal));
        for (int i = 1; i < reports.Count - 1; i++)
        {
            Assert.True(reports[i].At - reports[i - 1].At >= TimeSpan.FromMilliseconds(100));
        }
    }

    [Fact]
    public async Task BandwidthLimit_TokenBucket_SchedulesDelaysOnTheClock()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(1000, time);

        await bucket.TakeAsync(1000, Ct);
        var waiting = bucket.TakeAsync(500, Ct);
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await waiting;
        Assert.Equal(TimeSpan.FromMilliseconds(500), bucket.ScheduledDelay);
    }

    [Fact]
    public async Task BandwidthLimit_PacesACopy_ByTheClock()
    {
        var time = new FakeTimeProvider();
        await using var source = Memory("src");
        await using var destination = File("dst");
        await source.UploadAsync("k", Bytes(10_000, 8), null, Ct);
        var options = new BlobTransferOptions { BandwidthLimit = 1000, TimeProvider = time };
        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), options, Ct);

        var apply = BlobTransfer.ApplyAsync(plan, options, Ct);
        while (!apply.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.Yield();
            await Task.WhenAny(apply, Task.Delay(5, Ct));
        }

        var result = await apply;
        Assert.True(result.Succeeded, string.Join("; ", result.Failed));
        // 10 000 bytes at 1000 B/s with a one-second burst: at least 9 s on the clock.
        Assert.True(result.Elapsed >= TimeSpan.FromSeconds(9), result.Elapsed.ToString());
    }

    [Fact]
    public async Task RequestsPerSecond_PacesRequests_ByTheClock()
    {
        var time = new FakeTimeProvider();
        await using var source = Memory("src");
        await using var destination = File("dst");
        for (int i = 0; i < 4; i++)
        {
            await source.UploadAsync("k" + i, BinaryData.FromString("v" + i), null, Ct);
        }

        var options = new BlobTransferOptions { RequestsPerSecond = 2, ObjectConcurrency = 1, TimeProvider = time };
        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), options, Ct);

        var apply = BlobTransfer.ApplyAsync(plan, options, Ct);
        while (!apply.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(250));
            await Task.WhenAny(apply, Task.Delay(5, Ct));
        }

        var result = await apply;
        Assert.True(result.Succeeded, string.Join("; ", result.Failed));
        // Three requests per streamed object (properties, read, write), twelve in all, at 2 per second after a burst of 2.
        Assert.True(result.Elapsed >= TimeSpan.FromSeconds(5), result.Elapsed.ToString());
    }

    private sealed class SyncProgress(Action<BlobTransferProgress> report) : IProgress<BlobTransferProgress>
    {
        public void Report(BlobTransferProgress value) => report(value);
    }
}
