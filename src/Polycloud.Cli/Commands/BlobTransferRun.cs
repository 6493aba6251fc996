using System.Globalization;
using System.Text.Json.Nodes;
using Polycloud.Blobs;
using Polycloud.Blobs.Transfer;
using Polycloud.Cli.Conventions;
using Spectre.Console;

namespace Polycloud.Cli.Commands;

/// <summary>Plans and applies one <c>cp</c>, <c>sync</c> or <c>migrate</c>, with live progress and the summary.</summary>
internal static class BlobTransferRun
{
    public static async Task<int> RunAsync(CliOutput cli, TransferSettings settings, BlobLocation from, BlobLocation to, CancellationToken cancellationToken, Polycloud.Queues.MessageQueue? shardQueue = null)
    {
        BlobTransferJournal? journal = settings.Journal is { } file && !settings.DryRun
            ? await BlobTransferJournal.OpenAsync(file.FullName, cancellationToken).ConfigureAwait(false)
            : null;
        try
        {
            var options = new BlobTransferOptions
            {
                Mode = settings.Mode,
                Comparison = settings.Comparison,
                DeleteExtras = settings.DeleteExtras,
                MaxDeletes = settings.MaxDeletes,
                ObjectConcurrency = settings.Transfers,
                BandwidthLimit = settings.BandwidthLimit,
                Journal = journal,
            };
            var source = new BlobEndpoint(from.Bucket, from.Prefix) { Url = from.Reference };
            var destination = new BlobEndpoint(to.Bucket, to.Prefix) { Url = to.Reference };
            BlobTransferPlan plan;
            try
            {
                plan = await cli.WithProgressAsync($"Listing {from.Display} and {to.Display}", _ => BlobTransfer.PlanAsync(source, destination, options, cancellationToken), cancellationToken).ConfigureAwait(false);
            }
            catch (CloudException e)
            {
                return await FailAsync(cli, settings, "cannot plan", e).ConfigureAwait(false);
            }

            if (settings.DryRun)
            {
                BlobFormat.WritePlan(cli, settings, from, to, plan);
                return ExitCodes.Ok;
            }

            if (shardQueue is not null)
            {
                return await EnqueueAsync(cli, settings, plan, shardQueue, cancellationToken).ConfigureAwait(false);
            }

            BlobTransferResult result;
            try
            {
                result = await ApplyWithProgressAsync(cli, plan, options, cancellationToken).ConfigureAwait(false);
            }
            catch (CloudException e)
            {
                return await FailAsync(cli, settings, "refused", e).ConfigureAwait(false);
            }

            BlobFormat.WriteResult(cli, settings, from, to, plan, result);
            return result.Succeeded ? ExitCodes.Ok : ExitCodes.ResourceFailed;
        }
        finally
        {
            if (journal is not null)
            {
                await journal.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Splits the plan and sends one shard per message, for <c>polycloud blob worker</c>.</summary>
    private static async Task<int> EnqueueAsync(CliOutput cli, TransferSettings settings, BlobTransferPlan plan, Polycloud.Queues.MessageQueue queue, CancellationToken cancellationToken)
    {
        var shards = plan.Split(settings.Shards);
        var sent = new JsonArray();
        var rows = new List<IReadOnlyList<string>>();
        foreach (var shard in shards)
        {
            try
            {
                await queue.SendAsync(shard.ToJson(), cancellationToken).ConfigureAwait(false);
            }
            catch (CloudException e)
            {
                return await FailAsync(cli, settings, $"queued {rows.Count} of {shards.Count} shards, then could not send", e).ConfigureAwait(false);
            }

            var t = shard.Totals;
            rows.Add([shard.Id, shard.Items.Count.ToString(CultureInfo.InvariantCulture), t.Copy.Objects.ToString(CultureInfo.InvariantCulture), BlobFormat.Bytes(t.Copy.Bytes)]);
            sent.Add(new JsonObject { ["planId"] = shard.Id, ["items"] = shard.Items.Count, ["copy"] = new JsonObject { ["objects"] = t.Copy.Objects, ["bytes"] = t.Copy.Bytes } });
        }

        if (cli.Mode == OutputMode.Json)
        {
            cli.WriteJson(new JsonObject { ["command"] = settings.Verb, ["planId"] = plan.Id, ["queued"] = shards.Count, ["shards"] = sent });
        }
        else
        {
            cli.WriteTable(["Shard", "Items", "Copy", "Bytes"], rows, []);
        }

        return ExitCodes.Ok;
    }

    private static async Task<int> FailAsync(CliOutput cli, TransferSettings settings, string what, CloudException e)
    {
        await cli.Error.WriteLineAsync($"polycloud blob {settings.Verb}: {what}: {CliOutput.OneLine(e.Message)}").ConfigureAwait(false);
        return e.ErrorCode == CloudErrorCode.InvalidArgument ? ExitCodes.UsageOrConfiguration : ExitCodes.ResourceFailed;
    }

    private static async Task<BlobTransferResult> ApplyWithProgressAsync(CliOutput cli, BlobTransferPlan plan, BlobTransferOptions options, CancellationToken cancellationToken)
    {
        if (cli.Mode == OutputMode.Json)
        {
            return await BlobTransfer.ApplyAsync(plan, options, cancellationToken).ConfigureAwait(false);
        }

        var latest = new LatestProgress();
        if (!cli.ShowProgress)
        {
            // Redirected: plain progress lines on standard error (standard output receives only the summary).
            var lines = new PlainProgress(cli.Error);
            var plain = new BlobTransferOptions
            {
                Mode = options.Mode,
                Comparison = options.Comparison,
                DeleteExtras = options.DeleteExtras,
                MaxDeletes = options.MaxDeletes,
                ObjectConcurrency = options.ObjectConcurrency,
                BandwidthLimit = options.BandwidthLimit,
                Journal = options.Journal,
                Progress = lines,
                ProgressInterval = TimeSpan.FromSeconds(1),
            };
            return await BlobTransfer.ApplyAsync(plan, plain, cancellationToken).ConfigureAwait(false);
        }

        var live = new BlobTransferOptions
        {
            Mode = options.Mode,
            Comparison = options.Comparison,
            DeleteExtras = options.DeleteExtras,
            MaxDeletes = options.MaxDeletes,
            ObjectConcurrency = options.ObjectConcurrency,
            BandwidthLimit = options.BandwidthLimit,
            Journal = options.Journal,
            Progress = latest,
        };
        var run = BlobTransfer.ApplyAsync(plan, live, cancellationToken);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(cli.Error) });
        await console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var total = context.AddTask("total", maxValue: Math.Max(1, plan.Totals.Copy.Bytes));
                var files = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                while (true)
                {
                    if (latest.Value is { } p)
                    {
                        total.Value = Math.Min(total.MaxValue, p.BytesDone);
                        total.Description = Markup.Escape($"{p.ObjectsDone}/{p.ObjectsTotal} objects, {BlobFormat.Bytes(p.BytesDone)} of {BlobFormat.Bytes(p.BytesTotal)}, {BlobFormat.Bytes((long)p.BytesPerSecond)}/s, ETA {(p.Eta is { } eta ? BlobFormat.Duration(eta) : "-")}{(p.Failed > 0 ? $", {p.Failed} failed" : string.Empty)}");
                        foreach (string key in p.CurrentKeys.Where(k => !files.ContainsKey(k)))
                        {
                            var task = context.AddTask(Markup.Escape("  " + key), maxValue: 1);
                            task.IsIndeterminate = true;
                            files[key] = task;
                        }

                        foreach (string key in files.Keys.Except(p.CurrentKeys, StringComparer.Ordinal).ToArray())
                        {
                            files[key].IsIndeterminate = false;
                            files[key].Value = 1;
                            files[key].StopTask();
                            files.Remove(key);
                        }
                    }

                    if (run.IsCompleted)
                    {
                        total.Value = total.MaxValue;
                        break;
                    }

                    await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken)).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        return await run.ConfigureAwait(false);
    }

