using System.Globalization;
using Xunit;

namespace Polycloud.FaultProxy;

/// <summary>
/// The fault runs' shared settings: the profile (POLYCLOUD_FAULT_SEED, default 20261207; POLYCLOUD_FAULT_RATE, default
/// 0.2) and the number of operations (POLYCLOUD_FAULT_OPERATIONS, default 200).
/// </summary>
public static class FaultRuns
{
    /// <summary>The profile every fault run uses.</summary>
    public static FaultProfile Profile { get; } = new()
    {
        Seed = Number("POLYCLOUD_FAULT_SEED", 20261207),
        Rate = Environment.GetEnvironmentVariable("POLYCLOUD_FAULT_RATE") is { Length: > 0 } r ? double.Parse(r, CultureInfo.InvariantCulture) : 0.2,
    };

    /// <summary>Operations per run.</summary>
    public static int Operations { get; } = Number("POLYCLOUD_FAULT_OPERATIONS", 200);

    /// <summary>
    /// The lease each receive of a run asks for: longer than a faulty call can take (three attempts, each up to the
    /// 3-second call timeout, plus back-off), so a completion never meets an expired lease. A message whose receive
    /// answer was lost comes back after it.
    /// </summary>
    public static TimeSpan Lease { get; } = TimeSpan.FromSeconds(20);

    /// <summary>How long the drain after a run waits for leased messages to come back.</summary>
    public static TimeSpan DrainFor { get; } = TimeSpan.FromSeconds(60);

    /// <summary>Writes the report to the test's output, then checks it as <see cref="AssertClean(FaultRunReport)"/> does.</summary>
    public static void AssertClean(FaultRunReport report, ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(report.ToString());
        AssertClean(report);
    }

    /// <summary>Fails with the report when it has a violation, or when no fault was injected (the run proved nothing).</summary>
    public static void AssertClean(FaultRunReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        Assert.True(report.Faults.Values.Sum() > 0, "no fault was injected: " + report);
        Assert.True(report.Violations.Count == 0, report.ToString());
    }

    private static int Number(string variable, int fallback)
        => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
}
