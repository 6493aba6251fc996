using System.Globalization;
using System.Reflection;
using System.Text;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Polycloud.Benchmarks.Infrastructure;

/// <summary>
/// Runs the raw-vs-Polycloud suites with a short in-process job, prints one line per pair (time ratio, allocation
/// ratio) and the largest gated time ratio, and returns 1 when it exceeds <see cref="Budget"/>.
/// </summary>
public static class OverheadGate
{
    /// <summary>The user's requirement: Polycloud time ≤ 1.10 × the raw SDK call.</summary>
    public const double Budget = 1.10;

    /// <summary>The project's target.</summary>
    public const double Target = 1.03;

    private const int PairedRounds = 61;

    /// <summary>Runs the gate.</summary>
    /// <param name="transport">Which suites to run.</param>
    /// <param name="args">Optional provider names (case-insensitive) to run only those suites.</param>
    /// <returns>The process exit code.</returns>
    public static int Run(BenchTransport transport, string[] args, bool enforce)
    {
        bool pairedOnly = args.Contains("--paired-only");
        var operations = args.SkipWhile(a => a != "--op").Skip(1).Take(1).ToHashSet(StringComparer.Ordinal);
        args = args.Where((a, i) => a != "--paired-only" && a != "--op" && (i == 0 || args[i - 1] != "--op")).ToArray();
        var suites = typeof(OverheadGate).Assembly.GetTypes()
            .Select(t => (Type: t, Suite: t.GetCustomAttribute<OverheadSuiteAttribute>()))
            .Where(s => s.Suite is not null && !s.Type.IsAbstract)
            .Where(s => s.Suite!.Transport == transport || (transport == BenchTransport.InProcess && s.Suite.Transport == BenchTransport.Local))
            .Where(s => args.Length == 0 || args.Any(a => a.Equals(s.Suite!.Provider, StringComparison.OrdinalIgnoreCase) || a.Equals(s.Type.Name, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(s => s.Suite!.Gated ? 0 : 1).ThenBy(s => s.Type.Name, StringComparer.Ordinal)
            .ToList();
        if (suites.Count == 0)
        {
            Console.Error.WriteLine($"No suite matches: {string.Join(' ', args)}");
            return 2;
        }

        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithWarmupCount(3)
            .WithIterationCount(8)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .WithId(transport == BenchTransport.InProcess ? "Gate" : "Loopback");
        ManualConfig Config() => ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(CategoriesColumn.Default)
            .AddLogger(ConsoleLogger.Default)
            .AddExporter(MarkdownExporter.GitHub)
            .WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared))
            .AddLogicalGroupRules(BenchmarkLogicalGroupRule.ByCategory)
            .WithOptions(ConfigOptions.DisableLogFile);

        var rows = new List<Row>();
        foreach (var (type, suite) in suites)
        {
            // The paired phase runs first: besides the gated ratio, it warms every pair up (JIT tiers, pools), so the
            // BenchmarkDotNet runs that follow in this process do not charge shared SDK code's first tier to
            // whichever side of a pair happens to run first.
            var pairs = Pairs(type).Where(p => operations.Count == 0 || operations.Contains(p.Operation)).ToList();
            Console.WriteLine($"// paired, interleaved timing of {type.Name} ({PairedRounds} rounds per pair)");
            var paired = new Dictionary<string, double>(StringComparer.Ordinal);
            PairedTiming.WarmUpSuite(type, Pairs(type).Select(p => (p.Raw, p.Portable, p.Configure)).ToList(), TimeSpan.FromSeconds(4));
            foreach (var (operation, raw, portable, configure) in pairs)
            {
                paired[operation + "|" + portable.Name] = PairedTiming.MedianRatio(type, raw, portable, configure, PairedRounds, TimeSpan.FromMilliseconds(25));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"//   {operation}: {portable.Name} / {raw.Name} = {paired[operation + "|" + portable.Name]:0.000}"));
            }

            if (pairedOnly)
            {
                rows.AddRange(pairs.Select(p => new Row(suite!.Provider, p.Operation, p.Raw, p.Portable, suite.Gated, null, null, null, null) { PairedRatio = paired[p.Operation + "|" + p.Portable.Name] }));
                continue;
            }

            var filter = new NameFilter(pairs.SelectMany(p => new[] { p.Raw.Name, p.Portable.Name }).ToHashSet(StringComparer.Ordinal));
            var summary = BenchmarkRunner.Run(type, Config().AddFilter(filter));
            foreach (var row in Rows(summary, suite!))
            {
                row.PairedRatio = paired.TryGetValue(row.Operation + "|" + row.Method.Name, out double r) ? r : null;
                rows.Add(row);
            }
        }