    /// <summary>Keeps the last report (the live display polls it).</summary>
    private sealed class LatestProgress : IProgress<BlobTransferProgress>
    {
        private BlobTransferProgress? _value;

        public BlobTransferProgress? Value => Volatile.Read(ref _value);

        public void Report(BlobTransferProgress value) => Volatile.Write(ref _value, value);
    }

    /// <summary>One line per report on standard error, for redirected output.</summary>
    private sealed class PlainProgress(TextWriter error) : IProgress<BlobTransferProgress>
    {
        private readonly Lock _gate = new();

        public void Report(BlobTransferProgress p)
        {
            lock (_gate)
            {
                error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"progress: {p.ObjectsDone}/{p.ObjectsTotal} objects, {BlobFormat.Bytes(p.BytesDone)} of {BlobFormat.Bytes(p.BytesTotal)}, {BlobFormat.Bytes((long)p.BytesPerSecond)}/s, ETA {(p.Eta is { } eta ? BlobFormat.Duration(eta) : "-")}, {p.Failed} failed{(p.IsFinal ? " (done)" : string.Empty)}"));
            }
        }
    }
}

/// <summary>The listing, plan and result renderings: table, plain, Markdown and JSON.</summary>
internal static class BlobFormat
{
    public static void WriteListing(CliOutput cli, BlobLocation at, bool recursive, IReadOnlyList<BlobItem> items)
    {
        if (cli.Mode == OutputMode.Json)
        {
            var array = new JsonArray();
            foreach (var i in items)
            {
                array.Add(new JsonObject
                {
                    ["key"] = i.Key,
                    ["type"] = i.IsPrefix ? "folder" : "object",
                    ["size"] = i.IsPrefix ? null : i.Size,
                    ["lastModified"] = i.IsPrefix ? null : i.LastModified?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                    ["etag"] = i.ETag,
                    ["md5"] = i.ContentMD5 is { } m ? Convert.ToHexStringLower(m.Span) : null,
                    ["crc32c"] = i.Crc32c is { } c ? c.ToString("x8", CultureInfo.InvariantCulture) : null,
                });
            }

            cli.WriteJson(new JsonObject
            {
                ["bucket"] = at.Display,
                ["prefix"] = at.Prefix,
                ["recursive"] = recursive,
                ["objects"] = items.Count(i => !i.IsPrefix),
                ["folders"] = items.Count(i => i.IsPrefix),
                ["bytes"] = items.Where(i => !i.IsPrefix).Sum(i => i.Size),
                ["items"] = array,
            });
            return;
        }

        var notes = new List<string>();
        var rows = items.Select(i => (IReadOnlyList<string>)(i.IsPrefix
            ? [i.Key, "-", "-", "-"]
            : [i.Key, i.Size.ToString(CultureInfo.InvariantCulture), i.LastModified is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : Note(notes, "unknown: the listing does not carry the last-modified time."), Hash(i, notes)])).ToArray();
        cli.WriteTable(["Key", "Size", "Modified", "Hash"], rows, notes);
    }

