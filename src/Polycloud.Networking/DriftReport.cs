using System.Text;

namespace Polycloud.Networking;

/// <summary>The kind of difference between the declared policy and what is deployed.</summary>
public enum DriftKind
{
    /// <summary>A declared rule has no deployed counterpart.</summary>
    Missing,

    /// <summary>A deployed rule is not declared.</summary>
    Extra,

    /// <summary>A deployed rule with the same name as a declared one says something different.</summary>
    Changed,

    /// <summary>A rule can never match: an earlier rule in evaluation order already matches everything it matches.</summary>
    Shadowed,
}

/// <summary>One difference between declared and deployed rules.</summary>
/// <param name="Kind">What kind of difference.</param>
/// <param name="Declared">The declared rule, if any.</param>
/// <param name="Deployed">The deployed (imported) rule, if any.</param>
/// <param name="Message">What differs, as a sentence.</param>
public sealed record DriftFinding(DriftKind Kind, NetworkRule? Declared, NetworkRule? Deployed, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Kind.ToString().ToUpperInvariant()}: {Message}";
}

/// <summary>Options for <see cref="DriftReport.Compare"/>.</summary>
public sealed class DriftOptions
{
    /// <summary>Whether a different priority counts as a change. Turn off when the deployed side has no order (AWS security groups). Default <see langword="true"/>.</summary>
    public bool ComparePriority { get; init; } = true;

    /// <summary>Whether to report shadowed rules in the declared policy as well as in the deployed one. Default <see langword="true"/>.</summary>
    public bool ReportShadowedDeclaredRules { get; init; } = true;
}

/// <summary>Declared policy versus deployed rules: missing, extra, changed and shadowed rules.</summary>
public sealed class DriftReport
{
    private DriftReport(IReadOnlyList<DriftFinding> findings) => Findings = findings;

    /// <summary>Every finding.</summary>
    public IReadOnlyList<DriftFinding> Findings { get; }

    /// <summary><see langword="true"/> when deployed rules match the declaration exactly and nothing is shadowed.</summary>
    public bool IsInSync => Findings.Count == 0;

