using System.Globalization;
using System.Text;

namespace Polycloud.Benchmarks.Billing;

/// <summary>
/// Generates a large FOCUS 1.0 CSV at benchmark time by cycling the rows of the FOCUS sample data (all 44 columns,
/// real values and quirks) and giving every row its own hour and id. The file is never committed.
/// </summary>
internal static class FocusCsvGenerator
{
    public static string SamplePath
    {
        get
        {
            var dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "Sdk.sln")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            return Path.Combine(dir ?? throw new InvalidOperationException("Run from inside the repository."),
                "tests", "Polycloud.Billing.Tests", "Data", "focus-sample", "focus_sample.csv");
        }
    }

    public static string EnsureFile(long rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"polycloud-focus-{rows}.csv");
        if (File.Exists(path) && new FileInfo(path).Length > 0)
        {
            return path;
        }

        var lines = File.ReadAllLines(SamplePath);
        var header = lines[0];
        var body = lines.Skip(1).Where(l => l.Length > 0).ToArray();
        var tmp = path + ".partial";
        using (var writer = new StreamWriter(tmp, false, new UTF8Encoding(false), 1 << 20))
        {
            writer.Write(header);
            writer.Write('\n');
            var start = new DateTime(2024, 9, 1, 0, 0, 0, DateTimeKind.Utc);
            for (long i = 0; i < rows; i++)
            {
                // ChargePeriodStart/End are columns 13 and 12 (1-based) of the sample; shift them hour by hour.
                var line = body[i % body.Length];
                var hour = start.AddHours(i / 20_000 % (30 * 24));
                var s = hour.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                var e = hour.AddHours(1).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                int c = 0, p = 0;
                for (int k = 0; k < line.Length && c < 13; k++)
                {
                    if (line[k] == '"')
                    {
                        k = line.IndexOf('"', k + 1);
                        continue;
                    }

                    if (line[k] == ',')
                    {
                        c++;
                        if (c == 11)
                        {
                            p = k + 1;
                        }
                        else if (c == 13)
                        {
                            writer.Write(line.AsSpan(0, p));
                            writer.Write('"');
                            writer.Write(e);
                            writer.Write("\",\"");
                            writer.Write(s);
                            writer.Write('"');
                            writer.Write(line.AsSpan(k));
                        }
                    }
                }

                writer.Write('\n');
            }
        }

        File.Move(tmp, path, overwrite: true);
        return path;
    }
}
