using System.Globalization;
using Polycloud;
using Polycloud.Blobs.Transfer;

// Usage: Polycloud.TransferHost <plan.json> <journal.db> <bytes-per-second> [options]
//   --objects N            objects in flight (default 1)
//   --part-size BYTES      multipart part size (default: the engine's)
//   --part-concurrency N   parts in flight per object (default: the engine's)
//   --hold-after-objects N / --hold-after-parts N
//                          after reporting the Nth finished object / sent part, stop and wait for a line on stdin (the
//                          parent kills the process instead of answering), so the state at the kill is known exactly
// Applies the plan with the journal and prints, on stdout, "objects N" after each finished object (recorded in the
// journal before the line is printed) and "parts N" after each multipart part sent and recorded; at the end
// "finished <result>" and "parts sent S, resumed R".
if (args.Length < 3 || args.Length % 2 == 0)
{
    Console.Error.WriteLine("usage: Polycloud.TransferHost <plan.json> <journal.db> <bytes-per-second> [--objects N] [--part-size BYTES] [--part-concurrency N] [--hold-after-objects N | --hold-after-parts N]");
    return 2;
}

var named = new Dictionary<string, int>(StringComparer.Ordinal);
for (int i = 3; i < args.Length; i += 2)
{
    named[args[i]] = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
}

int holdAfterObjects = named.GetValueOrDefault("--hold-after-objects", int.MaxValue);
int holdAfterParts = named.GetValueOrDefault("--hold-after-parts", int.MaxValue);
var opener = new PolycloudOpener();
var plan = BlobTransferPlan.FromJson(await File.ReadAllTextAsync(args[0]), opener);
await using var journal = await BlobTransferJournal.OpenAsync(args[1]);
var defaults = new BlobTransferOptions();
int lastObjects = 0, lastParts = 0;
var result = await BlobTransfer.ApplyAsync(plan, new BlobTransferOptions
{
    ObjectConcurrency = named.GetValueOrDefault("--objects", 1),
    PartSize = named.TryGetValue("--part-size", out int partSize) ? partSize : defaults.PartSize,
    PartConcurrency = named.GetValueOrDefault("--part-concurrency", defaults.PartConcurrency),
    BandwidthLimit = long.Parse(args[2], CultureInfo.InvariantCulture),
    Journal = journal,
    ProgressInterval = TimeSpan.Zero,
    Progress = new ConsoleProgress(p =>
    {
        bool hold = false;
        if (p.ObjectsDone != lastObjects)
        {
            lastObjects = p.ObjectsDone;
            Console.Out.WriteLine("objects " + p.ObjectsDone);
            hold |= p.ObjectsDone >= holdAfterObjects;
        }

        if (p.PartsSent != lastParts)
        {
            lastParts = p.PartsSent;
            Console.Out.WriteLine("parts " + p.PartsSent);
            hold |= p.PartsSent >= holdAfterParts;
        }

        Console.Out.Flush();
        if (hold && !p.IsFinal)
        {
            // The report runs inside the engine, after the journal recorded the object or part: blocking here stops
            // this object (and, with one object in flight, the whole run) until the parent kills the process.
            Console.Out.WriteLine("holding");
            Console.Out.Flush();
            Console.In.ReadLine();
            Environment.Exit(3);
        }
    }),
});
Console.Out.WriteLine("finished " + result);
Console.Out.WriteLine($"parts sent {result.PartsSent}, resumed {result.PartsResumed}");
return result.Succeeded ? 0 : 1;

internal sealed class ConsoleProgress(Action<BlobTransferProgress> report) : IProgress<BlobTransferProgress>
{
    private readonly object _gate = new();

    public void Report(BlobTransferProgress value)
    {
        lock (_gate)
        {
            report(value);
        }
    }
}
