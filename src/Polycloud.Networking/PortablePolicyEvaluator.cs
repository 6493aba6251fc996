namespace Polycloud.Networking;

/// <summary>
/// Evaluates flows against a <see cref="NetworkPolicy"/> in the portable semantics: egress rules at the source, then
/// ingress rules at the destination; in each, rules by ascending priority, deny before allow at equal priority, first
/// match wins; no match means the policy default. Stateful: return traffic is not checked. Thread-safe once created.
/// </summary>
public sealed class PortablePolicyEvaluator : INetworkFlowEvaluator
{
    private readonly NetworkPolicy _policy;
    private readonly NetworkRule[] _ingress;
    private readonly NetworkRule[] _egress;
    private readonly NetworkEnvironment _environment;

    /// <summary>Creates an evaluator; validates the policy first.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="environment">Service tag address sets; <see langword="null"/> for <see cref="NetworkEnvironment.Default"/>.</param>
    /// <exception cref="CloudException">InvalidArgument when the policy is not valid.</exception>
    public PortablePolicyEvaluator(NetworkPolicy policy, NetworkEnvironment? environment = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy.Validate().ThrowIfInvalid();
        _policy = policy;
        _environment = environment ?? NetworkEnvironment.Default;
        var ordered = OrderForEvaluation(policy.Rules);
        _ingress = [.. ordered.Where(r => r.Direction == NetworkDirection.Ingress)];
        _egress = [.. ordered.Where(r => r.Direction == NetworkDirection.Egress)];
    }

    /// <inheritdoc/>
    public string Provider => "portable";

    /// <summary>Sorts rules into evaluation order: ascending priority, deny before allow at equal priority, then declaration order.</summary>
    /// <param name="rules">The rules.</param>
    /// <returns>The ordered rules.</returns>
    public static IReadOnlyList<NetworkRule> OrderForEvaluation(IReadOnlyList<NetworkRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var indexed = new (NetworkRule Rule, int Index)[rules.Count];
        for (var i = 0; i < rules.Count; i++)
        {
            indexed[i] = (rules[i], i);
        }

        Array.Sort(indexed, static (a, b) =>
        {
            var byPriority = a.Rule.Priority.CompareTo(b.Rule.Priority);
            if (byPriority != 0)
            {
                return byPriority;
            }

            var byAction = (a.Rule.Action == NetworkAction.Deny ? 0 : 1).CompareTo(b.Rule.Action == NetworkAction.Deny ? 0 : 1);
            return byAction != 0 ? byAction : a.Index.CompareTo(b.Index);
        });
        return indexed.Select(x => x.Rule).ToArray();
    }

    /// <summary>Explains a flow.</summary>
    /// <param name="flow">The flow.</param>
    /// <returns>The explanation.</returns>
    public FlowExplanation Explain(Flow flow) => new(flow, Evaluate(flow));

    /// <inheritdoc/>
    public IReadOnlyList<HopVerdict> Evaluate(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return [EvaluateDirection(flow, NetworkDirection.Egress), EvaluateDirection(flow, NetworkDirection.Ingress)];
    }

    /// <summary>The verdict of one direction: egress (checked at the source) or ingress (checked at the destination).</summary>
    /// <param name="flow">The flow.</param>
    /// <param name="direction">The direction.</param>
    /// <returns>The hop verdict.</returns>
    public HopVerdict EvaluateDirection(Flow flow, NetworkDirection direction)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var rules = direction == NetworkDirection.Ingress ? _ingress : _egress;
        var filter = direction == NetworkDirection.Ingress
            ? $"policy '{_policy.Name}' at the destination {flow.Destination}"
            : $"policy '{_policy.Name}' at the source {flow.Source}";
        foreach (var rule in rules)
        {
            if (rule.Matches(flow, _environment))
            {
                return new HopVerdict
                {
                    Provider = Provider,
                    Filter = filter,
                    Direction = direction,
                    Verdict = rule.Action == NetworkAction.Allow ? FlowVerdict.Allowed : FlowVerdict.Denied,
                    DecidingRule = new RuleReference(rule.Name, rule.Describe(), rule.Priority, false),
                    Reason = $"first matching {direction.ToText()} rule in priority order (lowest first, deny before allow at equal priority).",
                };
            }
        }

        var defaultAction = _policy.DefaultFor(direction);
        return new HopVerdict
        {
            Provider = Provider,
            Filter = filter,
            Direction = direction,
            Verdict = defaultAction == NetworkAction.Allow ? FlowVerdict.Allowed : FlowVerdict.Denied,
            DecidingRule = new RuleReference($"default-{direction.ToText()}", $"{defaultAction.ToText()} everything no rule matches", null, true),
            Reason = $"no {direction.ToText()} rule matches, so the policy default applies.",
        };
    }
}
