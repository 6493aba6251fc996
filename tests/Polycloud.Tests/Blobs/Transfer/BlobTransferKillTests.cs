using System.Diagnostics;
using System.Globalization;
using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;
using Polycloud.Blobs.Transfer;
using Xunit;

namespace Polycloud.Tests.Blobs.Transfer;

/// <summary>A transfer killed in the middle (Process.Kill on a child process, whole tree) resumes from its journal:
/// finished objects are not copied again, finished parts of a multipart upload are not sent again, and no destination
/// object is partial. The kill follows an event — the child prints a line per finished object or part, after the
/// journal recorded it, then holds (waits on stdin) — never elapsed time, so the state at the kill is the same on a slow
/// and on a fast machine.</summary>
public sealed class BlobTransferKillTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "polycloud-xfer-kill-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static string HostPath()
    {
        // tests/Polycloud.Tests/bin/<Configuration>/<tfm>/ → tests/Polycloud.TransferHost/bin/<Configuration>/<tfm>/
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string tfm = here.Name, configuration = here.Parent!.Name;
        var tests = here.Parent!.Parent!.Parent!.Parent!;
        return Path.Combine(tests.FullName, "Polycloud.TransferHost", "bin", configuration, tfm, "Polycloud.TransferHost.dll");
    }

    private string FileUrl(string name) => new Uri(Path.Combine(_root, name)) + "?create=true";

    /// <summary>What the child printed up to the kill.</summary>
    private sealed record Killed(int Objects, int Parts, IReadOnlyList<string> Lines);

    /// <summary>Starts the transfer host on the plan, waits until it prints "holding" (it has just reported the finished
    /// object or part the hold option names, and stops there), then kills the process tree.</summary>
    private static async Task<Killed> RunAndKillAsync(string planPath, string journalPath, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { HostPath(), planPath, journalPath }.Concat(arguments))
        {
            start.ArgumentList.Add(a);
        }

        using var child = Process.Start(start)!;
        var stderr = child.StandardError.ReadToEndAsync(Ct);
        int objects = 0, parts = 0;
        var lines = new List<string>();
        bool holding = false;
        try
        {
            while (await child.StandardOutput.ReadLineAsync(Ct) is { } line)
            {
                lines.Add(line);
                if (line == "holding")
                {
                    holding = true;
                    break;
                }

                if (line.StartsWith("objects ", StringComparison.Ordinal))
                {
                    objects = int.Parse(line["objects ".Length..], CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("parts ", StringComparison.Ordinal))
                {
                    parts = int.Parse(line["parts ".Length..], CultureInfo.InvariantCulture);
                }
            }
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
            }

            await child.WaitForExitAsync(Ct);
        }

        if (!holding)
        {
            Assert.Fail($"the child ended (exit code {child.ExitCode}) before the event it should hold at; output: {string.Join(" | ", lines)}; errors: {await stderr}");
        }

        return new Killed(objects, parts, lines);
    }

    [Fact]
    public async Task KilledMidway_ResumesFromTheJournal_WithoutCopyingFinishedObjectsAgain()
    {
        const int Objects = 40, Size = 2000, KillAfter = 4;
        string sourceUrl = FileUrl("source"), destinationUrl = FileUrl("destination");
        var opener = new PolycloudOpener();
        await using var source = opener.OpenBucket(sourceUrl);
        await using var destination = opener.OpenBucket(destinationUrl);
        var random = new Random(11);
        for (int i = 0; i < Objects; i++)
        {
            var data = new byte[Size];
            random.NextBytes(data);
            await source.UploadAsync($"obj-{i:D3}", data, null, Ct);
        }

        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source) { Url = sourceUrl }, new BlobEndpoint(destination) { Url = destinationUrl }, null, Ct);
        string planPath = Path.Combine(_root, "plan.json"), journalPath = Path.Combine(_root, "journal.db");
        await File.WriteAllTextAsync(planPath, plan.ToJson(), Ct);

        // One object in flight, a bandwidth limit, and a hold after the 4th finished object: the 5th never starts.
        var killed = await RunAndKillAsync(planPath, journalPath, "4000", "--objects", "1", "--hold-after-objects", KillAfter.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(KillAfter, killed.Objects);

        await using var journal = await BlobTransferJournal.OpenAsync(journalPath, Ct);
        var recorded = await journal.DoneAsync(Ct);
        Assert.Equal(KillAfter, recorded.Count);
        var resumed = await BlobTransfer.ApplyAsync(BlobTransferPlan.FromJson(await File.ReadAllTextAsync(planPath, Ct), opener), new BlobTransferOptions { Journal = journal }, Ct);

        Assert.True(resumed.Succeeded, string.Join("; ", resumed.Failed));
        Assert.Equal(recorded.Count, resumed.AlreadyDone);
        Assert.Equal(Objects - recorded.Count, resumed.Created);
        for (int i = 0; i < Objects; i++)
        {
            string key = $"obj-{i:D3}";
            Assert.Equal((await source.ReadAllAsync(key, default, Ct)).ToArray(), (await destination.ReadAllAsync(key, default, Ct)).ToArray());
        }
    }

    [Fact]
    public async Task KilledMidUpload_ResumesTheMultipartUpload_WithoutSendingFinishedPartsAgain()
    {
        const int PartSize = 256 * 1024, Size = (16 * PartSize) + 100_000, PartCount = 17, KillAfter = 2;
        string sourceUrl = FileUrl("source"), destinationUrl = FileUrl("destination");
        var opener = new PolycloudOpener();
        await using var source = opener.OpenBucket(sourceUrl);
        await using var destination = opener.OpenBucket(destinationUrl);
        var content = new byte[Size];
        new Random(23).NextBytes(content);
        await source.UploadAsync("big.bin", content, null, Ct);

        // File → file would be a provider copy; ProviderCopies = false streams it, in parts, through the child.
        var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source) { Url = sourceUrl }, new BlobEndpoint(destination) { Url = destinationUrl },
            new BlobTransferOptions { ProviderCopies = false }, Ct);
        Assert.Equal(BlobTransferPath.Streamed, Assert.Single(plan.Items).Path);
        string planPath = Path.Combine(_root, "plan.json"), journalPath = Path.Combine(_root, "journal.db");
        await File.WriteAllTextAsync(planPath, plan.ToJson(), Ct);

        // 512 KiB/s, two parts in flight, and a hold after the 2nd part sent and recorded: the upload cannot finish.
        var killed = await RunAndKillAsync(planPath, journalPath, (512 * 1024).ToString(CultureInfo.InvariantCulture),
            "--part-size", PartSize.ToString(CultureInfo.InvariantCulture), "--part-concurrency", "2", "--hold-after-parts", KillAfter.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(KillAfter, killed.Parts);
        Assert.Equal(0, killed.Objects);

        // Killed mid-upload: nothing visible at the destination, one upload in progress, its parts in the journal.
        Assert.False(await destination.ExistsAsync("big.bin", Ct));
        Assert.True(destination.TryAs<IBlobMultipartDriver>(out var multipart));
        var pending = Assert.Single(await multipart.ListMultipartUploadsAsync("", Ct).ToListAsync(Ct));
        Assert.Equal("big.bin", pending.Key);
        await using var journal = await BlobTransferJournal.OpenAsync(journalPath, Ct);
        var upload = Assert.Single(await journal.UploadsAsync(Ct));
        Assert.Equal(pending.UploadId, upload.UploadId);
        int journaled = upload.Parts.Count;
        Assert.InRange(journaled, KillAfter, PartCount - 1);
        Assert.True((await multipart.ListUploadedPartsAsync(pending, Ct)).Count >= journaled);
        Assert.Empty(await journal.DoneAsync(Ct));

        var resumed = await BlobTransfer.ApplyAsync(BlobTransferPlan.FromJson(await File.ReadAllTextAsync(planPath, Ct), opener),
            new BlobTransferOptions { Journal = journal, PartSize = PartSize, PartConcurrency = 2 }, Ct);

        Assert.True(resumed.Succeeded, string.Join("; ", resumed.Failed));
        Assert.Equal((0, 1), (resumed.AlreadyDone, resumed.Created));
        Assert.Equal(journaled, resumed.PartsResumed);
        Assert.Equal(PartCount, resumed.PartsSent + resumed.PartsResumed);
        Assert.Equal(content, (await destination.ReadAllAsync("big.bin", default, Ct)).ToArray());

        // No orphan: no upload at the provider, none in the journal, and the staging folder is gone.
        Assert.Empty(await multipart.ListMultipartUploadsAsync("", Ct).ToListAsync(Ct));
        Assert.Empty(await journal.UploadsAsync(Ct));
        Assert.False(Directory.Exists(Path.Combine(_root, "destination", ".polycloud-uploads", pending.UploadId)));
        string staging = Path.Combine(_root, "destination", ".polycloud-uploads");
        Assert.True(!Directory.Exists(staging) || !Directory.EnumerateFileSystemEntries(staging).Any(), "staging folder left: " + staging);
    }
}
