using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Polycloud.Cli.LockIn;

/// <summary>The output formats of <c>polycloud lockin</c>.</summary>
internal enum LockInFormat
{
    /// <summary>Human-readable tables.</summary>
    Table,

    /// <summary>The report as JSON (summaries and every site).</summary>
    Json,

    /// <summary>SARIF 2.1.0, for code-scanning tools.</summary>
    Sarif,
}

/// <summary>Renders a <see cref="LockInReport"/> as a table, JSON or SARIF.</summary>
internal static class LockInFormatters
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <paramref name="report"/> to <paramref name="output"/> in <paramref name="format"/>.</summary>
    public static void Write(LockInReport report, LockInFormat format, TextWriter output)
    {
        switch (format)
        {
            case LockInFormat.Table:
                WriteTable(report, output);
                break;
            case LockInFormat.Json:
                output.WriteLine(ToJson(report).ToJsonString(JsonOptions));
                break;
            case LockInFormat.Sarif:
                output.WriteLine(ToSarif(report).ToJsonString(JsonOptions));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown format.");
        }
    }

    /// <summary>Renders the summary tables with Spectre.Console, without colours (safe for files and pipes).</summary>
    public static void WriteTable(LockInReport report, TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 120;

        console.WriteLine($"Lock-in report for {report.Target}");
        console.WriteLine();

        var summary = new Table().Border(TableBorder.Ascii).Title("Projects");
        summary.AddColumns(
            new TableColumn("Project"),
            new TableColumn("Files").RightAligned(),
            new TableColumn("Lines").RightAligned(),
            new TableColumn("Lock-in sites").RightAligned(),
            new TableColumn("Portable equivalent").RightAligned(),
            new TableColumn("Score (0-100)").RightAligned());
        foreach (var project in report.Projects)
        {
            summary.AddRow(
                Text(project.Name),
                Text(project.Files.ToString(CultureInfo.InvariantCulture)),
                Text(project.Lines.ToString(CultureInfo.InvariantCulture)),
                Text(project.Sites.ToString(CultureInfo.InvariantCulture)),
                Text(Percent(project.PortableShare, project.Sites)),
                Text(project.Score.ToString(CultureInfo.InvariantCulture)));
        }

        summary.AddRow(
            Text("Total"),
            Text(report.Projects.Sum(p => p.Files).ToString(CultureInfo.InvariantCulture)),
            Text(report.Lines.ToString(CultureInfo.InvariantCulture)),
            Text(report.Sites.ToString(CultureInfo.InvariantCulture)),
            Text(Percent(report.PortableShare, report.Sites)),
            Text(report.Score.ToString(CultureInfo.InvariantCulture)));
        console.Write(summary);

        foreach (var project in report.Projects.Where(p => p.Sites > 0))
        {
            console.WriteLine();
            var services = new Table().Border(TableBorder.Ascii).Title(project.Name);
            services.AddColumns(
                new TableColumn("Provider"),
                new TableColumn("Service"),
                new TableColumn("Sites").RightAligned(),
                new TableColumn("With portable equivalent").RightAligned(),
                new TableColumn("Share").RightAligned());
            foreach (var service in project.Services)
            {
                services.AddRow(
                    Text(service.Provider),
                    Text(service.Service),
                    Text(service.Sites.ToString(CultureInfo.InvariantCulture)),
                    Text(service.WithPortableEquivalent.ToString(CultureInfo.InvariantCulture)),
                    Text(Percent(service.PortableShare, service.Sites)));
            }

            console.Write(services);
        }

        console.WriteLine();
        console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Lock-in score: {report.Score} (0 = none). {report.Sites} sites, {Percent(report.PortableShare, report.Sites)} with a portable equivalent. Analysed in {report.Elapsed.TotalSeconds:0.0} s."));
    }

    /// <summary>The report as a JSON document.</summary>
    public static JsonObject ToJson(LockInReport report)
    {
        var projects = new JsonArray();
        foreach (var project in report.Projects)
        {
            var services = new JsonArray();
            foreach (var service in project.Services)
            {
                services.Add(new JsonObject
                {
                    ["provider"] = service.Provider,
                    ["service"] = service.Service,
                    ["sites"] = service.Sites,
                    ["withPortableEquivalent"] = service.WithPortableEquivalent,
                    ["portableShare"] = Math.Round(service.PortableShare, 4),
                });
            }

            projects.Add(new JsonObject
            {
                ["name"] = project.Name,
                ["path"] = project.Path,
                ["files"] = project.Files,
                ["lines"] = project.Lines,
                ["sites"] = project.Sites,
                ["withPortableEquivalent"] = project.WithPortableEquivalent,
                ["portableShare"] = Math.Round(project.PortableShare, 4),
                ["score"] = project.Score,
                ["services"] = services,
            });
        }

        var findings = new JsonArray();
        foreach (var finding in report.Findings)
        {
            findings.Add(new JsonObject
            {
                ["project"] = finding.Project,
                ["file"] = finding.FilePath,
                ["line"] = finding.Line,
                ["column"] = finding.Column,
                ["ruleId"] = finding.RuleId,
                ["severity"] = finding.Severity,
                ["provider"] = finding.Provider,
                ["service"] = finding.Service,
                ["portable"] = finding.Portable,
                ["message"] = finding.Message,
            });
        }

        return new JsonObject
        {
            ["target"] = report.Target,
            ["score"] = report.Score,
            ["sites"] = report.Sites,
            ["withPortableEquivalent"] = report.WithPortableEquivalent,
            ["portableShare"] = Math.Round(report.PortableShare, 4),
            ["lines"] = report.Lines,
            ["elapsedSeconds"] = Math.Round(report.Elapsed.TotalSeconds, 3),
            ["projects"] = projects,
            ["findings"] = findings,
        };
    }

    /// <summary>The report as a SARIF 2.1.0 log: one run, one result per site, the summary in the run's properties.</summary>
    public static JsonObject ToSarif(LockInReport report)
    {
        var root = CommonRoot(report);
        var rules = new JsonArray();
        foreach (var rule in Rules)
        {
            rules.Add(new JsonObject
            {
                ["id"] = rule.Id,
                ["name"] = rule.Name,
                ["shortDescription"] = new JsonObject { ["text"] = rule.Title },
                ["helpUri"] = "https://github.com/polycloud-dev/polycloud/blob/main/docs/analyzers.md#" + rule.Id.ToLowerInvariant(),
                ["defaultConfiguration"] = new JsonObject { ["level"] = rule.Level },
            });
        }

        var results = new JsonArray();
        foreach (var finding in report.Findings)
        {
            var uri = root is null ? new Uri(finding.FilePath).AbsoluteUri : Path.GetRelativePath(root, finding.FilePath).Replace('\\', '/');
            var location = new JsonObject
            {
                ["physicalLocation"] = new JsonObject
                {
                    ["artifactLocation"] = root is null
                        ? new JsonObject { ["uri"] = uri }
                        : new JsonObject { ["uri"] = uri, ["uriBaseId"] = "SRCROOT" },
                    ["region"] = new JsonObject
                    {
                        ["startLine"] = finding.Line,
                        ["startColumn"] = finding.Column,
                        ["endLine"] = finding.EndLine,
                        ["endColumn"] = finding.EndColumn,
                    },
                },
            };
            results.Add(new JsonObject
            {
                ["ruleId"] = finding.RuleId,
                ["ruleIndex"] = Array.FindIndex(Rules, r => r.Id == finding.RuleId),
                ["level"] = finding.Severity switch { "error" => "error", "warning" => "warning", _ => "note" },
                ["message"] = new JsonObject { ["text"] = finding.Message },
                ["locations"] = new JsonArray(location),
                ["properties"] = new JsonObject
                {
                    ["project"] = finding.Project,
                    ["provider"] = finding.Provider,
                    ["service"] = finding.Service,
                    ["portable"] = finding.Portable,
                },
            });
        }

        var run = new JsonObject
        {
            ["tool"] = new JsonObject
            {
                ["driver"] = new JsonObject
                {
                    ["name"] = "polycloud-lockin",
                    ["informationUri"] = "https://github.com/polycloud-dev/polycloud/blob/main/docs/analyzers.md",
                    ["semanticVersion"] = typeof(LockInFormatters).Assembly.GetName().Version?.ToString(3) ?? "0.0.0",
                    ["rules"] = rules,
                },
            },
            ["results"] = results,
            ["properties"] = new JsonObject
            {
                ["lockInScore"] = report.Score,
                ["sites"] = report.Sites,
                ["portableShare"] = Math.Round(report.PortableShare, 4),
                ["projects"] = ToJson(report)["projects"]!.DeepClone(),
            },
        };
        if (root is not null)
        {
            run["originalUriBaseIds"] = new JsonObject
            {
                ["SRCROOT"] = new JsonObject { ["uri"] = new Uri(root.EndsWith('/') ? root : root + "/").AbsoluteUri },
            };
        }

        return new JsonObject
        {
            ["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json",
            ["version"] = "2.1.0",
            ["runs"] = new JsonArray(run),
        };
    }

    private static readonly (string Id, string Name, string Title, string Level)[] Rules =
    [
        ("PC0001", "NativeApiWithPortableEquivalent", "Native cloud SDK API with a portable equivalent", "warning"),
        ("PC0002", "ProviderOnlyFeature", "Provider-only cloud feature (lock-in hotspot)", "note"),
        ("PC0003", "NativeClientRegistration", "Native cloud client registered in dependency injection", "warning"),
        ("PC0004", "ProviderExceptionCaught", "Provider-specific exception caught", "warning"),
        ("PC0005", "HardCodedCloudCoordinate", "Hard-coded cloud coordinate", "warning"),
        ("PC0006", "NativeEscapeHatch", "Native escape hatch used", "note"),
    ];

    /// <summary>The folder of the analysed solution/project, used as SRCROOT for relative SARIF paths.</summary>
    private static string? CommonRoot(LockInReport report)
    {
        var directory = Path.GetDirectoryName(report.Target);
        return !string.IsNullOrEmpty(directory) && Path.IsPathRooted(directory)
               && report.Findings.All(f => f.FilePath.StartsWith(directory, StringComparison.Ordinal))
            ? directory
            : null;
    }

    private static string Percent(double share, int sites)
        => sites == 0 ? "-" : share.ToString("P0", CultureInfo.InvariantCulture);

    private static Text Text(string value) => new(value);
}
