using Polycloud.Networking;

namespace Polycloud.Networking.Tests;

public sealed class PolicyDocumentTests
{
    [Fact]
    public void Yaml_document_reads_into_the_model_and_round_trips_through_json_and_yaml()
    {
        var policy = NetworkPolicyDocument.FromYaml(Fixture.Read("policy/shop.yaml"));

        Assert.Equal("shop", policy.Name);
        Assert.Equal(3, policy.Rules.Count);
        var ssh = policy.Rules[1];
        Assert.Equal(("ssh-from-office", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, 100), (ssh.Name, ssh.Direction, ssh.Action, ssh.Protocol, ssh.Priority));
        Assert.Equal(["203.0.113.0/24", "2001:db8:100::/48"], ssh.Source.Cidrs.Select(c => c.ToString()));
        Assert.Equal(NetworkRule.DefaultPriority, policy.Rules[0].Priority);
        Assert.Equal("Only the web tier talks to the database.", policy.Rules[2].Description);

        var json = NetworkPolicyDocument.ToJson(policy);
        Assert.Contains("\"ports\": [\n        22\n      ]", json.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        var again = NetworkPolicyDocument.FromYaml(NetworkPolicyDocument.ToYaml(NetworkPolicyDocument.FromJson(json)));
        Assert.Equal(NetworkPolicyDocument.ToJson(policy), NetworkPolicyDocument.ToJson(again));
    }

    [Fact]
    public void Code_and_document_describe_the_same_policy()
    {
        var office = NetworkEndpoint.FromCidrs("office", "203.0.113.0/24", "2001:db8:100::/48");
        var web = NetworkEndpoint.FromTags("web", "web");
        var db = NetworkEndpoint.FromTags("db", "db");
        var inCode = new NetworkPolicy("shop",
        [
            new NetworkRule("https-from-anywhere", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, NetworkEndpoint.Any, web) { Ports = [PortRange.OnePort(443)] },
            new NetworkRule("ssh-from-office", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, office, web) { Ports = [PortRange.OnePort(22)], Priority = 100 },
            new NetworkRule("postgres-from-web", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, web, db) { Ports = [PortRange.OnePort(5432)], Description = "Only the web tier talks to the database." },
        ]) { Endpoints = [office, web, db] };

        Assert.Equal(NetworkPolicyDocument.ToJson(NetworkPolicyDocument.FromYaml(Fixture.Read("policy/shop.yaml"))), NetworkPolicyDocument.ToJson(inCode));
    }

    [Fact]
    public void Every_problem_in_a_document_is_reported_together_with_its_path()
    {
        const string yaml = """
            name: broken
            endpoints:
              bad4: { cidrs: [10.0.0.0/33, 10.0.0.1/24, 300.1.1.1/8] }
              bad6: { cidrs: ["2001:db8::/129", "2001:db8::g/64"] }
            rules:
              - { name: a, direction: ingress, action: allow, protocol: tcp, ports: [0], source: any, destination: any }
              - { name: b, direction: ingress, action: allow, protocol: tcp, ports: [65536], source: any, destination: any }
              - { name: c, direction: ingress, action: allow, protocol: tcp, ports: [9000-8000], source: any, destination: any }
              - { name: d, direction: ingress, action: allow, protocol: gre, source: any, destination: any }
              - { name: e, direction: sideways, action: maybe, protocol: udp, source: nowhere, destination: 10.0.0.0/8 }
            """;

        var exception = Fixture.InvalidArgument(() => NetworkPolicyDocument.FromYaml(yaml));

        var problems = Assert.IsType<string[]>(exception.Data["Problems"]);
        Assert.Equal(
        [
            "endpoints.bad4.cidrs[0]: '10.0.0.0/33' is not a valid CIDR block: the prefix length must be a number from 0 to 32 for IPv4.",
            "endpoints.bad4.cidrs[1]: '10.0.0.1/24' is not a valid CIDR block: host bits are set after the /24 prefix (did you mean 10.0.0.0/24?).",
            "endpoints.bad4.cidrs[2]: '300.1.1.1/8' is not a valid CIDR block: '300.1.1.1' is not an IPv4 or IPv6 address.",
            "endpoints.bad6.cidrs[0]: '2001:db8::/129' is not a valid CIDR block: the prefix length must be a number from 0 to 128 for IPv6.",
            "endpoints.bad6.cidrs[1]: '2001:db8::g/64' is not a valid CIDR block: '2001:db8::g' is not an IPv4 or IPv6 address.",
            "rules[0] (a).ports[0]: port 0 is out of range: ports go from 1 to 65535.",
            "rules[1] (b).ports[0]: port 65536 is out of range: ports go from 1 to 65535.",
            "rules[2] (c).ports[0]: the port range 9000-8000 is reversed: the first port must not be greater than the last.",
            "rules[3] (d).protocol: unknown protocol 'gre': use tcp, udp, icmp or all.",
            "rules[4] (e).direction: 'sideways' is not a direction: use ingress or egress.",
            "rules[4] (e).action: 'maybe' is not an action: use allow or deny.",
            "rules[4] (e).source: unknown endpoint 'nowhere': define it under endpoints, use 'any', or write a CIDR.",
        ], problems);
        Assert.Equal("endpoints.bad4.cidrs[0]", exception.Data["ArgumentName"]);
        Assert.Contains("12 problems", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_level_rules_are_checked_in_code_too()
    {
        var policy = new NetworkPolicy("p",
        [
            new NetworkRule("dup", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Icmp, NetworkEndpoint.Any, NetworkEndpoint.Any) { Ports = [PortRange.OnePort(22)] },
            new NetworkRule("dup", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, NetworkEndpoint.Any, new NetworkEndpoint("nothing")) { Priority = 70000 },
        ]);

        var result = policy.Validate();

        Assert.False(result.IsValid);
        Assert.Equal(
        [
            "rules[0] (dup).ports: ports apply only to tcp and udp; a rule for icmp matches every port, so leave ports empty.",
            "rules[1] (dup).name: the name 'dup' is already used by rules[0]; rule names must be unique.",
            "rules[1] (dup).priority: priority 70000 is out of range: use 0 to 65535 (lower is evaluated first).",
            "rules[1] (dup).destination: the endpoint 'nothing' selects nothing: give it CIDRs, tags, service accounts or service tags.",
        ], result.Problems.Select(p => p.ToString()));
        Assert.Throws<CloudException>(() => new PortablePolicyEvaluator(policy));
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/")]
    [InlineData("10.0.0/8")]
    [InlineData("::1/200")]
    [InlineData("fe80::1%eth0/64")]
    [InlineData("")]
    public void Malformed_cidrs_are_rejected(string text)
    {
        Assert.False(IpCidr.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
        var exception = Fixture.InvalidArgument(() => IpCidr.Parse(text, "endpoints.x.cidrs[0]"));
        Assert.Equal("endpoints.x.cidrs[0]", exception.Data["ArgumentName"]);
    }

    [Theory]
    [InlineData(0, 10, "port 0 is out of range")]
    [InlineData(1, 65536, "port 65536 is out of range")]
    [InlineData(443, 80, "reversed")]
    public void Bad_port_ranges_are_rejected(int from, int to, string rule)
    {
        var exception = Fixture.InvalidArgument(() => _ = new PortRange(from, to));
        Assert.Contains(rule, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_with_an_unknown_field_or_wrong_type_names_the_path()
    {
        var unknown = Fixture.InvalidArgument(() => NetworkPolicyDocument.FromJson("""{"name":"p","rules":[{"name":"a","direction":"ingress","action":"allow","source":"any","destination":"any","prio":5}]}"""));
        Assert.Contains("$.rules[0].prio", unknown.Message, StringComparison.Ordinal);

        var wrongType = Fixture.InvalidArgument(() => NetworkPolicyDocument.FromJson("""{"name":"p","rules":[{"name":"a","priority":"high"}]}"""));
        Assert.Contains("$.rules[0].priority", wrongType.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cidr_containment_and_overlap_work_for_both_families()
    {
        var net = IpCidr.Parse("10.0.0.0/16");
        Assert.True(net.Contains(System.Net.IPAddress.Parse("10.0.255.255")));
        Assert.False(net.Contains(System.Net.IPAddress.Parse("10.1.0.0")));
        Assert.True(net.Contains(IpCidr.Parse("10.0.4.0/24")));
        Assert.True(IpCidr.Parse("10.0.4.0/24").Overlaps(net));
        Assert.False(net.Contains(System.Net.IPAddress.Parse("::ffff:10.0.0.1")));
        var v6 = IpCidr.Parse("2001:db8::/32");
        Assert.True(v6.Contains(System.Net.IPAddress.Parse("2001:db8:ffff::1")));
        Assert.Equal("2001:db8::/32", v6.ToString());
        Assert.Equal(new System.Net.IPNetwork(System.Net.IPAddress.Parse("2001:db8::"), 32), v6.ToIPNetwork());
        Assert.Equal("10.0.0.5/32", IpCidr.Parse("10.0.0.5").ToString());
    }
}
