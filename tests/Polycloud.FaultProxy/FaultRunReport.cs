using System.Globalization;
using System.Text;

namespace Polycloud.FaultProxy;

/// <summary>What a fault run did and found: operations, the proxy's counters, failures by code, and every violation.</summary>
public sealed class FaultRunReport
{
    /// <summary>The provider and service, for the report.</summary>
    public required string Name { get; init; }

    /// <summary>The profile the faults came from.</summary>
    public required FaultProfile Profile { get; init; }

    /// <summary>Portable operations run through the proxy.</summary>
    public int Operations { get; set; }

    /// <summary>Operations that succeeded.</summary>
    public int Succeeded { get; set; }

    /// <summary>Operations that failed, by portable code.</summary>
    public SortedDictionary<string, int> FailuresByCode { get; } = new(StringComparer.Ordinal);

    /// <summary>Results that broke a rule (wrong data, wrong code, a lost message); must be empty.</summary>
    public List<string> Violations { get; } = [];

    /// <summary>Notes that are not violations (an upload that failed after the service stored it, a duplicate delivery).</summary>
    public SortedDictionary<string, int> Notes { get; } = new(StringComparer.Ordinal);

    /// <summary>An emulator's known wrong answer: the reason to count a failure as a note rather than a violation.</summary>
    public Func<CloudException, string?>? KnownGap { get; init; }

    /// <summary>The last failure seen.</summary>
    public CloudException? LastFailure { get; set; }

    /// <summary>Requests the proxy received.</summary>
    public long Requests { get; set; }

    /// <summary>Requests the proxy forwarded.</summary>
    public long Forwarded { get; set; }

    /// <summary>Requests that repeated one that got a fault: the client's retries.</summary>
    public long Retries { get; set; }

    /// <summary>Faults injected, by kind.</summary>
    public IReadOnlyDictionary<FaultKind, long> Faults { get; set; } = new Dictionary<FaultKind, long>();

    /// <summary>Records one failed operation.</summary>
    public void Failed(CloudErrorCode code) => FailuresByCode[code.ToString()] = FailuresByCode.GetValueOrDefault(code.ToString()) + 1;

    /// <summary>Records a note.</summary>
    public void Note(string what) => Notes[what] = Notes.GetValueOrDefault(what) + 1;

    /// <summary>Copies the proxy's counters.</summary>
    public void Collect(FaultInjectingProxy proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        Requests = proxy.Requests;
        Forwarded = proxy.Forwarded;
        Retries = proxy.Retries;
        Faults = proxy.Faults;
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"FAULTS {Name}: {Profile}\n");
        text.Append(CultureInfo.InvariantCulture, $"  operations {Operations}, succeeded {Succeeded}, failed {Operations - Succeeded} ({Join(FailuresByCode)})\n");
        text.Append(CultureInfo.InvariantCulture, $"  requests {Requests}, forwarded {Forwarded}, retries {Retries}, faults {Faults.Values.Sum()} ({string.Join(", ", Faults.OrderBy(f => f.Key).Select(f => $"{f.Key} {f.Value}"))})\n");
        text.Append(CultureInfo.InvariantCulture, $"  notes: {Join(Notes)}\n");
        text.Append(CultureInfo.InvariantCulture, $"  violations {Violations.Count}");
        foreach (string v in Violations.Take(20))
        {
            text.Append("\n    ").Append(v);
        }

        return text.ToString();
    }

    private static string Join(IEnumerable<KeyValuePair<string, int>> counts) => string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"));
}
