#pragma warning disable CA5351 // MD5 is the content checksum blob services use, not a security primitive.
using System.Globalization;
using System.Security.Cryptography;
using Polycloud;
using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;
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
//
// Tools for eng/transfer-resume.sh (each prints one line):
//   Polycloud.TransferHost mkbucket <bucket-url>                      creates an S3 bucket or Azure container (emulators)
//   Polycloud.TransferHost rmbucket <bucket-url>                      deletes it with its objects
//   Polycloud.TransferHost plan <source-url> <destination-url> <plan.json> [--streamed]   writes a plan ("items N, parts ...")
//   Polycloud.TransferHost put <bucket-url> <key> <local-file>        uploads a local file (streamed)
//   Polycloud.TransferHost get <bucket-url> <key> <local-file>        downloads an object
//   Polycloud.TransferHost tree <bucket-url> <prefix> <count> <size>  writes count random objects of size bytes
//   Polycloud.TransferHost differ <source-url> <destination-url>      plans with checksums: "differ N" (0 = equal)
//   Polycloud.TransferHost uploads <bucket-url>                       "uploads N": multipart uploads in progress
//   Polycloud.TransferHost journal <journal.db>                        "done N, uploads U, parts P"
if (args.Length > 0 && Tools.Verbs.Contains(args[0]))
{
    return await Tools.RunAsync(args);
}

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
var opener = new PolycloudOpener().AddAws().AddAzure();
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

internal static class Tools
{
    public static readonly HashSet<string> Verbs = new(StringComparer.Ordinal) { "mkbucket", "rmbucket", "plan", "put", "get", "tree", "differ", "uploads", "journal" };

    public static async Task<int> RunAsync(string[] args)
    {
        var opener = new PolycloudOpener().AddAws().AddAzure();
        switch (args[0])
        {
            case "mkbucket":
            {
                await using var bucket = opener.OpenBucket(args[1]);
                if (bucket.TryAs<Amazon.S3.IAmazonS3>(out var s3))
                {
                    await s3.PutBucketAsync(bucket.Name);
                }
                else if (bucket.TryAs<Azure.Storage.Blobs.BlobContainerClient>(out var container))
                {
                    await container.CreateIfNotExistsAsync();
                }

                Console.WriteLine("bucket " + bucket.Name);
                return 0;
            }

            case "rmbucket":
            {
                await using var bucket = opener.OpenBucket(args[1]);
                if (bucket.TryAs<Azure.Storage.Blobs.BlobContainerClient>(out var container))
                {
                    await container.DeleteIfExistsAsync();
                }
                else if (bucket.TryAs<Amazon.S3.IAmazonS3>(out var s3))
                {
                    await foreach (var item in bucket.ListAsync())
                    {
                        await bucket.DeleteAsync(item.Key);
                    }

                    await s3.DeleteBucketAsync(bucket.Name);
                }

                Console.WriteLine("removed " + bucket.Name);
                return 0;
            }

            case "plan":
            {
                await using var source = opener.OpenBucket(args[1]);
                await using var destination = opener.OpenBucket(args[2]);
                var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source) { Url = args[1] }, new BlobEndpoint(destination) { Url = args[2] },
                    new BlobTransferOptions { ProviderCopies = !args.Contains("--streamed") });
                await File.WriteAllTextAsync(args[3], plan.ToJson());
                Console.WriteLine($"items {plan.Items.Count}, copies {plan.Totals.Copy.Objects}, bytes {plan.Totals.Copy.Bytes}, paths {string.Join(" ", plan.Items.Select(i => i.Path).Distinct())}");
                return 0;
            }

            case "put":
            {
                await using var bucket = opener.OpenBucket(args[1]);
                await using var file = File.OpenRead(args[3]);
                await bucket.UploadAsync(args[2], file, new BlobUploadOptions { ContentMD5 = await Md5Async(args[3]) });
                Console.WriteLine($"put {args[2]} {file.Length} bytes");
                return 0;
            }

            case "get":
            {
                await using var bucket = opener.OpenBucket(args[1]);
                await using var download = await bucket.OpenReadAsync(args[2], default);
                await using var file = File.Create(args[3]);
                await download.Content.CopyToAsync(file);
                Console.WriteLine($"get {args[2]} {file.Length} bytes");
                return 0;
            }

            case "tree":
            {
                await using var bucket = opener.OpenBucket(args[1]);
                int count = int.Parse(args[3], CultureInfo.InvariantCulture), size = int.Parse(args[4], CultureInfo.InvariantCulture);
                var random = new Random(20261207);
                await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
                {
                    var data = new byte[size];
                    lock (random)
                    {
                        random.NextBytes(data);
                    }

                    await bucket.UploadAsync($"{args[2]}{i / 100:D3}/obj-{i:D5}", data, null, ct);
                });
                Console.WriteLine($"tree {count} objects of {size} bytes");
                return 0;
            }

            case "differ":
            {
                await using var source = opener.OpenBucket(args[1]);
                await using var destination = opener.OpenBucket(args[2]);
                var plan = await BlobTransfer.PlanAsync(new BlobEndpoint(source), new BlobEndpoint(destination), new BlobTransferOptions { Comparison = BlobComparison.Checksum });
                var differ = plan.Items.Where(i => i.Action != BlobTransferAction.SkipEqual).ToList();
                Console.WriteLine($"differ {differ.Count} of {plan.Items.Count}" + string.Concat(differ.Take(5).Select(i => $"; {i.SourceKey}: {i.Action} ({i.Reason})")));
                return differ.Count == 0 ? 0 : 1;
            }

            case "uploads":
            {
                await using var bucket = opener.OpenBucket(args[1]);
                if (!bucket.TryAs<IBlobMultipartDriver>(out var multipart))
                {
                    Console.WriteLine("uploads unknown (no multipart uploads on this provider)");
                    return 1;
                }

                int n = 0;
                await foreach (var upload in multipart.ListMultipartUploadsAsync("", CancellationToken.None))
                {
                    n++;
                    Console.Error.WriteLine($"upload {upload.Key} {upload.UploadId}");
                }

                Console.WriteLine($"uploads {n}");
                return 0;
            }

            case "journal":
            {
                await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={args[1]};Mode=ReadOnly");
                await connection.OpenAsync();
                long Count(string table)
                {
                    using var c = connection.CreateCommand();
                    c.CommandText = "SELECT COUNT(*) FROM " + table;
                    return (long)c.ExecuteScalar()!;
                }

                Console.WriteLine($"done {Count("done")}, uploads {Count("uploads")}, parts {Count("parts")}");
                return 0;
            }

            default:
                return 2;
        }
    }

    private static async Task<byte[]> Md5Async(string path)
    {
        await using var file = File.OpenRead(path);
        return await MD5.HashDataAsync(file);
    }
}
