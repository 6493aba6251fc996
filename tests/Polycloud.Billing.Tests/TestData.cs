using System.Globalization;
using System.Text;

namespace Polycloud.Billing.Tests;

/// <summary>Paths of the committed sample files and an independent CSV reader for cross-checking totals.</summary>
internal static class TestData
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Data");

    public static string FocusSample => Path.Combine(Dir, "focus-sample", "focus_sample.csv");
    public static string AwsCurLegacy => Path.Combine(Dir, "native", "aws-cur-legacy-sample-anonymous.csv");
    public static string AzureEa => Path.Combine(Dir, "native", "azure-ea-export-sample-anonymous.csv");
    public static string AwsCur2 => Path.Combine(Dir, "handmade", "aws-cur2-sample.csv");
    public static string GcpJson => Path.Combine(Dir, "handmade", "gcp-bigquery-export-sample.jsonl");
    public static string GcpCsv => Path.Combine(Dir, "handmade", "gcp-bigquery-export-sample.csv");
    public static string SpecExamples => Path.Combine(Dir, "focus-spec-1.2");

    public static IEnumerable<string> SpecExampleFiles => Directory.EnumerateFiles(SpecExamples, "*.csv", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    public static async Task<List<FocusRecord>> ReadAllAsync(string path, FocusReadOptions? options = null)
    {
        var list = new List<FocusRecord>();
        await foreach (var r in FocusReader.ReadAsync(path, options, TestContext.Current.CancellationToken))
        {
            list.Add(r);
        }

        return list;
    }

    /// <summary>Sum of one column computed by a deliberately simple RFC 4180 parser, independent of the library.</summary>
    public static decimal SumColumn(string path, string column, Func<Dictionary<string, string>, bool>? where = null, bool money = false)
    {
        decimal sum = 0;
        foreach (var row in ReadCsv(path))
        {
            if (where is not null && !where(row))
            {
                continue;
            }

            var v = row[column].Trim();
            if (v.Length == 0 || v.Equals("null", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            sum += money
                ? decimal.Parse(v, NumberStyles.Currency | NumberStyles.Float, CultureInfo.GetCultureInfo("en-US"))
                : decimal.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return sum;
    }

    public static IEnumerable<Dictionary<string, string>> ReadCsv(string path)
    {
        var text = File.ReadAllText(path, Encoding.UTF8).TrimStart('\uFEFF');
        var records = new List<List<string>>();
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                if (!(fields.Count == 1 && fields[0].Length == 0))
                {
                    records.Add(fields);
                }

                fields = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add(fields);
        }

        var header = records[0];
        foreach (var rec in records.Skip(1))
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < header.Count; i++)
            {
                row[header[i]] = i < rec.Count ? rec[i] : string.Empty;
            }

            yield return row;
        }
    }

    public static decimal Cents(decimal d) => Math.Round(d, 2, MidpointRounding.ToEven);
}