    /// <summary>
    /// Compares a declared policy with an imported one. Rules are paired by effect first (same direction, action,
    /// protocol, ports, endpoints and — unless turned off — priority; names may differ), then by name (a
    /// <see cref="DriftKind.Changed"/> rule); the rest are missing or extra. Shadowed rules are found in evaluation order
    /// (a rule is shadowed when one earlier rule covers it).
    /// </summary>
    /// <param name="declared">The declared policy.</param>
    /// <param name="deployed">The policy imported from the provider.</param>
    /// <param name="options">Options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The report.</returns>
    public static DriftReport Compare(NetworkPolicy declared, NetworkPolicy deployed, DriftOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(declared);
        ArgumentNullException.ThrowIfNull(deployed);
        options ??= new DriftOptions();
        var findings = new List<DriftFinding>();
        var unmatchedDeployed = new List<NetworkRule>(deployed.Rules);
        var unmatchedDeclared = new List<NetworkRule>();
        foreach (var rule in declared.Rules)
        {
            var index = unmatchedDeployed.FindIndex(d => d.HasSameEffectAs(rule, options.ComparePriority));
            if (index >= 0)
            {
                unmatchedDeployed.RemoveAt(index);
            }
            else
            {
                unmatchedDeclared.Add(rule);
            }
        }

        foreach (var rule in unmatchedDeclared)
        {
            var index = unmatchedDeployed.FindIndex(d => string.Equals(d.Name, rule.Name, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                var deployedRule = unmatchedDeployed[index];
                unmatchedDeployed.RemoveAt(index);
                findings.Add(new DriftFinding(DriftKind.Changed, rule, deployedRule, $"rule '{rule.Name}' differs: {Differences(rule, deployedRule, options)}."));
            }
            else
            {
                findings.Add(new DriftFinding(DriftKind.Missing, rule, null, $"declared rule '{rule.Name}' ({rule.Describe()}) is not deployed."));
            }
        }

        foreach (var rule in unmatchedDeployed)
        {
            findings.Add(new DriftFinding(DriftKind.Extra, null, rule, $"deployed rule '{rule.Name}' ({rule.Describe()}) is not declared."));
        }

        foreach (var (rule, by) in FindShadowed(deployed.Rules))
        {
            findings.Add(new DriftFinding(DriftKind.Shadowed, null, rule, $"deployed rule '{rule.Name}' can never match: '{by.Name}' ({by.Describe()}) is evaluated first and matches everything it does."));
        }

        if (options.ReportShadowedDeclaredRules)
        {
            foreach (var (rule, by) in FindShadowed(declared.Rules))
            {
                findings.Add(new DriftFinding(DriftKind.Shadowed, rule, null, $"declared rule '{rule.Name}' can never match: '{by.Name}' ({by.Describe()}) is evaluated first and matches everything it does."));
            }
        }

        if (declared.DefaultIngress != deployed.DefaultIngress || declared.DefaultEgress != deployed.DefaultEgress)
        {
            findings.Add(new DriftFinding(DriftKind.Changed, null, null,
                $"defaults differ: declared ingress {declared.DefaultIngress.ToText()}/egress {declared.DefaultEgress.ToText()}, deployed ingress {deployed.DefaultIngress.ToText()}/egress {deployed.DefaultEgress.ToText()}."));
        }

        return new DriftReport(findings);
    }

    /// <summary>
    /// Finds rules that can never match because a single earlier rule in evaluation order (ascending priority, deny first
    /// at equal priority) covers them. Rules covered only by several earlier rules together are not reported.
    /// </summary>
    /// <param name="rules">The rules.</param>
    /// <returns>Each shadowed rule with the rule that shadows it.</returns>
    public static IReadOnlyList<(NetworkRule Rule, NetworkRule ShadowedBy)> FindShadowed(IReadOnlyList<NetworkRule> rules)
    {
        var ordered = PortablePolicyEvaluator.OrderForEvaluation(rules);
        var result = new List<(NetworkRule, NetworkRule)>();
        for (var i = 1; i < ordered.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (ordered[i].IsCoveredBy(ordered[j]))
                {
                    result.Add((ordered[i], ordered[j]));
                    break;
                }
            }
        }

        return result;
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        if (IsInSync)
        {
            return "No drift: the deployed rules match the declared policy.";
        }

        var text = new StringBuilder();
        foreach (var finding in Findings)
        {
            text.AppendLine(finding.ToString());
        }

        return text.ToString();
    }

    private static string Differences(NetworkRule declared, NetworkRule deployed, DriftOptions options)
    {
        var parts = new List<string>();
        if (declared.Direction != deployed.Direction)
        {
            parts.Add($"direction {declared.Direction.ToText()} -> {deployed.Direction.ToText()}");
        }

        if (declared.Action != deployed.Action)
        {
            parts.Add($"action {declared.Action.ToText()} -> {deployed.Action.ToText()}");
        }

        if (declared.Protocol != deployed.Protocol)
        {
            parts.Add($"protocol {declared.Protocol.ToText()} -> {deployed.Protocol.ToText()}");
        }

        var declaredPorts = declared.Ports.Count == 0 ? "*" : string.Join(",", declared.Ports);
        var deployedPorts = deployed.Ports.Count == 0 ? "*" : string.Join(",", deployed.Ports);
        if (declaredPorts != deployedPorts)
        {
            parts.Add($"ports {declaredPorts} -> {deployedPorts}");
        }

        if (!declared.Source.Equals(deployed.Source))
        {
            parts.Add($"source {declared.Source.Describe()} -> {deployed.Source.Describe()}");
        }

        if (!declared.Destination.Equals(deployed.Destination))
        {
            parts.Add($"destination {declared.Destination.Describe()} -> {deployed.Destination.Describe()}");
        }

        if (options.ComparePriority && declared.Priority != deployed.Priority)
        {
            parts.Add($"priority {declared.Priority} -> {deployed.Priority}");
        }

        return parts.Count == 0 ? "same effect written differently" : string.Join("; ", parts);
    }
}
