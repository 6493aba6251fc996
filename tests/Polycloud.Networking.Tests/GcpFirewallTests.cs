using Polycloud.Networking;
using Polycloud.Networking.Google;

namespace Polycloud.Networking.Tests;

public sealed class GcpFirewallTests
{
    private static readonly string Json = Fixture.Read("gcp/firewall-rules-list.json");

    [Fact]
    public void Import_makes_the_implied_rules_explicit_and_skips_disabled_rules()
    {
        var import = new GcpFirewallTranslator().Import(Json);

        var policy = import.Policy;
        var impliedIngress = Assert.Single(policy.Rules, r => r.Name == "implied-deny-ingress");
        Assert.Equal((NetworkDirection.Ingress, NetworkAction.Deny, 65535), (impliedIngress.Direction, impliedIngress.Action, impliedIngress.Priority));
        var impliedEgress = Assert.Single(policy.Rules, r => r.Name == "implied-allow-egress");
        Assert.Equal((NetworkDirection.Egress, NetworkAction.Allow, 65535), (impliedEgress.Direction, impliedEgress.Action, impliedEgress.Priority));
        Assert.DoesNotContain(policy.Rules, r => r.Name.StartsWith("default-allow-rdp", StringComparison.Ordinal));
        Assert.Contains(import.Issues, i => i.RulePath == "[6] (default-allow-rdp)" && i.Message.Contains("disabled", StringComparison.Ordinal));
        Assert.Equal(["default-allow-internal", "default-allow-internal-2", "default-allow-internal-3"], policy.Rules.Where(r => r.Name.StartsWith("default-allow-internal", StringComparison.Ordinal)).Select(r => r.Name));
        var web = policy.Rules.Single(r => r.Name == "allow-web");
        Assert.Equal(["web"], web.Destination.Tags);
        Assert.Equal([PortRange.OnePort(80), PortRange.OnePort(443)], web.Ports);
        var egress = policy.Rules.Single(r => r.Name == "deny-egress-blocklist");
        Assert.Equal(["app@shop-prod.iam.gserviceaccount.com"], egress.Source.ServiceAccounts);
    }

