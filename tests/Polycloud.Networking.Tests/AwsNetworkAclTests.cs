using Polycloud.Networking;
using Polycloud.Networking.Aws;

namespace Polycloud.Networking.Tests;

public sealed class AwsNetworkAclTests
{
    private static readonly string Json = Fixture.Read("aws/describe-network-acls.json");

    [Fact]
    public void Import_keeps_rule_numbers_and_the_star_rule_at_32767()
    {
        var import = new AwsNetworkAclTranslator().Import(Json);

        var ingress = import.Policy.Rules.Where(r => r.Direction == NetworkDirection.Ingress).Select(r => (r.Name, r.Priority, r.Action)).ToList();
        Assert.Equal([("ingress-90", 90, NetworkAction.Deny), ("ingress-100", 100, NetworkAction.Allow), ("ingress-110", 110, NetworkAction.Allow), ("ingress-default", 32767, NetworkAction.Deny)], ingress);
        Assert.Contains(import.Issues, i => i.Severity == IssueSeverity.Warning && i.Message.Contains("stateless", StringComparison.Ordinal));
    }

    [Fact]
    public void Import_adds_the_star_rule_when_the_json_omits_it()
    {
        const string json = """{"NetworkAcls":[{"NetworkAclId":"acl-1","Entries":[{"CidrBlock":"10.0.0.0/16","Egress":false,"Protocol":"-1","RuleAction":"allow","RuleNumber":100}]}]}""";

        var import = new AwsNetworkAclTranslator().Import(json);

        Assert.Contains(import.Policy.Rules, r => r.Name == "ingress-default" && r.Priority == 32767 && r.Action == NetworkAction.Deny);
        Assert.Contains(import.Policy.Rules, r => r.Name == "egress-default" && r.Priority == 32767 && r.Action == NetworkAction.Deny);
        Assert.Contains(import.Issues, i => i.Message.Contains("no '*' ingress entry", StringComparison.Ordinal));
    }

    [Fact]
    public void The_lowest_rule_number_wins_even_when_a_later_rule_allows()
    {
        var evaluator = new AwsNetworkAclEvaluator(null, Json);

        var explanation = NetworkExplainer.Explain(Flow.Tcp("198.51.100.20", "10.0.1.10", 443), evaluator);

        Assert.Equal(FlowVerdict.Denied, explanation.Verdict);
        Assert.Equal("90", explanation.BlockingHop!.DecidingRule!.Id);
    }

    [Fact]
    public void Return_traffic_is_checked_against_the_opposite_direction()
    {
        var evaluator = new AwsNetworkAclEvaluator(null, Json);

        var allowed = NetworkExplainer.Explain(new Flow(Fixture.At("203.0.113.7"), Fixture.At("10.0.1.10"), NetworkProtocol.Tcp, 443) { SourcePort = 51515 }, evaluator);
        Assert.Equal(FlowVerdict.Allowed, allowed.Verdict);
        Assert.Equal(2, allowed.Hops.Count);
        Assert.True(allowed.Hops[1].IsReturnTraffic);
        Assert.Equal("100", allowed.Hops[1].DecidingRule!.Id);

        // A client whose source port is below the ephemeral range gets the request in but the reply is dropped by '*'.
        var denied = NetworkExplainer.Explain(new Flow(Fixture.At("203.0.113.7"), Fixture.At("10.0.1.10"), NetworkProtocol.Tcp, 443) { SourcePort = 123 }, evaluator);
        Assert.Equal(FlowVerdict.Denied, denied.Verdict);
        Assert.True(denied.BlockingHop!.IsReturnTraffic);
        Assert.Equal("*", denied.BlockingHop.DecidingRule!.Id);
        Assert.Contains("return traffic", denied.ToString(), StringComparison.Ordinal);

        // ICMP from inside the VPC is allowed in, but no outbound entry lets the echo reply out.
        var ping = NetworkExplainer.Explain(Flow.Icmp("10.0.5.5", "10.0.1.10"), evaluator);
        Assert.Equal(FlowVerdict.Denied, ping.Verdict);
        Assert.True(ping.BlockingHop!.IsReturnTraffic);
    }

    [Fact]
    public void A_flow_without_a_source_port_states_the_assumed_port()
    {
        var explanation = NetworkExplainer.Explain(Flow.Tcp("203.0.113.7", "10.0.1.10", 443), new AwsNetworkAclEvaluator(null, Json));

        Assert.Contains(explanation.Hops.SelectMany(h => h.Notes), n => n.Contains("port 49152", StringComparison.Ordinal));
    }