    private static string Hash(BlobItem item, List<string> notes)
        => item.ContentMD5 is { } m ? "md5:" + Convert.ToHexStringLower(m.Span)
            : item.Crc32c is { } c ? "crc32c:" + c.ToString("x8", CultureInfo.InvariantCulture)
            : Note(notes, "unknown: the listing carries no whole-object hash for this object (an object uploaded in parts has none on S3 and Azure).");

    private static string Note(List<string> notes, string text)
    {
        int i = notes.IndexOf(text);
        if (i < 0)
        {
            notes.Add(text);
            i = notes.Count - 1;
        }

        return $"unknown [{i + 1}]";
    }

    public static void WritePlan(CliOutput cli, TransferSettings settings, BlobLocation from, BlobLocation to, BlobTransferPlan plan)
    {
        if (cli.Mode == OutputMode.Json)
        {
            var items = new JsonArray();
            foreach (var i in plan.Items)
            {
                items.Add(new JsonObject
                {
                    ["action"] = Camel(i.Action.ToString()),
                    ["sourceKey"] = i.SourceKey.Length == 0 ? null : i.SourceKey,
                    ["destinationKey"] = i.DestinationKey,
                    ["size"] = i.Size,
                    ["path"] = Camel(i.Path.ToString()),
                    ["reason"] = i.Reason,
                });
            }

            var doc = Header(settings, from, to, plan, dryRun: true);
            doc["totals"] = Totals(plan.Totals);
            doc["cost"] = Cost(plan.Cost);
            doc["notes"] = new JsonArray(plan.Notes.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray());
            doc["items"] = items;
            cli.WriteJson(doc);
            return;
        }

        var rows = plan.Items.Select(i => (IReadOnlyList<string>)[
            Camel(i.Action.ToString()),
            i.Action == BlobTransferAction.Delete ? i.DestinationKey : i.SourceKey,
            i.Action is BlobTransferAction.Create or BlobTransferAction.Update && i.SourceKey != i.DestinationKey ? i.DestinationKey : "-",
            i.Size.ToString(CultureInfo.InvariantCulture),
            i.Path == BlobTransferPath.None ? "-" : Camel(i.Path.ToString()),
            i.Reason]).ToArray();
        cli.WriteTable(["Action", "Key", "To", "Size", "Path", "Reason"], rows, plan.Notes);
        cli.Writer.WriteLine();
        var t = plan.Totals;
        var notes = new List<string>();
        string cost = CostCell(plan.Cost, notes);
        cli.WriteTable(
            ["Plan", "Copy", "Skip", "Delete", "Delete source", "Bytes", "Estimated cost"],
            [[settings.Verb, t.Copy.Objects.ToString(CultureInfo.InvariantCulture), t.SkipEqual.Objects.ToString(CultureInfo.InvariantCulture), t.Delete.Objects.ToString(CultureInfo.InvariantCulture), t.DeleteSource.Objects.ToString(CultureInfo.InvariantCulture), Bytes(t.Copy.Bytes), cost]],
            notes);
    }

