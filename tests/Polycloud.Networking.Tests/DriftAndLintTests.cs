using Polycloud.Networking;
using Polycloud.Networking.Azure;

namespace Polycloud.Networking.Tests;

public sealed class DriftAndLintTests
{
    private static NetworkPolicy Declared()
    {
        var office = NetworkEndpoint.FromCidrs("office", "203.0.113.0/24", "198.51.100.10/32");
        return new NetworkPolicy("web-nsg",
        [
            new NetworkRule("allow-https", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, new NetworkEndpoint("internet") { ServiceTags = ["Internet"] }, NetworkEndpoint.Any) { Ports = [PortRange.OnePort(443)], Priority = 100 },
            new NetworkRule("allow-ssh-office", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, office, NetworkEndpoint.Any) { Ports = [PortRange.OnePort(2222)], Priority = 200 },
            new NetworkRule("allow-monitoring", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, NetworkEndpoint.FromCidrs("monitor", "10.0.9.0/24"), NetworkEndpoint.Any) { Ports = [PortRange.OnePort(9100)], Priority = 500 },
        ]);
    }

    [Fact]
    public void Drift_finds_missing_extra_changed_and_shadowed_rules()
    {
        var deployed = new AzureNsgTranslator().Import(Fixture.Read("azure/nsg-show.json")).Policy;
        var declared = Declared();

        var report = DriftReport.Compare(declared, deployed);

        var byKind = report.Findings.ToLookup(f => f.Kind);
        var changed = Assert.Single(byKind[DriftKind.Changed], f => f.Declared is not null);
        Assert.Equal("allow-ssh-office", changed.Declared!.Name);
        Assert.Contains("ports 2222 -> 22", changed.Message, StringComparison.Ordinal);
        Assert.Equal("allow-monitoring", Assert.Single(byKind[DriftKind.Missing]).Declared!.Name);
        var extra = byKind[DriftKind.Extra].Select(f => f.Deployed!.Name).ToList();
        Assert.Contains("deny-databases", extra);
        Assert.Contains("allow-postgres-from-web", extra);
        Assert.Contains("DenyAllOutBound", extra);
        Assert.DoesNotContain("allow-https", extra);

        // allow-postgres-from-web (400) can never match: deny-databases (300) covers tcp 5432 from anywhere to anywhere.
        var shadowed = byKind[DriftKind.Shadowed].Select(f => (f.Deployed?.Name, f.Message)).ToList();
        Assert.Contains(shadowed, s => s.Name == "allow-postgres-from-web" && s.Message.Contains("'deny-databases'", StringComparison.Ordinal));
        Assert.Contains("CHANGED: rule 'allow-ssh-office' differs", report.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_deployment_of_the_declared_policy_has_no_drift()
    {
        var declared = Declared();
        var translator = new AzureNsgTranslator();
        var deployed = translator.Import(translator.Translate(declared).Json).Policy;
        var withoutDefaults = new NetworkPolicy(deployed.Name, deployed.Rules.Where(r => r.Priority < 4096).ToList());

        var report = DriftReport.Compare(declared, withoutDefaults, new DriftOptions { ComparePriority = false });

        Assert.True(report.IsInSync, report.ToString());
    }

    [Fact]
    public void Lint_flags_world_open_admin_ports_any_any_allows_contradictions_and_shadowing()
    {
        var policy = new NetworkPolicy("risky",
        [
            new NetworkRule("ssh-world", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, NetworkEndpoint.Any, NetworkEndpoint.FromTags("web", "web")) { Ports = [PortRange.OnePort(22)] },
            new NetworkRule("db-range", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, NetworkEndpoint.FromCidrs("world4", "0.0.0.0/0"), NetworkEndpoint.Any) { Ports = [new PortRange(3300, 3400)] },
            new NetworkRule("everything", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.All, NetworkEndpoint.Any, NetworkEndpoint.Any) { Priority = 2000 },
            new NetworkRule("office-web", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, NetworkEndpoint.FromCidrs("office", "203.0.113.0/24"), NetworkEndpoint.Any) { Ports = [PortRange.OnePort(8080)], Priority = 500 },
            new NetworkRule("no-partner", NetworkDirection.Ingress, NetworkAction.Deny, NetworkProtocol.Tcp, NetworkEndpoint.FromCidrs("partner", "203.0.113.128/25"), NetworkEndpoint.Any) { Priority = 500 },
            new NetworkRule("after-everything", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Udp, NetworkEndpoint.Any, NetworkEndpoint.Any) { Priority = 3000 },
            new NetworkRule("internal-ssh", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, NetworkEndpoint.FromCidrs("vpc", "10.0.0.0/8"), NetworkEndpoint.Any) { Ports = [PortRange.OnePort(22)], Priority = 100 },
        ]);

        var findings = NetworkPolicyLinter.Lint(policy);

        Assert.Contains(findings, f => f.Code == "NET001" && f.RuleName == "ssh-world" && f.Message.Contains("22 (SSH)", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Code == "NET001" && f.RuleName == "db-range" && f.Message.Contains("3306 (MySQL)", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Code == "NET001" && f.RuleName == "everything" && f.Message.Contains("22 (SSH)", StringComparison.Ordinal));
        Assert.DoesNotContain(findings, f => f.Code == "NET001" && f.RuleName == "internal-ssh");
        Assert.Contains(findings, f => f.Code == "NET002" && f.RuleName == "everything" && f.Severity == IssueSeverity.Error);
        var contradiction = Assert.Single(findings, f => f.Code == "NET003" && f.RuleName == "office-web");
        Assert.Equal(IssueSeverity.Warning, contradiction.Severity);
        Assert.Contains("same priority 500", contradiction.Message, StringComparison.Ordinal);
        Assert.Contains(findings, f => f.Code == "NET004" && f.RuleName == "after-everything" && f.Message.Contains("'everything'", StringComparison.Ordinal));
        Assert.Equal(IssueSeverity.Error, findings[0].Severity);
    }

    [Fact]
    public void Lint_of_imported_rules_finds_the_world_open_rdp_permission()
    {
        var imported = new Polycloud.Networking.Aws.AwsSecurityGroupTranslator().Import(Fixture.Read("aws/describe-security-groups.json")).Policy;

        var findings = NetworkPolicyLinter.Lint(imported);

        Assert.Contains(findings, f => f.Code == "NET001" && f.RuleName == "rdp-anywhere");
        Assert.DoesNotContain(findings, f => f.Code == "NET001" && f.RuleName == "office-ssh");
    }
}
