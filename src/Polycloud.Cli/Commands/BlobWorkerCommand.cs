using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Polycloud.Blobs;
using Polycloud.Blobs.Transfer;
using Polycloud.Cli.Conventions;
using Polycloud.Queues;

namespace Polycloud.Cli.Commands;

/// <summary>
/// <c>polycloud blob worker --queue URL</c>: takes transfer plan shards (<see cref="BlobTransferPlan.ToJson"/>, one per
/// message) from a queue and applies each; several workers share a queue.
/// </summary>
internal static class BlobWorkerCommand
{
    public static Command Create(TextWriter output, bool interactive, string currentDirectory)
    {
        var queueOption = new Option<string>("--queue") { Description = "The queue holding plan shards: a URL (sqlite:///var/data/q.db?queue=transfers, sqs://…) or a configured queue name.", Required = true };
        var transfers = new Option<int>("--transfers") { Description = "Objects copied at once per shard, 1 to 256.", DefaultValueFactory = _ => 4 };
        var bwlimit = new Option<string?>("--bwlimit") { Description = "The most bytes per second this worker reads (as for sync)." };
        var exitWhenEmpty = new Option<bool>("--exit-when-empty") { Description = "Stop when a receive finds the queue empty; default: wait for shards until interrupted." };
        var wait = new Option<int>("--wait") { Description = "Seconds one receive waits for a message, 1 to 20.", DefaultValueFactory = _ => 2 };
        var config = new Option<FileInfo?>("--config") { Description = "A JSON configuration file with a 'Polycloud' section." };
        var json = CliOutput.JsonOption();
        var format = CliOutput.FormatOption();
        var command = new Command("worker", "Apply transfer plan shards taken from a queue (one shard per message); run several workers on one queue to spread a large transfer.")
        {
            queueOption, transfers, bwlimit, exitWhenEmpty, wait, config, json, format,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var cli = CliOutput.From(parseResult, json, format, output, interactive);
            var opened = new List<BlobLocation>();
            try
            {
                int n = parseResult.GetValue(transfers);
                if (n is < 1 or > 256)
                {
                    throw new CliUsageException($"--transfers must be 1 to 256 (was {n}).");
                }

                int waitSeconds = parseResult.GetValue(wait);
                if (waitSeconds is < 1 or > 20)
                {
                    throw new CliUsageException($"--wait must be 1 to 20 seconds (was {waitSeconds}).");
                }

                long? limit = BlobCommand.ParseBandwidth(parseResult.GetValue(bwlimit));
                var configuration = CliConfiguration.Build(parseResult.GetValue(config), currentDirectory);
                await using var services = CliConfiguration.BuildServices(configuration);
                var (queue, ownsQueue) = OpenQueue(parseResult.GetValue(queueOption)!, services);
                try
                {
                    var cache = new Dictionary<string, BlobBucket>(StringComparer.Ordinal);
                    BlobBucket Open(string reference)
                    {
                        if (!cache.TryGetValue(reference, out var bucket))
                        {
                            var location = BlobLocations.Resolve(reference, "plan bucket", services);
                            opened.Add(location);
                            cache[reference] = bucket = location.Bucket;
                        }

                        return bucket;
                    }

                    var options = new BlobTransferOptions { ObjectConcurrency = n, BandwidthLimit = limit };
                    var shards = new JsonArray();
                    var rows = new List<IReadOnlyList<string>>();
                    var notes = new List<string>();
                    bool failed = false;
                    while (!cancellationToken.IsCancellationRequested)
                    {
                        var messages = await queue.ReceiveAsync(1, TimeSpan.FromSeconds(waitSeconds), cancellationToken).ConfigureAwait(false);
                        if (messages.Count == 0)
                        {
                            if (parseResult.GetValue(exitWhenEmpty))
                            {
                                break;
                            }

                            continue;
                        }

                        var message = messages[0];
                        BlobTransferResult result;
                        BlobTransferPlan plan;
                        try
                        {
                            plan = BlobTransferPlan.FromJson(message.Body.ToString(), Open, options);
                            result = await BlobTransfer.ApplyAsync(plan, options, cancellationToken).ConfigureAwait(false);
                        }
                        catch (Exception e) when (e is CloudException or CliUsageException or System.Text.Json.JsonException)
                        {
                            // A shard that cannot be read or is refused will not get better on redelivery: report it and take it off the queue.
                            failed = true;
                            notes.Add($"message {message.MessageId}: {CliOutput.OneLine(e.Message)}");
                            rows.Add([message.MessageId, "-", "-", "-", $"error [{notes.Count}]", "-"]);
                            shards.Add(new JsonObject { ["messageId"] = message.MessageId, ["error"] = CliOutput.OneLine(e.Message) });
                            await queue.CompleteAsync(message, cancellationToken).ConfigureAwait(false);
                            continue;
                        }

                        await queue.CompleteAsync(message, cancellationToken).ConfigureAwait(false);
                        failed |= !result.Succeeded;
                        string failedCell = result.Failed.Count.ToString(CultureInfo.InvariantCulture);
                        foreach (var f in result.Failed)
                        {
                            notes.Add($"failed: {(f.Item.SourceKey.Length == 0 ? f.Item.DestinationKey : f.Item.SourceKey)}: {CliOutput.OneLine(f.Reason)}");
                        }

                        rows.Add([plan.Id, (result.Created + result.Updated).ToString(CultureInfo.InvariantCulture), result.Skipped.ToString(CultureInfo.InvariantCulture),
                            (result.Deleted + result.SourcesDeleted).ToString(CultureInfo.InvariantCulture), failedCell, BlobFormat.Bytes(result.BytesCopied)]);
                        shards.Add(new JsonObject
                        {
                            ["messageId"] = message.MessageId,
                            ["planId"] = plan.Id,
                            ["copied"] = result.Created + result.Updated,
                            ["skipped"] = result.Skipped,
                            ["deleted"] = result.Deleted + result.SourcesDeleted,
                            ["failed"] = result.Failed.Count,
                            ["bytesCopied"] = result.BytesCopied,
                        });
                        if (cli.Mode != OutputMode.Json)
                        {
                            await cli.Error.WriteLineAsync($"shard {plan.Id}: {result}").ConfigureAwait(false);
                        }
                    }

                    if (cli.Mode == OutputMode.Json)
                    {
                        cli.WriteJson(new JsonObject { ["shards"] = shards, ["succeeded"] = !failed });
                    }
                    else
                    {
                        cli.WriteTable(["Plan", "Copied", "Skipped", "Deleted", "Failed", "Bytes"], rows, notes);
                    }

                    return failed ? ExitCodes.ResourceFailed : ExitCodes.Ok;
                }
                finally
                {
                    if (ownsQueue)
                    {
                        await queue.DisposeAsync().ConfigureAwait(false);
                    }
                }
            }
            catch (CliUsageException e)
            {
                await cli.Error.WriteLineAsync($"polycloud blob worker: {e.Message}").ConfigureAwait(false);
                return ExitCodes.UsageOrConfiguration;
            }
            catch (CloudException e)
            {
                await cli.Error.WriteLineAsync($"polycloud blob worker: {CliOutput.OneLine(e.Message)}").ConfigureAwait(false);
                return e.ErrorCode == CloudErrorCode.InvalidArgument ? ExitCodes.UsageOrConfiguration : ExitCodes.ResourceFailed;
            }
            finally
            {
                foreach (var location in opened)
                {
                    await location.DisposeAsync().ConfigureAwait(false);
                }
            }
        });
        return command;
    }

    /// <summary>Opens the queue named by <c>--queue</c>: a URL or a configured queue name.</summary>
    internal static (MessageQueue Queue, bool Owned) OpenQueue(string argument, IServiceProvider services)
    {
        if (argument.StartsWith("queue:", StringComparison.OrdinalIgnoreCase) && !argument.StartsWith("queue://", StringComparison.OrdinalIgnoreCase))
        {
            argument = argument["queue:".Length..];
        }

        if (argument.Contains("://", StringComparison.Ordinal))
        {
            try
            {
                return (services.GetRequiredService<PolycloudOpener>().OpenQueue(argument), true);
            }
            catch (CloudException e)
            {
                throw new CliUsageException($"--queue: {e.Message}");
            }
        }

        var queues = services.GetRequiredService<IMessageQueueFactory>();
        string? name = queues.Names.FirstOrDefault(n => string.Equals(n, argument, StringComparison.OrdinalIgnoreCase))
            ?? throw new CliUsageException($"--queue: no queue named '{argument}' is configured under Polycloud:Queues. Configured: {(queues.Names.Count == 0 ? "none" : string.Join(", ", queues.Names.Order(StringComparer.Ordinal)))}.");
        return (queues.GetQueue(name), false);
    }
}
