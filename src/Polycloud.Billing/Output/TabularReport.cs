using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Polycloud.Billing;

/// <summary>A result that can be written as a table (CSV, JSON, Markdown).</summary>
public interface ITabularReport
{
    /// <summary>Column headers.</summary>
    IReadOnlyList<string> Headers { get; }

    /// <summary>Rows; each cell is a string, a <see cref="decimal"/>, a number, a date, or null.</summary>
    IEnumerable<IReadOnlyList<object?>> Rows { get; }
}

/// <summary>Writes any <see cref="ITabularReport"/> as CSV, JSON or a Markdown table.</summary>
public static class ReportFormats
{
    /// <summary>RFC 4180 CSV with a header row; numbers use the invariant culture.</summary>
    /// <param name="report">The report.</param>
    /// <returns>CSV text.</returns>
    public static string ToCsv(this ITabularReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sb = new StringBuilder();
        sb.AppendJoin(',', report.Headers.Select(CsvEscape)).Append("\r\n");
        foreach (var row in report.Rows)
        {
            sb.AppendJoin(',', row.Select(v => CsvEscape(Format(v)))).Append("\r\n");
        }

        return sb.ToString();
    }

    /// <summary>A JSON array of objects keyed by header; money stays a JSON number with full precision.</summary>
    /// <param name="report">The report.</param>
    /// <returns>JSON text.</returns>
    public static string ToJson(this ITabularReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var row in report.Rows)
            {
                writer.WriteStartObject();
                for (int i = 0; i < report.Headers.Count; i++)
                {
                    writer.WritePropertyName(report.Headers[i]);
                    switch (i < row.Count ? row[i] : null)
                    {
                        case null: writer.WriteNullValue(); break;
                        case decimal d: writer.WriteNumberValue(d); break;
                        case double d: writer.WriteNumberValue(d); break;
                        case long l: writer.WriteNumberValue(l); break;
                        case int n: writer.WriteNumberValue(n); break;
                        case bool b: writer.WriteBooleanValue(b); break;
                        case var other: writer.WriteStringValue(Format(other)); break;
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A GitHub-flavoured Markdown table; numeric columns are right-aligned, money columns are rounded to cents.</summary>
    /// <param name="report">The report.</param>
    /// <returns>Markdown text.</returns>
    public static string ToMarkdown(this ITabularReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var rows = report.Rows.ToList();
        var numeric = report.Headers.Select((_, i) => rows.Count > 0 && rows.All(r => i < r.Count && r[i] is null or decimal or double or long or int)).ToArray();
        var sb = new StringBuilder();
        sb.Append("| ").AppendJoin(" | ", report.Headers.Select(Output.MarkdownTable.Escape)).AppendLine(" |");
        sb.Append('|').AppendJoin('|', numeric.Select(n => n ? "---:" : "---")).AppendLine("|");
        var money = report.Headers.Select(IsMoney).ToArray();
        foreach (var row in rows)
        {
            sb.Append("| ").AppendJoin(" | ", row.Select((v, i) => Output.MarkdownTable.Escape(v switch
            {
                decimal d when i < money.Length && money[i] => d.ToString("#,##0.00", CultureInfo.InvariantCulture),
                decimal d => d.ToString("#,##0.########", CultureInfo.InvariantCulture),
                double d => d.ToString("0.####", CultureInfo.InvariantCulture),
                _ => Format(v),
            }))).AppendLine(" |");
        }

        return sb.ToString();
    }

    /// <summary>Money columns are shown in cents in Markdown; quantities and unit prices keep their precision.</summary>
    private static bool IsMoney(string header) =>
        header.EndsWith("Cost", StringComparison.Ordinal) || header is "Change" or "Baseline" or "Forecast" or "ActualToDate" or "DailyRunRate" or "UsedCost" or "UnusedCost";

    internal static string Format(object? value) => value switch
    {
        null => string.Empty,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static string CsvEscape(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
