using System.Globalization;

namespace Polycloud.Networking;

/// <summary>A problem the linter found in a policy.</summary>
/// <param name="Code">A stable code: <c>NET001</c> world-open admin port, <c>NET002</c> any-any allow, <c>NET003</c> overlapping contradictory rules, <c>NET004</c> shadowed rule.</param>
/// <param name="Severity">How serious.</param>
/// <param name="RuleName">The rule it is about.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Hint">What to do.</param>
public sealed record LintFinding(string Code, IssueSeverity Severity, string RuleName, string Message, string? Hint = null)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Code} {Severity.ToString().ToLowerInvariant()} '{RuleName}': {Message}{(Hint is null ? string.Empty : " " + Hint)}";
}

/// <summary>Finds risky or pointless rules: world-open admin and database ports, any-any allows, overlapping contradictory rules, shadowed rules.</summary>
public static class NetworkPolicyLinter
{
    /// <summary>The ports treated as administrative or database ports, with what usually listens there.</summary>
    public static IReadOnlyDictionary<int, string> SensitivePorts { get; } = new Dictionary<int, string>
    {
        [22] = "SSH",
        [23] = "Telnet",
        [3389] = "RDP",
        [5985] = "WinRM",
        [5986] = "WinRM over HTTPS",
        [1433] = "SQL Server",
        [1521] = "Oracle",
        [3306] = "MySQL",
        [5432] = "PostgreSQL",
        [6379] = "Redis",
        [9042] = "Cassandra",
        [9200] = "Elasticsearch",
        [11211] = "Memcached",
        [27017] = "MongoDB",
        [2379] = "etcd",
    };

    /// <summary>Lints a policy.</summary>
    /// <param name="policy">The policy.</param>
    /// <returns>The findings, most serious first.</returns>
    public static IReadOnlyList<LintFinding> Lint(NetworkPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var findings = new List<LintFinding>();
        foreach (var rule in policy.Rules)
        {
            if (rule.Action != NetworkAction.Allow)
            {
                continue;
            }

            if (rule.Direction == NetworkDirection.Ingress && IsWorldOpen(rule.Source) && rule.Protocol is NetworkProtocol.Tcp or NetworkProtocol.All)
            {
                var exposed = SensitivePorts.Where(p => rule.Ports.Count == 0 || rule.Ports.Any(r => r.Contains(p.Key))).OrderBy(p => p.Key).ToList();
                if (exposed.Count > 0)
                {
                    var list = string.Join(", ", exposed.Take(6).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} ({p.Value})")));
                    findings.Add(new LintFinding("NET001", IssueSeverity.Error, rule.Name,
                        $"allows the whole internet ({rule.Source.Describe()}) to reach administrative or database ports: {list}{(exposed.Count > 6 ? ", ..." : string.Empty)}.",
                        "Restrict the source to known ranges (an office or VPN CIDR, a bastion's tag) or use a managed access service."));
                }
            }

            if (rule.Source.IsAny && rule.Destination.IsAny && rule.Protocol == NetworkProtocol.All && rule.Ports.Count == 0)
            {
                findings.Add(new LintFinding("NET002", rule.Direction == NetworkDirection.Ingress ? IssueSeverity.Error : IssueSeverity.Warning, rule.Name,
                    $"allows all {rule.Direction.ToText()} traffic: any protocol, any port, from anywhere to anywhere.",
                    "Name the protocols, ports and peers the workload needs."));
            }
        }

        var ordered = PortablePolicyEvaluator.OrderForEvaluation(policy.Rules);
        for (var i = 0; i < ordered.Count; i++)
        {
            for (var j = i + 1; j < ordered.Count; j++)
            {
                var first = ordered[i];
                var second = ordered[j];
                if (first.Action == second.Action || !first.MayOverlap(second) || second.IsCoveredBy(first))
                {
                    continue;
                }

                var tie = first.Priority == second.Priority;
                findings.Add(new LintFinding("NET003", tie ? IssueSeverity.Warning : IssueSeverity.Information, second.Name,
                    tie
                        ? $"overlaps '{first.Name}' with the opposite action at the same priority {first.Priority}; the deny rule wins where they overlap, which providers with unique priorities (Azure NSG, AWS NACL) express only by renumbering."
                        : $"overlaps '{first.Name}' ({first.Describe()}) with the opposite action; for the overlapping traffic '{first.Name}' wins because it is evaluated first.",
                    "Make the rules disjoint, or give them distinct priorities that say which one is meant to win."));
            }
        }

        foreach (var (rule, by) in DriftReport.FindShadowed(policy.Rules))
        {
            findings.Add(new LintFinding("NET004", IssueSeverity.Warning, rule.Name,
                $"can never match: '{by.Name}' ({by.Describe()}) is evaluated first and matches everything it does.",
                "Remove it, or give it a lower priority number than the rule that shadows it."));
        }

        return [.. findings.OrderByDescending(f => f.Severity).ThenBy(f => f.Code, StringComparer.Ordinal)];
    }

    private static bool IsWorldOpen(NetworkEndpoint source)
    {
        foreach (var cidr in source.Cidrs)
        {
            if (cidr.IsAll)
            {
                return true;
            }
        }

        return source.ServiceTags.Any(t => t is "*" || t.Equals("Internet", StringComparison.OrdinalIgnoreCase) || t.Equals("Any", StringComparison.OrdinalIgnoreCase));
    }
}
