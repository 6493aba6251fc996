using System.Diagnostics;
using Polycloud.Billing;

namespace Polycloud.Benchmarks.Billing;

/// <summary>A single timed pass over a generated FOCUS file, reporting rows per second and peak working set.</summary>
internal static class IngestProbe
{
    public static async Task RunAsync(long rows)
    {
        var sw = Stopwatch.StartNew();
        var path = FocusCsvGenerator.EnsureFile(rows);
        Console.WriteLine($"file: {path} ({new FileInfo(path).Length / (1024 * 1024)} MiB), ready in {sw.Elapsed.TotalSeconds:F1} s");
        SepBaseline.Run(path);
        for (int pass = 0; pass < 2; pass++)
        {
            sw.Restart();
            long n = 0;
            decimal total = 0;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            await foreach (var r in FocusReader.ReadAsync(path))
            {
                total += r.BilledCost;
                n++;
            }

            var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            Console.WriteLine($"pass {pass}: {n} rows in {sw.Elapsed.TotalSeconds:F2} s = {n / sw.Elapsed.TotalSeconds:N0} rows/s (CPU {cpuUsed.TotalSeconds:F2} s); total {total:F2}");
        }

        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"peak working set {process.PeakWorkingSet64 / (1024 * 1024)} MiB, GC heap {GC.GetTotalMemory(false) / (1024 * 1024)} MiB");
    }
}
