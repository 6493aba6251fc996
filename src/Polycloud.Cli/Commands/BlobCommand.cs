using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polycloud.Blobs;
using Polycloud.Blobs.Transfer;
using Polycloud.Cli.Conventions;

namespace Polycloud.Cli.Commands;

/// <summary><c>polycloud blob ls|cp|sync|migrate</c>: list buckets and move data between any two of them.</summary>
internal static partial class BlobCommand
{
    public static Command Create(TextWriter output, bool interactive, string currentDirectory)
    {
        var command = new Command("blob", "List buckets, and copy, sync or migrate objects between any two buckets (memory, file, S3, Azure Blob, Cloud Storage), verified end to end.")
        {
            CreateList(output, interactive, currentDirectory),
            CreateTransfer("cp", BlobTransferMode.Copy, "Copy the objects under SRC to DST: objects missing or different at DST are copied; nothing is deleted.", output, interactive, currentDirectory),
            CreateTransfer("sync", BlobTransferMode.Sync, "Make DST like SRC: copy what is missing or different; with --delete, also delete DST objects that SRC does not have.", output, interactive, currentDirectory),
            CreateTransfer("migrate", BlobTransferMode.Migrate, "Move the objects under SRC to DST: copy, verify, then delete each source object (requires --delete-source).", output, interactive, currentDirectory),
            BlobWorkerCommand.Create(output, interactive, currentDirectory),
        };
        return command;
    }

