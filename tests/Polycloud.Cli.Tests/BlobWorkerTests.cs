using System.Diagnostics;
using System.Text.Json;
using Polycloud.Blobs;

namespace Polycloud.Cli.Tests;

/// <summary><c>polycloud blob worker</c>: three worker processes share the shards of one plan through a SQLite queue.</summary>
public sealed class BlobWorkerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pc-blob-worker-" + Guid.NewGuid().ToString("N"));

    public BlobWorkerTests() => Directory.CreateDirectory(_dir);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Three_worker_processes_apply_every_shard_once_through_a_sqlite_queue()
    {
        string srcUrl = $"file://{_dir}/src?create=true", dstUrl = $"file://{_dir}/dst?create=true", queueUrl = $"sqlite://{_dir}/queue.db?queue=transfers";
        var opener = new PolycloudOpener();
        var contents = Enumerable.Range(0, 24).ToDictionary(i => $"in/{i:00}.bin", i => Enumerable.Range(0, 1000 + (i * 37)).Select(b => (byte)(b * i)).ToArray());
        await using (var src = opener.OpenBucket(srcUrl))
        {
            foreach (var (key, content) in contents)
            {
                await src.UploadAsync(key, content, null, Ct);
            }
        }

        // The plan is made and split by 'polycloud blob cp --queue'; the workers apply its shards.
        var producerOutput = new StringWriter();
        var producerError = new StringWriter();
        int produced = await CliApplication.RunAsync(["blob", "cp", srcUrl + "&prefix=in/", dstUrl + "&prefix=out/", "--queue", queueUrl, "--shards", "6", "--json"], producerOutput, producerError, _dir, Ct);
        Assert.True(produced == 0, producerError.ToString());
        List<string> shardIds;
        using (var queued = JsonDocument.Parse(producerOutput.ToString()))
        {
            Assert.Equal(6, queued.RootElement.GetProperty("queued").GetInt32());
            shardIds = queued.RootElement.GetProperty("shards").EnumerateArray().Select(s => s.GetProperty("planId").GetString()!).ToList();
            Assert.Equal(contents.Count, queued.RootElement.GetProperty("shards").EnumerateArray().Sum(s => s.GetProperty("copy").GetProperty("objects").GetInt32()));
        }

        await using (var dst = opener.OpenBucket(dstUrl))
        {
            Assert.False(await dst.ExistsAsync("out/00.bin", Ct)); // nothing is applied by the producer
        }

        Assert.Equal(6, shardIds.Count);
        string cli = Path.Combine(AppContext.BaseDirectory, "Polycloud.Cli.dll");
        var workers = Enumerable.Range(0, 3).Select(_ => StartWorker(cli, queueUrl)).ToArray();
        var outputs = await Task.WhenAll(workers.Select(async w =>
        {
            var stdout = w.StandardOutput.ReadToEndAsync(Ct);
            var stderr = w.StandardError.ReadToEndAsync(Ct);
            await w.WaitForExitAsync(Ct);
            return (w.ExitCode, Output: await stdout, Error: await stderr);
        }));

        var applied = new List<string>();
        foreach (var (exit, output, error) in outputs)
        {
            Assert.True(exit == 0, $"worker exited {exit}: {error}");
            using var doc = JsonDocument.Parse(output);
            Assert.True(doc.RootElement.GetProperty("succeeded").GetBoolean());
            applied.AddRange(doc.RootElement.GetProperty("shards").EnumerateArray().Select(s => s.GetProperty("planId").GetString()!));
        }

        Assert.Equal(shardIds.Order(StringComparer.Ordinal), applied.Order(StringComparer.Ordinal));
        await using var copy = opener.OpenBucket(dstUrl);
        foreach (var (key, content) in contents)
        {
            byte[] read = (await copy.ReadAllAsync("out/" + key["in/".Length..], default, Ct)).ToArray();
            Assert.Equal(content, read);
        }

        foreach (var w in workers)
        {
            w.Dispose();
        }
    }

    [Fact]
    public async Task Worker_usage_errors_exit_2()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = await CliApplication.RunAsync(["blob", "worker", "--queue", "no-such-queue", "--exit-when-empty"], output, error, _dir, Ct);

        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output.ToString());
        Assert.Contains("--queue", error.ToString(), StringComparison.Ordinal);
    }

    private Process StartWorker(string cli, string queueUrl)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _dir,
        };
        foreach (string a in new[] { cli, "blob", "worker", "--queue", queueUrl, "--exit-when-empty", "--wait", "1", "--json" })
        {
            start.ArgumentList.Add(a);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("the worker did not start");
    }
}
