using System.Diagnostics;
using nietras.SeparatedValues;

namespace Polycloud.Benchmarks.Billing;

internal static class SepBaseline
{
    public static void Run(string path)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        using var reader = Sep.Reader(o => o with { Unescape = true }).FromFile(path);
        long n = 0, len = 0;
        foreach (var row in reader)
        {
            for (int i = 0; i < row.ColCount; i++)
            {
                len += row[i].Span.Length;
            }

            n++;
        }

        Console.WriteLine($"sep only: {n} rows, wall {sw.Elapsed.TotalSeconds:F2} s, CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F2} s ({len})");
    }
}
