using System.Globalization;
using System.Text;

namespace Polycloud.Networking;

/// <summary>The rule that decided a hop, in the provider's own terms.</summary>
/// <param name="Id">How the provider identifies it: a rule name (<c>AllowVnetInBound</c>), a NACL rule number (<c>100</c>), a permission index (<c>sg-0abc IpPermissions[2]</c>).</param>
/// <param name="Summary">What the rule says, for example <c>allow tcp 22 from 203.0.113.0/24</c>.</param>
/// <param name="Priority">Its priority or rule number where order matters; <see langword="null"/> for unordered rules.</param>
/// <param name="IsImplicit"><see langword="true"/> for a rule the provider adds itself (SG default egress, NACL <c>*</c>, NSG default rules, GCP implied rules, the policy defaults).</param>
public sealed record RuleReference(string Id, string Summary, int? Priority, bool IsImplicit)
{
    /// <inheritdoc/>
    public override string ToString()
    {
        var priority = Priority is { } p ? string.Create(CultureInfo.InvariantCulture, $", priority {p}") : string.Empty;
        return $"'{Id}' ({Summary}{priority}{(IsImplicit ? ", implicit" : string.Empty)})";
    }
}

/// <summary>The verdict of one filter on one packet direction of a flow.</summary>
public sealed record HopVerdict
{
    /// <summary>The provider or model, for example <c>portable</c>, <c>aws-sg</c>, <c>aws-nacl</c>, <c>azure-nsg</c>, <c>gcp-firewall</c>.</summary>
    public required string Provider { get; init; }

    /// <summary>The filter, for example <c>security groups of the source (sg-1, sg-2)</c> or <c>NSG web-nsg on the destination NIC</c>.</summary>
    public required string Filter { get; init; }

    /// <summary>The direction of the rules that were checked, seen from the filter.</summary>
    public required NetworkDirection Direction { get; init; }

    /// <summary><see langword="true"/> when this hop checks the return packets of the flow (stateless filters only).</summary>
    public bool IsReturnTraffic { get; init; }

    /// <summary>The verdict.</summary>
    public required FlowVerdict Verdict { get; init; }

    /// <summary>The rule that decided, or <see langword="null"/> when no rule did (for example an AWS security group with no matching permission).</summary>
    public RuleReference? DecidingRule { get; init; }

    /// <summary>Why, as a sentence in the provider's semantics.</summary>
    public required string Reason { get; init; }

    /// <summary>Assumptions the evaluation made (for example the source port of return traffic).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>The explanation of a flow: the overall verdict and every hop's verdict with the rule that decided it. <see cref="ToString"/> is the readable text.</summary>
public sealed class FlowExplanation
{
    /// <summary>Creates an explanation.</summary>
    /// <param name="flow">The flow.</param>
    /// <param name="hops">The hops, in packet order.</param>
    public FlowExplanation(Flow flow, IReadOnlyList<HopVerdict> hops)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(hops);
        Flow = flow;
        Hops = hops;
        foreach (var hop in hops)
        {
            if (hop.Verdict == FlowVerdict.Denied)
            {
                BlockingHop = hop;
                break;
            }
        }
    }

    /// <summary>The flow.</summary>
    public Flow Flow { get; }

    /// <summary>Every hop, in packet order.</summary>
    public IReadOnlyList<HopVerdict> Hops { get; }

    /// <summary><see cref="FlowVerdict.Allowed"/> when every hop allows the flow.</summary>
    public FlowVerdict Verdict => BlockingHop is null ? FlowVerdict.Allowed : FlowVerdict.Denied;

    /// <summary>The first hop that denies the flow, or <see langword="null"/>.</summary>
    public HopVerdict? BlockingHop { get; }

    /// <summary>The readable explanation.</summary>
    /// <returns>Multi-line text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Flow}: {(Verdict == FlowVerdict.Allowed ? "ALLOWED" : "DENIED")}");
        if (BlockingHop is { } blocking)
        {
            text.Append(CultureInfo.InvariantCulture, $" (blocked by {blocking.Filter}, {blocking.Direction.ToText()}{(blocking.IsReturnTraffic ? " return traffic" : string.Empty)})");
        }

        text.AppendLine();
        for (var i = 0; i < Hops.Count; i++)
        {
            var hop = Hops[i];
            text.Append(CultureInfo.InvariantCulture, $"  {i + 1}. [{hop.Provider}] {hop.Filter}, {hop.Direction.ToText()}{(hop.IsReturnTraffic ? " (return traffic)" : string.Empty)}: ");
            text.Append(hop.Verdict == FlowVerdict.Allowed ? "allowed" : "denied");
            text.Append(hop.DecidingRule is { } rule ? $" by {rule}" : " (no rule matched)");
            text.AppendLine();
            text.Append("     ").AppendLine(hop.Reason);
            foreach (var note in hop.Notes)
            {
                text.Append("     note: ").AppendLine(note);
            }
        }

        return text.ToString();
    }
}

/// <summary>Evaluates flows offline against one set of rules, in one provider's semantics.</summary>
public interface INetworkFlowEvaluator
{
    /// <summary>The provider or model name used in the explanation (for example <c>aws-sg</c>).</summary>
    string Provider { get; }

    /// <summary>Evaluates the flow and returns a verdict for every hop this evaluator covers, in packet order.</summary>
    /// <param name="flow">The flow.</param>
    /// <returns>The hops.</returns>
    IReadOnlyList<HopVerdict> Evaluate(Flow flow);
}

/// <summary>Explains flows across one or more evaluators (for example an AWS security group and an Azure NSG on the way).</summary>
public static class NetworkExplainer
{
    /// <summary>Explains a flow: every evaluator's hops in the order given; the flow is allowed when every hop allows it.</summary>
    /// <param name="flow">The flow.</param>
    /// <param name="evaluators">The filters on the way, in packet order.</param>
    /// <returns>The explanation.</returns>
    public static FlowExplanation Explain(Flow flow, params INetworkFlowEvaluator[] evaluators)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(evaluators);
        if (evaluators.Length == 1)
        {
            return new FlowExplanation(flow, evaluators[0].Evaluate(flow));
        }

        var hops = new List<HopVerdict>();
        foreach (var evaluator in evaluators)
        {
            hops.AddRange(evaluator.Evaluate(flow));
        }

        return new FlowExplanation(flow, hops);
    }
}
