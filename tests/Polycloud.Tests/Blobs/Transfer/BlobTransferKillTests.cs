using System.Diagnostics;
using Polycloud.Blobs;
using Polycloud.Blobs.Transfer;
using Xunit;

namespace Polycloud.Tests.Blobs.Transfer;

/// <summary>A transfer killed in the middle (Process.Kill on a child process) resumes from its journal: finished objects
/// are not copied again, and no destination object is partial.</summary>
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

    [Fact]
    public async Task KilledMidway_ResumesFromTheJournal_WithoutCopyingFinishedObjectsAgain()
    {
        const int Objects = 40, Size = 2000;
        string sourceUrl = new Uri(Path.Combine(_root, "source")) + "?create=true";
        string destinationUrl = new Uri(Path.Combine(_root, "destination")) + "?create=true";
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

        // 4000 bytes/s: two objects per second after a burst of two, so the child is killed well before the end.
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { HostPath(), planPath, journalPath, "4000" })
        {
            start.ArgumentList.Add(a);
        }

        using var child = Process.Start(start)!;
        int seen = 0;
        var clock = Stopwatch.StartNew();
        var timeline = new List<string>();
        while (seen < 4 && await child.StandardOutput.ReadLineAsync(Ct) is { } line)
        {
            timeline.Add($"{clock.ElapsedMilliseconds} ms: {line}");
            if (line.StartsWith("objects ", StringComparison.Ordinal))
            {
                seen = int.Parse(line["objects ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        if (seen < 4)
        {
            Assert.Fail("the child ended before copying 4 objects: " + await child.StandardError.ReadToEndAsync(Ct));
        }

        child.Kill(entireProcessTree: true);
        timeline.Add($"{clock.ElapsedMilliseconds} ms: killed {child.Id}");
        string rest = await child.StandardOutput.ReadToEndAsync(Ct);
        await child.WaitForExitAsync(Ct);
        timeline.Add($"{clock.ElapsedMilliseconds} ms: exited ({child.ExitCode}) after printing {rest.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length} more lines");

        await using var journal = await BlobTransferJournal.OpenAsync(journalPath, Ct);
        var resumed = await BlobTransfer.ApplyAsync(BlobTransferPlan.FromJson(await File.ReadAllTextAsync(planPath, Ct), opener), new BlobTransferOptions { Journal = journal }, Ct);

        Assert.True(resumed.Succeeded, string.Join("; ", resumed.Failed));
        Assert.True(resumed.AlreadyDone >= 4 && resumed.AlreadyDone < Objects, $"already done: {resumed.AlreadyDone}; the child's output: {string.Join(" | ", timeline)}");
        Assert.Equal(Objects, resumed.AlreadyDone + resumed.Created);
        for (int i = 0; i < Objects; i++)
        {
            string key = $"obj-{i:D3}";
            Assert.Equal((await source.ReadAllAsync(key, default, Ct)).ToArray(), (await destination.ReadAllAsync(key, default, Ct)).ToArray());
        }
    }
}