    public static void WriteResult(CliOutput cli, TransferSettings settings, BlobLocation from, BlobLocation to, BlobTransferPlan plan, BlobTransferResult r)
    {
        double seconds = r.Elapsed.TotalSeconds;
        double? rate = seconds > 0 ? r.BytesCopied / seconds : null;
        if (cli.Mode == OutputMode.Json)
        {
            var doc = Header(settings, from, to, plan, dryRun: false);
            doc["succeeded"] = r.Succeeded;
            doc["created"] = r.Created;
            doc["updated"] = r.Updated;
            doc["copied"] = r.Created + r.Updated;
            doc["skipped"] = r.Skipped;
            doc["alreadyDone"] = r.AlreadyDone;
            doc["deleted"] = r.Deleted;
            doc["sourcesDeleted"] = r.SourcesDeleted;
            doc["verified"] = r.Verified;
            doc["failed"] = r.Failed.Count;
            doc["bytesCopied"] = r.BytesCopied;
            var byPath = new JsonObject();
            foreach (var (path, bytes) in r.BytesByPath.OrderBy(p => p.Key))
            {
                byPath[Camel(path.ToString())] = bytes;
            }

            doc["bytesByPath"] = byPath;
            doc["partsSent"] = r.PartsSent;
            doc["partsResumed"] = r.PartsResumed;
            doc["elapsedSeconds"] = Math.Round(seconds, 3);
            doc["bytesPerSecond"] = rate is { } v ? Math.Round(v, 1) : null;
            doc["cost"] = Cost(r.Cost);
            doc["deletesSkippedReason"] = r.DeletesSkippedReason;
            doc["failures"] = new JsonArray(r.Failed.Select(f => (JsonNode?)new JsonObject
            {
                ["action"] = Camel(f.Item.Action.ToString()),
                ["sourceKey"] = f.Item.SourceKey.Length == 0 ? null : f.Item.SourceKey,
                ["destinationKey"] = f.Item.DestinationKey,
                ["reason"] = CliOutput.OneLine(f.Reason),
                ["code"] = f.ErrorCode?.ToString(),
            }).ToArray());
            cli.WriteJson(doc);
            return;
        }

        var notes = new List<string>();
        string failed = r.Failed.Count.ToString(CultureInfo.InvariantCulture);
        if (r.Failed.Count > 0)
        {
            foreach (var f in r.Failed)
            {
                notes.Add($"failed: {(f.Item.SourceKey.Length == 0 ? f.Item.DestinationKey : f.Item.SourceKey)}: {CliOutput.OneLine(f.Reason)}{(f.ErrorCode is { } c ? $" ({c})" : string.Empty)}");
            }

            failed += $" [1-{r.Failed.Count}]".Replace("[1-1]", "[1]", StringComparison.Ordinal);
        }

        string deleted = (r.Deleted + r.SourcesDeleted).ToString(CultureInfo.InvariantCulture);
        if (r.DeletesSkippedReason is { } why)
        {
            notes.Add("deletes skipped: " + why);
            deleted += $" [{notes.Count}]";
        }

        string cost = CostCell(r.Cost, notes);
        cli.WriteTable(
            ["Result", "Copied", "Skipped", "Deleted", "Failed", "Bytes", "Rate", "Elapsed", "Estimated cost"],
            [[
                r.Succeeded ? "ok" : "FAILED",
                (r.Created + r.Updated).ToString(CultureInfo.InvariantCulture) + (r.AlreadyDone > 0 ? $" (+{r.AlreadyDone} earlier)" : string.Empty),
                r.Skipped.ToString(CultureInfo.InvariantCulture),
                deleted,
                failed,
                Bytes(r.BytesCopied),
                rate is { } perSecond ? Bytes((long)perSecond) + "/s" : "-",
                Duration(r.Elapsed),
                cost,
            ]],
            notes);
    }

