using Polycloud;
using Polycloud.Blobs.Transfer;

// Usage: Polycloud.TransferHost <plan.json> <journal.db> <bytes-per-second>
// Applies the plan with the journal, one object at a time, and prints "objects N" after each finished object.
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: Polycloud.TransferHost <plan.json> <journal.db> <bytes-per-second>");
    return 2;
}

var opener = new PolycloudOpener();
var plan = BlobTransferPlan.FromJson(await File.ReadAllTextAsync(args[0]), opener);
await using var journal = await BlobTransferJournal.OpenAsync(args[1]);
int last = -1;
var result = await BlobTransfer.ApplyAsync(plan, new BlobTransferOptions
{
    ObjectConcurrency = 1,
    BandwidthLimit = long.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture),
    Journal = journal,
    ProgressInterval = TimeSpan.Zero,
    Progress = new ConsoleProgress(p =>
    {
        if (p.ObjectsDone != last)
        {
            last = p.ObjectsDone;
            Console.Out.WriteLine("objects " + p.ObjectsDone);
            Console.Out.Flush();
        }
    }),
});
Console.Out.WriteLine("finished " + result);
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
