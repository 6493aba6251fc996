if (args.Length >= 1 && args[0] == "billing-ingest")
{
    // Quick one-off measurement without BenchmarkDotNet: billing-ingest <rows>
    long rows = args.Length > 1 ? long.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1_000_000;
    await Polycloud.Benchmarks.Billing.IngestProbe.RunAsync(rows);
    return;
}

BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
