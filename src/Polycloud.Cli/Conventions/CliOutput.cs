using System.CommandLine;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Polycloud.Cli.Conventions;

/// <summary>How a command writes its result.</summary>
internal enum OutputMode
{
    /// <summary>A Spectre.Console table, for a terminal.</summary>
    Table,

    /// <summary>Space-aligned plain text, for pipes and files (the default when output is redirected).</summary>
    Plain,

    /// <summary>A Markdown table.</summary>
    Markdown,

    /// <summary>JSON with stable camelCase field names.</summary>
    Json,
}

/// <summary>
/// The output conventions of every command: <c>--json</c>, <c>--format table|plain|markdown|json</c>, a table on a
/// terminal and plain text when redirected, live progress only on a terminal in table mode.
/// </summary>
internal sealed class CliOutput
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private CliOutput(TextWriter writer, TextWriter error, OutputMode mode, bool interactive)
    {
        Writer = writer;
        Error = error;
        Mode = mode;
        Interactive = interactive;
    }

    /// <summary>Where results go.</summary>
    public TextWriter Writer { get; }

    /// <summary>Where diagnostics go.</summary>
    public TextWriter Error { get; }

    /// <summary>The output mode.</summary>
    public OutputMode Mode { get; }

    /// <summary><see langword="true"/> when writing to a terminal (standard output, not redirected).</summary>
    public bool Interactive { get; }

    /// <summary><see langword="true"/> when live progress may be shown: a terminal, table mode.</summary>
    public bool ShowProgress => Interactive && Mode == OutputMode.Table;

    /// <summary>The <c>--json</c> option.</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Write JSON (stable camelCase field names); the same as --format json." };

    /// <summary>The <c>--format</c> option.</summary>
    public static Option<OutputMode?> FormatOption() => new("--format", "-f")
    {
        Description = "Output format: table (default on a terminal), plain (default when redirected), markdown or json.",
    };

    /// <summary>Chooses the mode from the options and the terminal.</summary>
    public static CliOutput From(ParseResult parseResult, Option<bool> json, Option<OutputMode?> format, TextWriter writer, bool interactive)
    {
        var mode = parseResult.GetValue(json) ? OutputMode.Json
            : parseResult.GetValue(format) ?? (interactive ? OutputMode.Table : OutputMode.Plain);
        return new CliOutput(writer, parseResult.InvocationConfiguration.Error, mode, interactive);
    }

    /// <summary>Writes a JSON document.</summary>
    public void WriteJson(JsonNode node) => Writer.WriteLine(node.ToJsonString(JsonOptions));

    /// <summary>Writes rows as a table (Spectre), aligned plain text or Markdown, then numbered notes.</summary>
    public void WriteTable(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows, IReadOnlyList<string> notes)
    {
        switch (Mode)
        {
            case OutputMode.Table:
                var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Writer) });
                console.Profile.Width = TerminalWidth();
                var table = new Table().Border(TableBorder.Rounded);
                foreach (string h in headers)
                {
                    table.AddColumn(new TableColumn(Markup.Escape(h)));
                }

                foreach (var row in rows)
                {
                    table.AddRow(row.Select(c => (Spectre.Console.Rendering.IRenderable)new Text(c)).ToArray());
                }

                console.Write(table);
                break;
            case OutputMode.Markdown:
                Writer.WriteLine("| " + string.Join(" | ", headers.Select(EscapeMarkdown)) + " |");
                Writer.WriteLine("|" + string.Concat(headers.Select(_ => "---|")));
                foreach (var row in rows)
                {
                    Writer.WriteLine("| " + string.Join(" | ", row.Select(EscapeMarkdown)) + " |");
                }

                break;
            default:
                WritePlain(headers, rows);
                break;
        }

        if (notes.Count > 0)
        {
            Writer.WriteLine();
            for (int i = 0; i < notes.Count; i++)
            {
                string note = OneLine(notes[i]);
                Writer.WriteLine(Mode == OutputMode.Markdown ? $"{i + 1}. {note}" : $"[{i + 1}] {note}");
            }
        }
    }

    /// <summary>Runs <paramref name="work"/>; on a terminal in table mode, shows a live status when it takes more than a second.</summary>
    public async Task<T> WithProgressAsync<T>(string description, Func<Action<string>, Task<T>> work, CancellationToken cancellationToken)
    {
        string status = description;
        var task = work(s => Volatile.Write(ref status, s));
        if (!ShowProgress)
        {
            return await task.ConfigureAwait(false);
        }

        await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken)).ConfigureAwait(false);
        if (task.IsCompleted)
        {
            return await task.ConfigureAwait(false);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Error) });
        await console.Status().StartAsync(Markup.Escape(description), async context =>
        {
            while (!task.IsCompleted)
            {
                context.Status(Markup.Escape(Volatile.Read(ref status)));
                await Task.WhenAny(task, Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken)).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        return await task.ConfigureAwait(false);
    }

    private int TerminalWidth()
    {
        try
        {
            return Interactive && Console.WindowWidth > 0 ? Console.WindowWidth : 120;
        }
        catch (IOException)
        {
            return 120;
        }
    }

    private void WritePlain(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> rows)
    {
        int[] widths = headers.Select(h => h.Length).ToArray();
        foreach (var row in rows)
        {
            for (int i = 0; i < widths.Length && i < row.Count; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        void Line(IReadOnlyList<string> cells)
        {
            var sb = new StringBuilder();
            for (int i = 0; i < cells.Count; i++)
            {
                sb.Append(i == cells.Count - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
            }

            Writer.WriteLine(sb.ToString().TrimEnd());
        }

        Line(headers.Select(h => h.ToUpperInvariant()).ToArray());
        foreach (var row in rows)
        {
            Line(row);
        }
    }

    /// <summary>Folds a multi-line message (some SDK errors have several lines) into one line.</summary>
    public static string OneLine(string text)
        => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string EscapeMarkdown(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal);
}