    [Fact]
    public void Translate_adds_return_entries_and_says_they_widen_access()
    {
        var policy = new NetworkPolicy("web-subnet",
        [
            new NetworkRule("https", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, NetworkEndpoint.Any, NetworkEndpoint.Any) { Ports = [PortRange.OnePort(443)] },
            new NetworkRule("block-partner", NetworkDirection.Egress, NetworkAction.Deny, NetworkProtocol.All, NetworkEndpoint.Any, NetworkEndpoint.FromCidrs("partner", "198.51.100.0/24")) { Priority = 10 },
        ]) { DefaultEgress = NetworkAction.Deny };

        var translation = new AwsNetworkAclTranslator().Translate(policy);

        Assert.True(translation.Succeeded);
        Assert.Contains(translation.Issues, i => i.RulePath == "rules[0] (https)" && i.Message.Contains("ports 1024-65535", StringComparison.Ordinal) && i.Message.Contains("also allow new connections", StringComparison.Ordinal));
        Assert.Contains(translation.Issues, i => i.RulePath == "rules[0] (https)" && i.Message.Contains("can be blocked", StringComparison.Ordinal) && i.Message.Contains("block-partner", StringComparison.Ordinal));
        using var json = System.Text.Json.JsonDocument.Parse(translation.Json);
        var entries = json.RootElement.GetProperty("NetworkAcls")[0].GetProperty("Entries").EnumerateArray().ToList();
        var egress = entries.Where(e => e.GetProperty("Egress").GetBoolean()).ToList();
        Assert.Equal("deny", egress[0].GetProperty("RuleAction").GetString());
        Assert.Equal(1024, egress[^1].GetProperty("PortRange").GetProperty("From").GetInt32());
        Assert.True(egress[0].GetProperty("RuleNumber").GetInt32() < egress[^1].GetProperty("RuleNumber").GetInt32());
    }

    [Fact]
    public void Translate_reports_tags_and_targets_a_network_acl_cannot_express()
    {
        var policy = new NetworkPolicy("p",
        [
            new NetworkRule("from-web-tag", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, NetworkEndpoint.FromTags("web", "web"), NetworkEndpoint.Any),
            new NetworkRule("to-db-only", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, NetworkEndpoint.Any, NetworkEndpoint.FromCidrs("db", "10.0.2.0/24")),
        ]);

        var translation = new AwsNetworkAclTranslator().Translate(policy);

        var errors = translation.Issues.Where(i => i.Severity == IssueSeverity.Error).ToList();
        Assert.Equal(["rules[0] (from-web-tag)", "rules[1] (to-db-only)"], errors.Select(e => e.RulePath));
        Assert.Contains("CIDR blocks only", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("associated with", errors[1].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"NetworkAcls":[{"NetworkAclId":"acl-1","Entries":[{"CidrBlock":"10.0.0.0/16","Egress":false,"Protocol":"-1","RuleAction":"allow","RuleNumber":100},{"CidrBlock":"10.1.0.0/16","Egress":false,"Protocol":"6","PortRange":{"From":22,"To":22},"RuleAction":"deny","RuleNumber":100}]}]}""", "NetworkAcls[0].Entries[1].RuleNumber", "duplicate rule number 100")]
    [InlineData("""{"NetworkAcls":[{"Entries":[{"CidrBlock":"10.0.0.0/16","Egress":false,"Protocol":"-1","RuleAction":"allow","RuleNumber":40000}]}]}""", "NetworkAcls[0].Entries[0].RuleNumber", "1 to 32766")]
    [InlineData("""{"NetworkAcls":[{"Entries":[{"CidrBlock":"10.0.0.1/16","Egress":false,"Protocol":"-1","RuleAction":"allow","RuleNumber":1}]}]}""", "NetworkAcls[0].Entries[0].CidrBlock", "host bits")]
    [InlineData("""{"NetworkAcls":[{"Entries":[{"Ipv6CidrBlock":"2001:db8::zz/64","Egress":false,"Protocol":"-1","RuleAction":"allow","RuleNumber":1}]}]}""", "NetworkAcls[0].Entries[0].Ipv6CidrBlock", "not an IPv4 or IPv6 address")]
    [InlineData("""{"NetworkAcls":[{"Entries":[{"CidrBlock":"10.0.0.0/16","Egress":false,"Protocol":"6","PortRange":{"From":2000,"To":1000},"RuleAction":"allow","RuleNumber":1}]}]}""", "NetworkAcls[0].Entries[0].PortRange", "reversed")]
    [InlineData("""{"NetworkAcls":[{"Entries":[{"CidrBlock":"10.0.0.0/16","Egress":false,"Protocol":"gre","RuleAction":"allow","RuleNumber":1}]}]}""", "NetworkAcls[0].Entries[0].Protocol", "unknown protocol 'gre'")]
    public void Malformed_json_is_rejected_naming_the_field(string json, string path, string rule)
    {
        var exception = Fixture.InvalidArgument(() => new AwsNetworkAclTranslator().Import(json));
        Assert.Equal(path, exception.Data["ArgumentName"]);
        Assert.Contains(rule, exception.Message, StringComparison.Ordinal);
    }
}
