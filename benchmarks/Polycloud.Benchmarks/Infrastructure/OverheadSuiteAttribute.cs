namespace Polycloud.Benchmarks.Infrastructure;

/// <summary>How a suite reaches its service.</summary>
public enum BenchTransport
{
    /// <summary>An in-process <see cref="CannedHandler"/>: the layers' CPU cost only.</summary>
    InProcess,

    /// <summary>A local emulator over loopback (started by <c>eng/emulators.sh</c>).</summary>
    Emulator,

    /// <summary>No network: a local driver against a peer library (memory, disk).</summary>
    Local,
}

/// <summary>
/// Marks a benchmark class as a raw-vs-Polycloud suite. Each <c>[BenchmarkCategory]</c> in it holds one pair: the raw
/// call (<c>Baseline = true</c>) and the Polycloud call. The gate runs the <see cref="BenchTransport.InProcess"/>
/// suites and fails when a <see cref="Gated"/> pair's time ratio exceeds the budget.
/// </summary>
/// <param name="provider">The name printed in the results, for example <c>S3</c>.</param>
/// <param name="transport">How the suite reaches its service.</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class OverheadSuiteAttribute(string provider, BenchTransport transport) : Attribute
{
    /// <summary>The provider name printed in the results.</summary>
    public string Provider { get; } = provider;

    /// <summary>How the suite reaches its service.</summary>
    public BenchTransport Transport { get; } = transport;

    /// <summary>
    /// Whether the gate enforces the budget on this suite's pairs. Peer comparisons (a local driver against another
    /// library) and the telemetry-listener pair are reported but not gated: they are not a layer over the same client.
    /// </summary>
    public bool Gated { get; init; } = true;
}
