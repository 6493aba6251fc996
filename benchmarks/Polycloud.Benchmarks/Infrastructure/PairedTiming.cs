using System.Diagnostics;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace Polycloud.Benchmarks.Infrastructure;

/// <summary>
/// Times one raw/Polycloud pair interleaved: short rounds of the raw call and of the Polycloud call alternate
/// (raw-Polycloud, then Polycloud-raw), each round's ratio is taken, and the median of those ratios is the result.
/// Load from other processes that comes and goes over seconds hits both sides of a round alike, so the ratio stays
/// steady on a busy machine where two separately-run benchmarks (seconds apart) can differ by tens of percent.
/// </summary>
public static class PairedTiming
{
    /// <summary>Measures one pair.</summary>
    /// <param name="type">The benchmark class.</param>
    /// <param name="raw">The raw (baseline) benchmark method.</param>
    /// <param name="portable">The Polycloud benchmark method.</param>
    /// <param name="configure">Sets the benchmark's parameters, or <see langword="null"/>.</param>
    /// <param name="rounds">How many rounds of each side.</param>
    /// <param name="roundTime">The target duration of one round.</param>
    /// <returns>The median of the per-round time ratios (Polycloud / raw).</returns>
    public static double MedianRatio(Type type, MethodInfo raw, MethodInfo portable, Action<object>? configure, int rounds, TimeSpan roundTime)
    {
        object instance = Activator.CreateInstance(type)!;
        configure?.Invoke(instance);
        Invoke(instance, type.GetMethods().Where(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null));
        try
        {
            var a = raw.CreateDelegate<Func<Task>>(instance);
            var b = portable.CreateDelegate<Func<Task>>(instance);

            // Warm up until shared SDK code has reached its optimized JIT tier (the runtime recompiles hot methods in
            // the background, and that CPU time would land in whichever side is being timed), then size a round.
            var warm = Stopwatch.StartNew();
            for (int i = 0; warm.Elapsed < WarmUp || i < 200; i++)
            {
                Run(a, 1);
                Run(b, 1);
            }

            long t0 = Stopwatch.GetTimestamp();
            Run(a, 3);
            Run(b, 3);
            double perCall = Stopwatch.GetElapsedTime(t0).Ticks / 6.0;
            int calls = (int)Math.Clamp(roundTime.Ticks / Math.Max(perCall, 1), 1, 1_000_000);
            var ratios = new double[rounds];
            for (int r = 0; r < rounds; r++)
            {
                double ta, tb;
                if (r % 2 == 0)
                {
                    ta = Time(a, calls);
                    tb = Time(b, calls);
                }
                else
                {
                    tb = Time(b, calls);
                    ta = Time(a, calls);
                }

                ratios[r] = tb / ta;
            }

            Array.Sort(ratios);
            return rounds % 2 == 1 ? ratios[rounds / 2] : (ratios[(rounds / 2) - 1] + ratios[rounds / 2]) / 2;
        }
        finally
        {
            Invoke(instance, type.GetMethods().Where(m => m.GetCustomAttribute<GlobalCleanupAttribute>() is not null));
        }
    }

    /// <summary>
    /// What a round's duration is measured in: on Linux the CPU time of this process (all its threads, nanosecond
    /// resolution), so time the scheduler gives to other processes on a busy machine is not counted; elsewhere the
    /// wall clock.
    /// </summary>
    public static string Clock => OperatingSystem.IsLinux() ? "process CPU time" : "wall-clock time";

    /// <summary>
    /// Exercises every pair of a suite for a while before any is timed: the first pair timed in a fresh process was
    /// otherwise seen several percent off (code shared by the pairs was still being tiered up).
    /// </summary>
    /// <param name="type">The benchmark class.</param>
    /// <param name="pairs">The pairs: raw method, Polycloud method, parameter setter.</param>
    /// <param name="total">The total warm-up time for the suite.</param>
    public static void WarmUpSuite(Type type, IReadOnlyList<(MethodInfo Raw, MethodInfo Portable, Action<object>? Configure)> pairs, TimeSpan total)
    {
        var each = total / Math.Max(pairs.Count, 1);
        foreach (var (raw, portable, configure) in pairs)
        {
            object instance = Activator.CreateInstance(type)!;
            configure?.Invoke(instance);
            Invoke(instance, type.GetMethods().Where(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null));
            try
            {
                var a = raw.CreateDelegate<Func<Task>>(instance);
                var b = portable.CreateDelegate<Func<Task>>(instance);
                var watch = Stopwatch.StartNew();
                while (watch.Elapsed < each)
                {
                    Run(a, 1);
                    Run(b, 1);
                }
            }
            finally
            {
                Invoke(instance, type.GetMethods().Where(m => m.GetCustomAttribute<GlobalCleanupAttribute>() is not null));
            }
        }
    }

    /// <summary>Calls each benchmark of a class once with request tracing on: what each side sends, for the docs.</summary>
    /// <param name="type">The benchmark class.</param>
    public static void TraceOnce(Type type)
    {
        object instance = Activator.CreateInstance(type)!;
        Invoke(instance, type.GetMethods().Where(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null));
        try
        {
            foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            {
                Console.WriteLine($"{type.Name}.{method.Name}");
                CannedHandler.Trace = true;
                try
                {
                    Run(method.CreateDelegate<Func<Task>>(instance), 1);
                }
                finally
                {
                    CannedHandler.Trace = false;
                }
            }
        }
        finally
        {
            Invoke(instance, type.GetMethods().Where(m => m.GetCustomAttribute<GlobalCleanupAttribute>() is not null));
        }
    }

    /// <summary>How long each pair is exercised before it is timed.</summary>
    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(0.5);

    private static double Time(Func<Task> call, int count)
    {
        long start = Now();
        Run(call, count);
        return Now() - start;
    }

    private static long Now()
    {
        if (OperatingSystem.IsLinux() && clock_gettime(ClockProcessCpuTimeId, out var ts) == 0)
        {
            return (ts.Seconds * 1_000_000_000) + ts.Nanoseconds;
        }

        return Stopwatch.GetTimestamp();
    }

    private const int ClockProcessCpuTimeId = 2;

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = false)]
#pragma warning disable CA5392, SYSLIB1054 // libc, a fixed system library; a plain P/Invoke keeps this file dependency-free
    private static extern int clock_gettime(int clockId, out TimeSpec time);
#pragma warning restore CA5392, SYSLIB1054

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static void Run(Func<Task> call, int count)
    {
        for (int i = 0; i < count; i++)
        {
            call().GetAwaiter().GetResult();
        }
    }

    private static void Invoke(object instance, IEnumerable<MethodInfo> methods)
    {
        foreach (var method in methods)
        {
            if (method.Invoke(instance, null) is Task task)
            {
                task.GetAwaiter().GetResult();
            }
        }
    }
}
