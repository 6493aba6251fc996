using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using nietras.SeparatedValues;
using Polycloud.Billing;

namespace Polycloud.Benchmarks.Billing;

/// <summary>
/// Ingest of a generated 10-million-row FOCUS CSV (44 columns, ~750 bytes a row) into <see cref="FocusRecord"/>s and
/// a streaming group-by, on one thread. Rows per second = Rows / Mean.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(IngestConfig))]
public class FocusIngestBenchmarks
{
    private string _path = string.Empty;

    /// <summary>Rows in the generated file: 10,000,000, or <c>POLYCLOUD_FOCUS_ROWS</c> for quicker runs (for example 200000).</summary>
    [ParamsSource(nameof(RowCounts))]
    public long Rows { get; set; }

    /// <summary>The row counts to run.</summary>
    public static IEnumerable<long> RowCounts =>
        [long.TryParse(Environment.GetEnvironmentVariable("POLYCLOUD_FOCUS_ROWS"), out var rows) && rows > 0 ? rows : 10_000_000];

    private TimeSpan _cpuAtStart;
    private long _iteration;

    [GlobalSetup]
    public void Setup() => _path = FocusCsvGenerator.EnsureFile(Rows);

    // The job runs in process, so the process CPU time of an iteration is the CPU the read used: rows per CPU-second
    // is the per-core throughput even when the wall clock also waits for the disk or for other load on the machine.
    [IterationSetup]
    public void StartCpuClock()
    {
        using var process = Process.GetCurrentProcess();
        _cpuAtStart = process.TotalProcessorTime;
    }

    [IterationCleanup]
    public void StopCpuClock()
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime - _cpuAtStart;
        Console.WriteLine($"// Iteration {++_iteration}: CPU {cpu.TotalSeconds:F2} s = {Rows / cpu.TotalSeconds:N0} rows per CPU-second");
    }

    [Benchmark(Description = "Sep: parse every column of every row (parser floor)")]
    public long SepParseOnly()
    {
        using var reader = Sep.Reader(o => o with { Unescape = true }).FromFile(_path);
        long chars = 0;
        foreach (var row in reader)
        {
            for (int i = 0; i < row.ColCount; i++)
            {
                chars += row[i].Span.Length;
            }
        }

        return chars;
    }

    [Benchmark(Description = "FocusReader.ReadAsync: every column of every row")]
    public async Task<decimal> ReadAllColumns()
    {
        decimal total = 0;
        long n = 0;
        await foreach (var r in FocusReader.ReadAsync(_path))
        {
            total += r.BilledCost;
            n++;
        }

        if (n != Rows)
        {
            throw new InvalidOperationException($"Read {n} rows, expected {Rows}.");
        }

        return total;
    }

    [Benchmark(Description = "CostQuery: daily EffectiveCost by provider and service")]
    public async Task<int> DailyByProviderAndService()
    {
        var table = await new CostQuery().GroupBy(CostDimension.Provider, CostDimension.Service).Per(CostGranularity.Day)
            .ExecuteAsync(FocusReader.ReadAsync(_path));
        return table.Items.Count;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        using var process = Process.GetCurrentProcess();
        Console.WriteLine($"// Peak working set: {process.PeakWorkingSet64 / (1024 * 1024)} MiB; file {new FileInfo(_path).Length / (1024 * 1024)} MiB");
    }
}

/// <summary>
/// Each operation reads a 7 GB file, so a few single-shot iterations say all there is to say; in-process, because
/// building a separate benchmark executable on a busy shared machine can exceed BenchmarkDotNet's build timeout.
/// </summary>
internal sealed class IngestConfig : ManualConfig
{
    public IngestConfig() => AddJob(Job.Default
        .WithStrategy(RunStrategy.Monitoring)
        .WithLaunchCount(1)
        .WithWarmupCount(0)
        .WithIterationCount(int.TryParse(Environment.GetEnvironmentVariable("POLYCLOUD_FOCUS_ITERATIONS"), out var n) && n > 0 ? n : 2)
        .WithToolchain(InProcessEmitToolchain.Instance)
        .WithId("Ingest"));
}
