
namespace Polycloud.Networking.Google;

/// <summary>
/// Evaluates flows against GCP VPC firewall rules: egress rules that target the source instance, then ingress rules
/// that target the destination instance. In each direction the enabled rules and the implied rules (deny all ingress,
/// allow all egress, priority 65535) are ordered by ascending priority with deny first at equal priority, and the first
/// match decides. Stateful: replies are not checked. Instances carry network tags in <see cref="FlowEndpoint.Tags"/>
/// and a <see cref="FlowEndpoint.ServiceAccount"/>.
/// </summary>
public sealed class GcpFirewallEvaluator : INetworkFlowEvaluator
{
    private readonly FirewallData[] _ingress;
    private readonly FirewallData[] _egress;
    private readonly FlowSides _sides;

    /// <summary>Creates an evaluator from <c>gcloud compute firewall-rules list --format=json</c> output.</summary>
    /// <param name="firewallRulesJson">The JSON.</param>
    /// <param name="sides">Which ends of the flow are instances in this VPC network: <see cref="FlowSides.Source"/> for traffic leaving it, <see cref="FlowSides.Destination"/> for traffic entering it. Default both.</param>
    /// <exception cref="CloudException">InvalidArgument naming the JSON path when it is malformed.</exception>
    public GcpFirewallEvaluator(string firewallRulesJson, FlowSides sides = FlowSides.Both)
    {
        _sides = sides;
        var rules = FirewallReader.Read(firewallRulesJson).Where(r => !r.Disabled).Concat(FirewallReader.ImpliedRules()).ToList();
        var ordered = rules.Select((r, i) => (Rule: r, Index: i))
            .OrderBy(x => x.Rule.Priority).ThenBy(x => x.Rule.Allow ? 1 : 0).ThenBy(x => x.Index)
            .Select(x => x.Rule).ToList();
        _ingress = [.. ordered.Where(r => r.Ingress)];
        _egress = [.. ordered.Where(r => !r.Ingress)];
    }

    /// <inheritdoc/>
    public string Provider => "gcp-firewall";

    /// <inheritdoc/>
    public IReadOnlyList<HopVerdict> Evaluate(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return _sides switch
        {
            FlowSides.Source => [Check(_egress, flow, false)],
            FlowSides.Destination => [Check(_ingress, flow, true)],
            _ => [Check(_egress, flow, false), Check(_ingress, flow, true)],
        };
    }

    private HopVerdict Check(FirewallData[] rules, Flow flow, bool ingress)
    {
        var filter = ingress ? $"VPC firewall rules for the destination {flow.Destination}" : $"VPC firewall rules for the source {flow.Source}";
        foreach (var rule in rules)
        {
            if (rule.Matches(flow))
            {
                return new HopVerdict
                {
                    Provider = Provider,
                    Filter = filter,
                    Direction = ingress ? NetworkDirection.Ingress : NetworkDirection.Egress,
                    Verdict = rule.Allow ? FlowVerdict.Allowed : FlowVerdict.Denied,
                    DecidingRule = new RuleReference(rule.Name, rule.Summary, rule.Priority, rule.IsImplied),
                    Reason = rule.IsImplied
                        ? $"no firewall rule matches, so the implied rule {(ingress ? "denies all ingress" : "allows all egress")} (priority 65535)."
                        : "the matching rule with the lowest priority number decides; at equal priority a deny rule wins.",
                    Notes = rule.SourceTags.Count > 0 ? ["sourceTags match traffic from the primary internal IP of tagged instances in the same VPC network only."] : [],
                };
            }
        }

        // Unreachable in practice: the implied rules match everything.
        return new HopVerdict
        {
            Provider = Provider,
            Filter = filter,
            Direction = ingress ? NetworkDirection.Ingress : NetworkDirection.Egress,
            Verdict = ingress ? FlowVerdict.Denied : FlowVerdict.Allowed,
            Reason = "no rule matches.",
        };
    }
}
