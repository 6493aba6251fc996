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
/// a streaming group-by, on one thread: every column, and only the five columns a daily cost total by provider and
/// service uses (<see cref="QueryColumns"/>). Rows per second = Rows / Mean; rows per CPU-second are printed per iteration.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(IngestConfig))]
public class FocusIngestBenchmarks
{
    private string _path = string.Empty;

    /// <summary>The columns of a daily EffectiveCost total by provider and service (what <see cref="CostQuery.RequiredColumns"/> gives for it).</summary>
    private static readonly FocusColumnSet QueryColumns =
        FocusColumnSet.Of("ProviderName", "ServiceName", "ChargePeriodStart", "BillingCurrency", "EffectiveCost");

    /// <summary>Rows in the generated file: 10,000,000, or <c>POLYCLOUD_FOCUS_ROWS</c> for quicker runs (for example 200000).</summary>
    [ParamsSource(nameof(RowCounts))]
    public long Rows { get; set; }

    /// <summary>The row counts to run.</summary>
    public static IEnumerable<long> RowCounts =>
        [long.TryParse(Environment.GetEnvironmentVariable("POLYCLOUD_FOCUS_ROWS"), out var rows) && rows > 0 ? rows : 10_000_000];

    private TimeSpan _cpuAtStart;
    private long _iteration;

    [GlobalSetup]
    public void Setup()
    {
        if (!DailyQuery().RequiredColumns.Equals(QueryColumns))
        {
            throw new InvalidOperationException($"The daily query reads {DailyQuery().RequiredColumns}, not {QueryColumns}.");
        }

        _path = FocusCsvGenerator.EnsureFile(Rows);
    }

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

    [Benchmark(Description = "Sep: parse every row, unescape the 5 query columns (projection floor)")]
    public long SepParseQueryColumns()
    {
        using var reader = Sep.Reader(o => o with { Unescape = true }).FromFile(_path);
        int[] columns = [.. QueryColumns.Select(c => reader.Header.IndexOf(c))];
        long chars = 0;
        foreach (var row in reader)
        {
            foreach (var i in columns)
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

        CheckRows(n);
        return total;
    }

    [Benchmark(Description = "FocusReader.ReadAsync: 5 query columns of every row (Columns = ProviderName, ServiceName, ChargePeriodStart, BillingCurrency, EffectiveCost)")]
    public async Task<decimal> ReadQueryColumns()
    {
        decimal total = 0;
        long n = 0, missing = 0;
        await foreach (var r in FocusReader.ReadAsync(_path, new FocusReadOptions { Columns = QueryColumns }))
        {
            // Every projected value of every row is used: the cost summed, the strings and the timestamp checked.
            total += r.EffectiveCost;
            if (r.ProviderName is null || r.ServiceName is null || r.BillingCurrency is null || r.ChargePeriodStart == default)
            {
                missing++;
            }

            n++;
        }

        CheckRows(n);
        if (missing > 0)
        {
            throw new InvalidOperationException($"{missing} rows without provider, service, currency or charge period.");
        }

        return total;
    }

    [Benchmark(Description = "CostQuery: daily EffectiveCost by provider and service, over every column's records")]
    public async Task<int> DailyByProviderAndService()
    {
        var table = await DailyQuery().ExecuteAsync(FocusReader.ReadAsync(_path));
        CheckRows(table.Items.Sum(r => r.RowCount));
        return table.Items.Count;
    }

    [Benchmark(Description = "CostQuery: daily EffectiveCost by provider and service, over the file path (reads the 5 columns)")]
    public async Task<int> DailyByProviderAndServiceFromPath()
    {
        var table = await DailyQuery().ExecuteAsync(_path);
        CheckRows(table.Items.Sum(r => r.RowCount));
        return table.Items.Count;
    }

    private static CostQuery DailyQuery() =>
        new CostQuery().GroupBy(CostDimension.Provider, CostDimension.Service).Per(CostGranularity.Day);

    private void CheckRows(long n)
    {
        if (n != Rows)
        {
            throw new InvalidOperationException($"Read {n} rows, expected {Rows}.");
        }
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
