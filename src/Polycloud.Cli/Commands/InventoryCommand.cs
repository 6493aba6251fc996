using System.CommandLine;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Polycloud.Blobs;
using Polycloud.Cli.Conventions;
using Polycloud.Functions;
using Polycloud.Queues;
using Polycloud.Residency;

namespace Polycloud.Cli.Commands;

/// <summary><c>polycloud inventory [resources…] [--config file] [--json | --format table|plain|markdown|json]</c>.</summary>
internal static class InventoryCommand
{
    public static Command Create(TextWriter output, bool interactive, string currentDirectory)
    {
        var resources = ResourceArguments.Argument();
        var config = CliConfiguration.ConfigOption();
        var json = CliOutput.JsonOption();
        var format = CliOutput.FormatOption();
        var command = new Command(
            "inventory",
            "List configured resources (or the URLs and names given) with where they live: provider, account or project, region, location type, replication, and whether they meet the residency policy.")
        {
            resources,
            config,
            json,
            format,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var cli = CliOutput.From(parseResult, json, format, output, interactive);
            IConfiguration configuration;
            IReadOnlyList<ResourceReference> references;
            ResidencyPolicy? policy;
            try
            {
                configuration = CliConfiguration.Build(parseResult.GetValue(config), currentDirectory);
                policy = ResidencyPolicy.FromConfiguration(configuration.GetSection("Polycloud"));
            }
            catch (Exception e) when (e is CliUsageException or CloudException)
            {
                await cli.Error.WriteLineAsync($"polycloud inventory: {e.Message}").ConfigureAwait(false);
                return ExitCodes.UsageOrConfiguration;
            }

            await using var provider = CliConfiguration.BuildServices(configuration);
            try
            {
                references = ResourceArguments.Resolve(parseResult.GetValue(resources) ?? [], provider, configuration);
            }
            catch (CliUsageException e)
            {
                await cli.Error.WriteLineAsync($"polycloud inventory: {e.Message}").ConfigureAwait(false);
                return ExitCodes.UsageOrConfiguration;
            }

            int done = 0;
            var rows = await cli.WithProgressAsync(
                $"Reading the location of {references.Count} resource(s)",
                report => Task.WhenAll(references.Select(async r =>
                {
                    var row = await ReadAsync(r, policy, cancellationToken).ConfigureAwait(false);
                    report($"Read {Interlocked.Increment(ref done)} of {references.Count} locations (last: {r.Name})");
                    return row;
                })),
                cancellationToken).ConfigureAwait(false);

            if (cli.Mode == OutputMode.Json)
            {
                cli.WriteJson(InventoryFormat.ToJson(rows, policy));
            }
            else if (rows.Length == 0)
            {
                await cli.Writer.WriteLineAsync("No resources: configure Polycloud:Blobs, Polycloud:Queues or Polycloud:Functions in appsettings.json (or --config), or name resource URLs.").ConfigureAwait(false);
            }
            else
            {
                InventoryFormat.WriteTable(cli, rows, policy);
            }

            if (rows.Any(r => r.ConfigurationError))
            {
                return ExitCodes.UsageOrConfiguration;
            }

            return rows.Any(r => r.Error is not null || (policy is not null && r.Residency is { } c && c.Fails(policy.OnUnknown)))
                ? ExitCodes.ResourceFailed
                : ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<InventoryRow> ReadAsync(ResourceReference reference, ResidencyPolicy? policy, CancellationToken cancellationToken)
    {
        object resource;
        try
        {
            resource = reference.Open();
        }
        catch (CloudException e)
        {
            // A bad URL or setting in configuration: exit code 2, and the row says why.
            return new InventoryRow(reference, null, $"cannot open: {e.Message}", e.ErrorCode.ToString(), null, ConfigurationError: true);
        }

        try
        {
            var location = resource switch
            {
                BlobBucket b => await b.GetLocationAsync(cancellationToken).ConfigureAwait(false),
                MessageQueue q => await q.GetLocationAsync(cancellationToken).ConfigureAwait(false),
                CloudFunction f => await f.GetLocationAsync(cancellationToken).ConfigureAwait(false),
                _ => throw new InvalidOperationException($"unexpected resource type {resource.GetType().Name}"),
            };
            return new InventoryRow(reference, location, null, null, policy?.Check(reference.Name, location), ConfigurationError: false);
        }
        catch (CloudException e)
        {
            var unknown = policy?.RuleFor(reference.Name) is { } rule
                ? new ResidencyCheck(reference.Name, reference.Kind, ResidencyStatus.Unknown, null, rule.Rule, $"'{reference.Name}': its location could not be read.")
                : null;
            return new InventoryRow(reference, null, $"cannot read the location: {e.Message}", e.ErrorCode.ToString(), unknown, ConfigurationError: false);
        }
        finally
        {
            if (reference.OwnedByCommand && resource is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}

/// <summary>One inventory row: a resource, its location or the error that kept it from being read, its residency check.</summary>
internal sealed record InventoryRow(ResourceReference Reference, ResourceLocation? Location, string? Error, string? ErrorCode, ResidencyCheck? Residency, bool ConfigurationError);

/// <summary>The inventory's table, plain, Markdown and JSON renderings.</summary>
internal static class InventoryFormat
{
    public static void WriteTable(CliOutput cli, IReadOnlyList<InventoryRow> rows, ResidencyPolicy? policy)
    {
        var notes = new List<string>();
        string Note(string text)
        {
            int i = notes.IndexOf(text);
            if (i < 0)
            {
                notes.Add(text);
                i = notes.Count - 1;
            }

            return $"[{i + 1}]";
        }

        string Cell(LocationValue v) => v.State switch
        {
            LocationValueState.Known => v.Value!,
            LocationValueState.NotApplicable => "-",
            _ => "unknown " + Note($"unknown: {v.UnknownReason}"),
        };

        var headers = new List<string> { "Kind", "Name", "Provider", "Account", "Region", "Location type", "Replication" };
        if (policy is not null)
        {
            headers.Add("Residency");
        }

        var table = new List<IReadOnlyList<string>>();
        foreach (var row in rows)
        {
            var cells = new List<string> { Kind(row.Reference.Kind), row.Reference.Name };
            if (row.Location is { } l)
            {
                cells.AddRange([$"{l.Provider} ({l.Service})", Cell(l.Account), Cell(l.Region), Cell(l.LocationType), Cell(l.Replication)]);
            }
            else
            {
                string error = "error " + Note($"{row.Reference.Name}: {row.Error}");
                cells.AddRange([error, "error", "error", "error", "error"]);
            }

            if (policy is not null)
            {
                cells.Add(row.Residency switch
                {
                    null => "no rule",
                    { Status: ResidencyStatus.Allowed } => "ok",
                    { Status: ResidencyStatus.NoRule } => "no rule",
                    { Status: ResidencyStatus.Violation } c => "VIOLATION " + Note(c.Message),
                    { } c => (c.Fails(policy.OnUnknown) ? "FAIL: unknown " : "warn: unknown ") + Note(c.Message),
                });
            }

            table.Add(cells);
        }

        cli.WriteTable(headers, table, notes);
    }

    public static JsonObject ToJson(IReadOnlyList<InventoryRow> rows, ResidencyPolicy? policy)
    {
        var array = new JsonArray();
        foreach (var row in rows)
        {
            var item = new JsonObject
            {
                ["kind"] = Kind(row.Reference.Kind),
                ["name"] = row.Reference.Name,
                ["url"] = row.Reference.Url,
                ["status"] = row.Error is null ? "ok" : "error",
            };
            if (row.Location is { } l)
            {
                var unknown = new JsonObject();
                item["provider"] = l.Provider;
                item["service"] = l.Service;
                item["resourceName"] = l.Name;
                Field(item, unknown, "account", l.Account);
                Field(item, unknown, "region", l.Region);
                Field(item, unknown, "locationType", l.LocationType);
                Field(item, unknown, "replication", l.Replication);
                item["unknown"] = unknown;
                var details = new JsonObject();
                foreach (var (k, v) in l.Details.OrderBy(d => d.Key, StringComparer.Ordinal))
                {
                    details[k] = v;
                }

                item["details"] = details;
                item["error"] = null;
            }
            else
            {
                item["error"] = new JsonObject { ["code"] = row.ErrorCode, ["message"] = row.Error };
            }

            item["residency"] = row.Residency is { } c
                ? new JsonObject
                {
                    ["status"] = c.Status switch
                    {
                        ResidencyStatus.Allowed => "allowed",
                        ResidencyStatus.Violation => "violation",
                        ResidencyStatus.Unknown => "unknown",
                        _ => "noRule",
                    },
                    ["passes"] = !c.Fails(policy!.OnUnknown),
                    ["rule"] = c.Rule,
                    ["message"] = c.Message,
                }
                : null;
            array.Add(item);
        }

        return new JsonObject
        {
            ["resources"] = array,
            ["residencyPolicy"] = policy is null ? null : new JsonObject
            {
                ["default"] = new JsonArray(policy.Default.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()),
                ["onUnknown"] = policy.OnUnknown == ResidencyUnknownAction.Warn ? "warn" : "fail",
            },
        };
    }

    private static void Field(JsonObject item, JsonObject unknown, string name, LocationValue value)
    {
        item[name] = value.Value;
        if (value.State == LocationValueState.Unknown)
        {
            unknown[name] = value.UnknownReason;
        }
    }

    private static string Kind(ResourceKind kind) => kind switch
    {
        ResourceKind.Blob => "blob",
        ResourceKind.Queue => "queue",
        ResourceKind.Function => "function",
        _ => "database",
    };
}