    private static Command CreateList(TextWriter output, bool interactive, string currentDirectory)
    {
        var location = new Argument<string>("location") { Description = "A bucket URL whose path is the key prefix (s3://bucket/photos/?region=eu-west-1, file:///data?prefix=photos/) or a configured name (docs, docs:photos/)." };
        var recursive = new Option<bool>("--recursive", "-R") { Description = "List every object under the prefix; default: one level, with sub-prefixes shown as folders (ending in '/')." };
        var config = CliConfiguration.ConfigOption();
        var json = CliOutput.JsonOption();
        var format = CliOutput.FormatOption();
        var command = new Command("ls", "List the objects (key, size, last modified, hash) and folders under a bucket and prefix.") { location, recursive, config, json, format };
        command.SetAction((parseResult, cancellationToken) => RunAsync("ls", parseResult, config, currentDirectory, async services =>
        {
            var cli = CliOutput.From(parseResult, json, format, output, interactive);
            await using var at = BlobLocations.Resolve(parseResult.GetValue(location)!, "LOCATION", services);
            bool deep = parseResult.GetValue(recursive);
            List<BlobItem> items;
            try
            {
                items = await cli.WithProgressAsync($"Listing {at.Display}", async report =>
                {
                    var list = new List<BlobItem>();
                    await foreach (var item in at.Bucket.ListAsync(new BlobListOptions { Prefix = at.Prefix.Length == 0 ? null : at.Prefix, Delimiter = deep ? null : "/" }, cancellationToken).ConfigureAwait(false))
                    {
                        list.Add(item);
                        if (list.Count % 1000 == 0)
                        {
                            report($"Listed {list.Count} entries of {at.Display}");
                        }
                    }

                    return list;
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (CloudException e)
            {
                await cli.Error.WriteLineAsync($"polycloud blob ls: cannot list {at.Display}: {CliOutput.OneLine(e.Message)}").ConfigureAwait(false);
                return ExitCodes.ResourceFailed;
            }

            BlobFormat.WriteListing(cli, at, deep, items);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CreateTransfer(string verb, BlobTransferMode mode, string description, TextWriter output, bool interactive, string currentDirectory)
    {
        var source = new Argument<string>("SRC") { Description = "The source: a bucket URL whose path is the key prefix (s3://bucket/photos/?region=eu-west-1) or a configured name (docs, docs:photos/)." };
        var destination = new Argument<string>("DST") { Description = "The destination, in the same forms; SRC/x is copied to DST/x." };
        var dryRun = new Option<bool>("--dry-run", "-n") { Description = "Plan only: print what would be copied, skipped and deleted, with the estimated cost; write nothing." };
        var delete = new Option<bool>("--delete") { Description = "Also delete destination objects that the source does not have (sync only)." };
        var deleteSource = new Option<bool>("--delete-source") { Description = "Confirms that migrate deletes each source object once its copy is verified (required by migrate)." };
        var checksum = new Option<bool>("--checksum", "-c") { Description = "Compare by content hash only (reading objects when a listing carries none)." };
        var sizeOnly = new Option<bool>("--size-only") { Description = "Compare by size only." };
        var transfers = new Option<int>("--transfers") { Description = "Objects copied at once, 1 to 256.", DefaultValueFactory = _ => 4 };
        var bwlimit = new Option<string?>("--bwlimit") { Description = "The most bytes per second read from the source: a number with a suffix B, K, M, G or T (binary units; a bare number is KiB/s), for example 50M; 'off' for no limit." };
        var journal = new Option<FileInfo?>("--journal") { Description = "A SQLite file recording progress: a rerun with the same file skips finished objects and resumes multipart uploads." };
        var queue = new Option<string?>("--queue") { Description = "Plan, then send the plan to this queue in shards (one message each) for 'polycloud blob worker' processes, instead of applying it here: a queue URL or a configured queue name." };
        var shards = new Option<int>("--shards") { Description = "With --queue: the number of shards, 1 to 10000, of about equal bytes.", DefaultValueFactory = _ => 8 };
        var maxDeletes = new Option<int?>("--max-deletes") { Description = "Refuse the run, before anything is deleted, when it would delete more objects than this." };
        var config = new Option<FileInfo?>("--config") { Description = "A JSON configuration file with a 'Polycloud' section (read after appsettings.json and environment variables)." };
        var json = CliOutput.JsonOption();
        var format = CliOutput.FormatOption();
        var command = new Command(verb, description) { source, destination, dryRun, checksum, sizeOnly, transfers, bwlimit, journal, maxDeletes, queue, shards, config, json, format };
        if (mode == BlobTransferMode.Sync)
        {
            command.Add(delete);
        }

        if (mode == BlobTransferMode.Migrate)
        {
            command.Add(deleteSource);
        }

        command.SetAction((parseResult, cancellationToken) => RunAsync(verb, parseResult, config, currentDirectory, async services =>
        {
            var cli = CliOutput.From(parseResult, json, format, output, interactive);
            var settings = new TransferSettings(
                verb,
                mode,
                parseResult.GetValue(dryRun),
                mode == BlobTransferMode.Sync && parseResult.GetValue(delete),
                Comparison(parseResult.GetValue(checksum), parseResult.GetValue(sizeOnly)),
                parseResult.GetValue(transfers),
                ParseBandwidth(parseResult.GetValue(bwlimit)),
                parseResult.GetValue(journal),
                parseResult.GetValue(maxDeletes))
            {
                Queue = parseResult.GetValue(queue),
                Shards = parseResult.GetValue(shards),
            };
            settings.Validate();
            if (mode == BlobTransferMode.Migrate && !parseResult.GetValue(deleteSource) && !settings.DryRun)
            {
                throw new CliUsageException("--delete-source is required: migrate deletes each source object once its copy is verified. Add --delete-source to confirm, use --dry-run to see the plan, or use 'polycloud blob cp' to keep the source.");
            }

            if (settings.Queue is not null && !settings.DryRun)
            {
                ThrowIfSecretInUrl(parseResult.GetValue(source)!, "SRC");
                ThrowIfSecretInUrl(parseResult.GetValue(destination)!, "DST");
            }

            await using var from = BlobLocations.Resolve(parseResult.GetValue(source)!, "SRC", services);
            await using var to = BlobLocations.Resolve(parseResult.GetValue(destination)!, "DST", services);
            if (settings.Queue is { } queueArgument && !settings.DryRun)
            {
                var (shardQueue, owned) = BlobWorkerCommand.OpenQueue(queueArgument, services);
                try
                {
                    return await BlobTransferRun.RunAsync(cli, settings, from, to, cancellationToken, shardQueue).ConfigureAwait(false);
                }
                finally
                {
                    if (owned)
                    {
                        await shardQueue.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }

            return await BlobTransferRun.RunAsync(cli, settings, from, to, cancellationToken).ConfigureAwait(false);
        }));
        return command;
    }

    private static BlobComparison Comparison(bool checksum, bool sizeOnly) => (checksum, sizeOnly) switch
    {
        (true, true) => throw new CliUsageException("--checksum and --size-only exclude each other: give one."),
        (true, false) => BlobComparison.Checksum,
        (false, true) => BlobComparison.SizeOnly,
        _ => BlobComparison.Auto,
    };

    /// <summary>Parses <c>--bwlimit</c>: <c>50M</c>, <c>512K</c>, <c>1.5G</c>, <c>100B</c>, a bare number of KiB/s, or <c>off</c>.</summary>
    internal static long? ParseBandwidth(string? value)
    {
        if (value is null || string.Equals(value, "off", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var match = BandwidthPattern().Match(value.Trim());
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
        {
            throw new CliUsageException($"--bwlimit '{value}' is not a rate: give a number of bytes per second with a suffix B, K, M, G or T (binary units; a bare number is KiB/s), for example 50M or 512K, or 'off'.");
        }

        int shift = char.ToUpperInvariant(match.Groups[2].Success && match.Groups[2].Length > 0 ? match.Groups[2].Value[0] : 'K') switch
        {
            'B' => 0,
            'K' => 10,
            'M' => 20,
            'G' => 30,
            _ => 40,
        };
        double bytes = number * Math.Pow(2, shift);
        if (bytes < 1 || bytes > long.MaxValue / 2)
        {
            throw new CliUsageException($"--bwlimit '{value}' must be at least 1 byte per second (and finite); use 'off' for no limit.");
        }

        return (long)bytes;
    }

    /// <summary>With <c>--queue</c>, shard messages carry the bucket arguments as given, so a URL holding a secret setting
    /// would put that secret in the queue: refuse it and point to configured names.</summary>
    private static void ThrowIfSecretInUrl(string argument, string role)
    {
        if (!argument.Contains("://", StringComparison.Ordinal))
        {
            return;
        }

        var (url, _) = BlobLocations.SplitUrl(argument, role);
        var secret = CloudUrl.Parse(url).Settings.Keys.FirstOrDefault(CloudUrl.IsSecretSetting);
        if (secret is not null)
        {
            throw new CliUsageException($"{role} has the secret setting '{secret}' in its URL; with --queue the URL is written into every shard message, so give the bucket as a configured name (its secrets in configuration or the environment) instead.");
        }
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*([bkmgtBKMGT]?)(?:i?[bB])?$", RegexOptions.CultureInvariant)]
    private static partial Regex BandwidthPattern();

    /// <summary>Builds the configuration and services, runs <paramref name="body"/>, and turns usage errors into exit code 2.</summary>
    private static async Task<int> RunAsync(string verb, ParseResult parseResult, Option<FileInfo?> config, string currentDirectory, Func<IServiceProvider, Task<int>> body)
    {
        var error = parseResult.InvocationConfiguration.Error;
        try
        {
            var configuration = CliConfiguration.Build(parseResult.GetValue(config), currentDirectory);
            await using var services = CliConfiguration.BuildServices(configuration);
            return await body(services).ConfigureAwait(false);
        }
        catch (CliUsageException e)
        {
            await error.WriteLineAsync($"polycloud blob {verb}: {e.Message}").ConfigureAwait(false);
            await error.WriteLineAsync("Run 'polycloud blob " + verb + " --help' for usage.").ConfigureAwait(false);
            return ExitCodes.UsageOrConfiguration;
        }
    }
}

/// <summary>The validated options of one <c>cp</c>, <c>sync</c> or <c>migrate</c> run.</summary>
internal sealed record TransferSettings(string Verb, BlobTransferMode Mode, bool DryRun, bool DeleteExtras, BlobComparison Comparison, int Transfers, long? BandwidthLimit, FileInfo? Journal, int? MaxDeletes)
{
    /// <summary>The queue the plan's shards are sent to (<c>--queue</c>), or <see langword="null"/> to apply here.</summary>
    public string? Queue { get; init; }

    /// <summary>The number of shards (<c>--shards</c>).</summary>
    public int Shards { get; init; } = 8;

    /// <summary>Checks the values that are not checked by parsing; throws <see cref="CliUsageException"/>.</summary>
    public void Validate()
    {
        if (Transfers is < 1 or > 256)
        {
            throw new CliUsageException($"--transfers must be 1 to 256 (was {Transfers}).");
        }

        if (Shards is < 1 or > 10000)
        {
            throw new CliUsageException($"--shards must be 1 to 10000 (was {Shards}).");
        }

        if (Queue is not null && Journal is not null)
        {
            throw new CliUsageException("--journal applies to a run in this process; with --queue, each worker applies its shards (give the workers their own options).");
        }

        if (MaxDeletes is < 0)
        {
            throw new CliUsageException($"--max-deletes must be 0 or more (was {MaxDeletes}).");
        }

        if (Journal is { } file && !(file.Directory?.Exists ?? false))
        {
            throw new CliUsageException($"--journal '{file.FullName}': the folder '{file.DirectoryName}' does not exist.");
        }
    }
}