    private static JsonObject Header(TransferSettings settings, BlobLocation from, BlobLocation to, BlobTransferPlan plan, bool dryRun) => new()
    {
        ["command"] = settings.Verb,
        ["mode"] = Camel(plan.Mode.ToString()),
        ["dryRun"] = dryRun,
        ["planId"] = plan.Id,
        ["comparison"] = Camel(plan.Comparison.ToString()),
        ["source"] = new JsonObject { ["bucket"] = from.Display, ["prefix"] = from.Prefix },
        ["destination"] = new JsonObject { ["bucket"] = to.Display, ["prefix"] = to.Prefix },
    };

    private static JsonObject Totals(BlobTransferTotals t)
    {
        static JsonObject Count(BlobTransferCount c) => new() { ["objects"] = c.Objects, ["bytes"] = c.Bytes };
        return new JsonObject
        {
            ["create"] = Count(t.Create),
            ["update"] = Count(t.Update),
            ["skipEqual"] = Count(t.SkipEqual),
            ["delete"] = Count(t.Delete),
            ["deleteSource"] = Count(t.DeleteSource),
            ["copy"] = Count(t.Copy),
        };
    }

    private static JsonObject Cost(BlobTransferCostEstimate cost) => new()
    {
        ["total"] = cost.Total,
        ["currency"] = cost.Currency,
        ["routes"] = new JsonArray(cost.Routes.Select(r => (JsonNode?)new JsonObject
        {
            ["route"] = r.Route,
            ["bytes"] = r.Bytes,
            ["pricePerGiB"] = r.PricePerGiB,
            ["cost"] = r.Cost,
            ["explanation"] = r.Explanation,
            ["priceSource"] = r.PriceSource,
            ["priceDate"] = r.PriceDate,
        }).ToArray()),
    };

    private static string CostCell(BlobTransferCostEstimate cost, List<string> notes)
    {
        if (cost.Total is { } total)
        {
            return total.ToString("0.####", CultureInfo.InvariantCulture) + " " + cost.Currency;
        }

        notes.Add("unknown: " + string.Join("; ", cost.Routes.Where(r => r.Cost is null && r.Bytes > 0).Select(r => $"{r.Route}: {r.Explanation}")));
        return $"unknown [{notes.Count}]";
    }

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>Bytes in binary units: <c>512 B</c>, <c>1.5 KiB</c>, <c>3.2 MiB</c>.</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = bytes;
        int unit = 0;
        while (Math.Abs(value) >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? string.Create(CultureInfo.InvariantCulture, $"{bytes} B") : string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {units[unit]}");
    }

    /// <summary>A duration: <c>850ms</c>, <c>12.3s</c>, <c>4m05s</c>, <c>2h03m</c>.</summary>
    public static string Duration(TimeSpan t) => t.TotalSeconds switch
    {
        < 1 => string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:0}ms"),
        < 60 => string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.#}s"),
        < 3600 => string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes}m{t.Seconds:00}s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}h{t.Minutes:00}m"),
    };
}