    [Fact]
    public void At_equal_priority_deny_wins()
    {
        var evaluator = new GcpFirewallEvaluator(Json);
        var flow = new Flow(Fixture.At("10.128.0.5", "web", "legacy"), Fixture.At("10.128.0.9", "db"), NetworkProtocol.Tcp, 5432);

        var explanation = NetworkExplainer.Explain(flow, evaluator);

        Assert.Equal(FlowVerdict.Denied, explanation.Verdict);
        Assert.Equal("deny-db-from-legacy", explanation.BlockingHop!.DecidingRule!.Id);
        Assert.Equal(900, explanation.BlockingHop.DecidingRule.Priority);
        Assert.Contains("at equal priority a deny rule wins", explanation.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_lowest_priority_number_wins_over_a_broader_rule()
    {
        var evaluator = new GcpFirewallEvaluator(Json);

        var explanation = NetworkExplainer.Explain(new Flow(Fixture.At("10.128.0.5", "web"), Fixture.At("10.128.0.9", "db"), NetworkProtocol.Tcp, 5432), evaluator);

        Assert.Equal(FlowVerdict.Allowed, explanation.Verdict);
        Assert.Equal("allow-db-from-web", explanation.Hops[1].DecidingRule!.Id);
    }

    [Fact]
    public void Implied_rules_deny_ingress_and_allow_egress()
    {
        var evaluator = new GcpFirewallEvaluator(Json);

        var inbound = NetworkExplainer.Explain(new Flow(Fixture.At("198.51.100.1"), Fixture.At("10.128.0.9", "db"), NetworkProtocol.Tcp, 5432), evaluator);
        Assert.Equal("implied-deny-ingress", inbound.BlockingHop!.DecidingRule!.Id);
        Assert.True(inbound.BlockingHop.DecidingRule.IsImplicit);

        var outbound = NetworkExplainer.Explain(new Flow(Fixture.At("10.128.0.9"), Fixture.At("198.51.100.1"), NetworkProtocol.Tcp, 443), evaluator);
        Assert.Equal("implied-allow-egress", outbound.Hops[0].DecidingRule!.Id);
    }

    [Fact]
    public void Egress_rules_target_service_accounts_and_match_destination_ranges()
    {
        var evaluator = new GcpFirewallEvaluator(Json);
        var app = new FlowEndpoint(System.Net.IPAddress.Parse("10.128.0.7")) { ServiceAccount = "app@shop-prod.iam.gserviceaccount.com" };

        var blocked = NetworkExplainer.Explain(new Flow(app, Fixture.At("192.0.2.10"), NetworkProtocol.Udp, 53), evaluator);
        Assert.Equal("deny-egress-blocklist", blocked.BlockingHop!.DecidingRule!.Id);

        var other = NetworkExplainer.Explain(new Flow(Fixture.At("10.128.0.8"), Fixture.At("192.0.2.10"), NetworkProtocol.Udp, 53), evaluator);
        Assert.Equal("implied-allow-egress", other.Hops[0].DecidingRule!.Id);
    }

    [Fact]
    public void Translate_reports_address_targets_and_egress_tags()
    {
        var policy = new NetworkPolicy("p",
        [
            new NetworkRule("to-range", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, NetworkEndpoint.Any, NetworkEndpoint.FromCidrs("subnet", "10.0.1.0/24")) { Ports = [PortRange.OnePort(443)] },
            new NetworkRule("to-db-tag", NetworkDirection.Egress, NetworkAction.Allow, NetworkProtocol.Tcp, NetworkEndpoint.Any, NetworkEndpoint.FromTags("db", "db")) { Ports = [PortRange.OnePort(5432)] },
            new NetworkRule("dual-stack", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, NetworkEndpoint.FromCidrs("office", "203.0.113.0/24", "2001:db8:100::/48"), NetworkEndpoint.FromTags("web", "web")) { Ports = [PortRange.OnePort(22)] },
        ]);

        var translation = new GcpFirewallTranslator().Translate(policy);

        var errors = translation.Issues.Where(i => i.Severity == IssueSeverity.Error).ToList();
        Assert.Equal(["rules[0] (to-range)", "rules[1] (to-db-tag)"], errors.Select(e => e.RulePath));
        Assert.Contains("network tag or service account", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("destinations by IP range only", errors[1].Message, StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(translation.Json);
        var names = json.RootElement.EnumerateArray().Select(r => r.GetProperty("name").GetString()).ToList();
        Assert.Equal(["dual-stack", "dual-stack-2"], names);
        Assert.Equal("2001:db8:100::/48", json.RootElement[1].GetProperty("sourceRanges")[0].GetString());
        Assert.Equal("web", json.RootElement[1].GetProperty("targetTags")[0].GetString());
    }

    [Theory]
    [InlineData("""[{"name":"a","direction":"INGRESS","priority":70000,"allowed":[{"IPProtocol":"tcp"}],"sourceRanges":["0.0.0.0/0"]}]""", "[0] (a).priority", "0 to 65535")]
    [InlineData("""[{"name":"a","direction":"INGRESS","allowed":[{"IPProtocol":"tcp","ports":["65536"]}],"sourceRanges":["0.0.0.0/0"]}]""", "[0] (a).allowed[0].ports[0]", "port 65536 is out of range")]
    [InlineData("""[{"name":"a","direction":"INGRESS","allowed":[{"IPProtocol":"tcp"}],"sourceRanges":["10.0.0.0/33"]}]""", "[0] (a).sourceRanges[0]", "prefix length")]
    [InlineData("""[{"name":"a","direction":"EGRESS","denied":[{"IPProtocol":"all"}],"destinationRanges":["2001:db8::1/64"]}]""", "[0] (a).destinationRanges[0]", "host bits")]
    [InlineData("""[{"name":"a","direction":"INGRESS","allowed":[{"IPProtocol":"tcp"}],"denied":[{"IPProtocol":"udp"}],"sourceRanges":["0.0.0.0/0"]}]""", "[0] (a)", "exactly one of 'allowed' and 'denied'")]
    [InlineData("""[{"name":"a","direction":"INGRESS","allowed":[{"IPProtocol":"quic"}],"sourceRanges":["0.0.0.0/0"]}]""", "[0] (a).allowed[0].IPProtocol", "unknown protocol 'quic'")]
    public void Malformed_json_is_rejected_naming_the_field(string json, string path, string rule)
    {
        var exception = Fixture.InvalidArgument(() => new GcpFirewallTranslator().Import(json));
        Assert.Equal(path, exception.Data["ArgumentName"]);
        Assert.Contains(rule, exception.Message, StringComparison.Ordinal);
    }
}
