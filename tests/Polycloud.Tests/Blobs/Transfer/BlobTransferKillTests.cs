using System.Diagnostics;
using System.Globalization;
using Polycloud.Blobs;
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
}
