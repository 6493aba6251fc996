using BenchmarkDotNet.Running;
using Polycloud.Benchmarks.Infrastructure;

// gate [provider...]       the in-process suites with a short job: per-pair ratios, exit 1 when one exceeds 1.10
// loopback [provider...]   the same pairs against the local emulators (start them first: eng/bench.sh emulators)
// trace <class...>         each benchmark of an in-process class once, printing the requests it sends
// anything else            BenchmarkDotNet's own command line (--filter, --job, --list flat, ...)
if (args.Length > 0 && args[0] == "gate")
{
    return OverheadGate.Run(BenchTransport.InProcess, args[1..], enforce: true);
}

if (args.Length > 0 && args[0] == "loopback")
{
    return OverheadGate.Run(BenchTransport.Emulator, args[1..], enforce: false);
}

if (args.Length > 1 && args[0] == "trace")
{
    // trace <class name>: each benchmark once, printing the HTTP requests it makes (in-process suites).
    foreach (string name in args[1..])
    {
        PairedTiming.TraceOnce(typeof(OverheadGate).Assembly.GetTypes().Single(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase)));
    }

    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(OverheadGate).Assembly).Run(args);
return 0;