        return Report(rows, transport, enforce);
    }

    private static IEnumerable<Pair> Pairs(Type type)
    {
        var methods = type.GetMethods()
            .Select(m => (Method: m, Benchmark: m.GetCustomAttribute<BenchmarkDotNet.Attributes.BenchmarkAttribute>(), Category: m.GetCustomAttribute<BenchmarkDotNet.Attributes.BenchmarkCategoryAttribute>()))
            .Where(m => m.Benchmark is not null && m.Category is not null)
            .ToList();

        // One [Params] property is supported: each of its values is a pair of its own.
        var parameter = type.GetProperties().Select(p => (Property: p, Values: p.GetCustomAttribute<BenchmarkDotNet.Attributes.ParamsAttribute>()?.Values)).FirstOrDefault(p => p.Values is not null);
        var settings = new List<(string Suffix, Action<object>? Configure)>();
        if (parameter.Values is null)
        {
            settings.Add((string.Empty, null));
        }
        else
        {
            foreach (object? value in parameter.Values)
            {
                var property = parameter.Property;
                settings.Add((string.Create(CultureInfo.InvariantCulture, $" ({property.Name}={value})"), o => property.SetValue(o, value)));
            }
        }

        foreach (var group in methods.GroupBy(m => string.Join(",", m.Category!.Categories)))
        {
            var raw = group.FirstOrDefault(m => m.Benchmark!.Baseline);
            if (raw.Method is null)
            {
                continue;
            }

            foreach (var other in group.Where(m => !m.Benchmark!.Baseline))
            {
                foreach (var (suffix, configure) in settings)
                {
                    yield return new Pair(group.Key + suffix, raw.Method, other.Method, configure);
                }
            }
        }
    }

    private static IEnumerable<Row> Rows(Summary summary, OverheadSuiteAttribute suite)
    {
        foreach (var group in summary.Reports.GroupBy(r => string.Join(",", r.BenchmarkCase.Descriptor.Categories) + ParameterSuffix(r.BenchmarkCase)))
        {
            var raw = group.FirstOrDefault(r => r.BenchmarkCase.Descriptor.Baseline);
            foreach (var other in group.Where(r => !r.BenchmarkCase.Descriptor.Baseline))
            {
                yield return new Row(
                    suite.Provider,
                    group.Key,
                    raw?.BenchmarkCase.Descriptor.WorkloadMethod!,
                    other.BenchmarkCase.Descriptor.WorkloadMethod,
                    suite.Gated,
                    raw?.ResultStatistics?.Mean,
                    other.ResultStatistics?.Mean,
                    raw?.GcStats.GetBytesAllocatedPerOperation(raw.BenchmarkCase),
                    other.GcStats.GetBytesAllocatedPerOperation(other.BenchmarkCase));
            }
        }
    }

    private static int Report(List<Row> rows, BenchTransport transport, bool enforce)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| Provider | Operation | Raw mean | Polycloud mean | Ratio of means | Paired ratio | Raw alloc | Polycloud alloc | Alloc ratio | Gated |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|:-:|");
        Row? worst = null;
        bool failedRun = false;
        foreach (var row in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.Provider} | {row.Operation} | {Time(row.RawMean)} | {Time(row.Mean)} | {Ratio(row.MeanRatio)} | {Ratio(row.PairedRatio)} | {Bytes(row.RawAlloc)} | {Bytes(row.Alloc)} | {Ratio(row.AllocRatio)} | {(row.Gated ? "yes" : "peer")} |");
            if (!row.Gated)
            {
                continue;
            }

            if (row.TimeRatio is null)
            {
                failedRun = true;
                continue;
            }

            if (worst?.TimeRatio is null || row.TimeRatio > worst.TimeRatio)
            {
                worst = row;
            }
        }

        Console.WriteLine();
        Console.WriteLine(transport == BenchTransport.InProcess ? "Polycloud overhead, in-process transport" : "Polycloud overhead, local emulators over loopback");
        Console.WriteLine();
        Console.Write(text.ToString());
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"budget {Budget:0.00}, target {Target:0.00}, on the paired ratio (median of {PairedRounds} interleaved rounds, {PairedTiming.Clock}); pairs marked 'peer' are reported, not gated."));
        string artifacts = Path.Combine("BenchmarkDotNet.Artifacts", transport == BenchTransport.InProcess ? "gate.md" : "loopback.md");
        Directory.CreateDirectory("BenchmarkDotNet.Artifacts");
        File.WriteAllText(artifacts, text.ToString());
        Console.WriteLine($"table written to {Path.GetFullPath(artifacts)}");
        if (failedRun)
        {
            Console.WriteLine("some benchmarks produced no result (see the log above)");
        }

        if (worst is null)
        {
            Console.WriteLine("max overhead ratio: n/a (no gated pair produced a result)");
            return 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"max overhead ratio: {worst.TimeRatio:0.00} ({worst.Provider} {worst.Operation})"));
        return enforce && (failedRun || worst.TimeRatio > Budget) ? 1 : 0;
    }

    private static string Time(double? ns) => ns switch
    {
        null => "n/a",
        < 10_000 => string.Create(CultureInfo.InvariantCulture, $"{ns:0.0} ns"),
        < 10_000_000 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1000:0.00} µs"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ns / 1_000_000:0.00} ms"),
    };

    private static string Bytes(long? bytes) => bytes switch
    {
        null => "n/a",
        < 10_240 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 10_485_760 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.00} MB"),
    };

    private static string Ratio(double? ratio) => ratio is null ? "n/a" : ratio.Value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string ParameterSuffix(BenchmarkCase benchmarkCase)
        => benchmarkCase.Parameters.Count == 0
            ? string.Empty
            : " (" + string.Join(", ", benchmarkCase.Parameters.Items.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name}={p.Value}"))) + ")";

    private sealed record Pair(string Operation, MethodInfo Raw, MethodInfo Portable, Action<object>? Configure);

    private sealed class NameFilter(HashSet<string> names) : BenchmarkDotNet.Filters.IFilter
    {
        public bool Predicate(BenchmarkCase benchmarkCase) => names.Contains(benchmarkCase.Descriptor.WorkloadMethod.Name);
    }

    private sealed record Row(string Provider, string Operation, MethodInfo RawMethod, MethodInfo Method, bool Gated, double? RawMean, double? Mean, long? RawAlloc, long? Alloc)
    {
        public double? PairedRatio { get; set; }

        public double? MeanRatio => RawMean is > 0 && Mean is not null ? Mean / RawMean : null;

        public double? TimeRatio => PairedRatio;

        public double? AllocRatio => RawAlloc is > 0 && Alloc is not null ? (double)Alloc / RawAlloc.Value : null;
    }
}
