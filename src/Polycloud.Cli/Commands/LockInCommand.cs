using System.CommandLine;
using Polycloud.Cli.LockIn;

namespace Polycloud.Cli.Commands;

/// <summary><c>polycloud lockin &lt;path&gt; [--format table|json|sarif] [--output file] [--max-score n]</c>.</summary>
internal static class LockInCommand
{
    /// <summary>Exit code when the score is above <c>--max-score</c>.</summary>
    public const int ScoreAboveLimit = 2;

    /// <summary>Exit code when the target cannot be loaded, or its references do not resolve (packages not restored).</summary>
    public const int InvalidTarget = 3;

    public static Command Create(TextWriter output)
    {
        var path = new Argument<string>("path")
        {
            Description = "A solution (.sln, .slnx), a C# project (.csproj), or a folder holding exactly one of them.",
        };
        var format = new Option<LockInFormat>("--format", "-f")
        {
            Description = "Output format: table, json or sarif.",
            DefaultValueFactory = _ => LockInFormat.Table,
        };
        var file = new Option<FileInfo?>("--output", "-o")
        {
            Description = "Write the report to this file instead of standard output.",
        };
        var json = Conventions.CliOutput.JsonOption();
        var maxScore = new Option<int?>("--max-score")
        {
            Description = "Exit with code 2 when the lock-in score is above this value (for CI).",
        };

        var restore = new Option<bool>("--restore")
        {
            Description = "Run 'dotnet restore' on the target first, so that package references resolve.",
        };

        var command = new Command("lockin", "Report cloud lock-in: per project and provider service, the lock-in sites, the share with a portable Polycloud equivalent, and a lock-in score.")
        {
            path,
            format,
            file,
            maxScore,
            json,
            restore,
        };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            LockInReport report;
            try
            {
                if (parseResult.GetValue(restore))
                {
                    var (code, restoreOutput) = await LockInAnalyzer.RestoreAsync(parseResult.GetValue(path)!, cancellationToken).ConfigureAwait(false);
                    if (code != 0)
                    {
                        await error.WriteLineAsync($"polycloud lockin: 'dotnet restore' failed with exit code {code}: {restoreOutput.Trim()}").ConfigureAwait(false);
                        return InvalidTarget;
                    }
                }

                report = await LockInAnalyzer.AnalyzeAsync(parseResult.GetValue(path)!, error, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidOperationException)
            {
                await error.WriteLineAsync($"polycloud lockin: {e.Message}").ConfigureAwait(false);
                return InvalidTarget;
            }

            if (report.Unresolved.Count > 0)
            {
                // A report over code whose types did not resolve misses most lock-in sites: never let it pass a gate.
                var first = report.Unresolved[0];
                await error.WriteLineAsync(
                    $"polycloud lockin: references did not resolve in {report.Unresolved.Count} project(s) ({string.Join(", ", report.Unresolved.Select(u => $"{u.Project}: {u.Errors} errors"))}; first: {first.First}). " +
                    "The packages are probably not restored, and the report would miss the lock-in in code that did not resolve. Run 'dotnet restore' on the target, or pass --restore.").ConfigureAwait(false);
                return InvalidTarget;
            }

            var chosen = parseResult.GetValue(json) ? LockInFormat.Json : parseResult.GetValue(format);
            var target = parseResult.GetValue(file);
            if (target is null)
            {
                LockInFormatters.Write(report, chosen, output);
            }
            else
            {
                await using (var writer = new StreamWriter(target.FullName))
                {
                    LockInFormatters.Write(report, chosen, writer);
                }

                await output.WriteLineAsync($"Lock-in score {report.Score}, {report.Sites} sites; report written to {target.FullName}").ConfigureAwait(false);
            }

            var limit = parseResult.GetValue(maxScore);
            return limit is { } max && report.Score > max ? ScoreAboveLimit : 0;
        });
        return command;
    }
}
