using Polycloud.Networking;
using Polycloud.Networking.Azure;

namespace Polycloud.Networking.Tests;

public sealed class AzureNsgTests
{
    private static readonly string Show = Fixture.Read("azure/nsg-show.json");
    private static readonly string List = Fixture.Read("azure/nsg-list.json");

    [Fact]
    public void Import_of_nsg_show_keeps_priorities_and_the_default_rules()
    {
        var import = new AzureNsgTranslator().Import(Show);

        Assert.True(import.IsExact, string.Join("\n", import.Issues));
        var policy = import.Policy;
        Assert.Equal("web-nsg", policy.Name);
        var inbound = policy.Rules.Where(r => r.Direction == NetworkDirection.Ingress).Select(r => (r.Name, r.Priority)).ToList();
        Assert.Equal([("allow-https", 100), ("allow-ssh-office", 200), ("deny-databases", 300), ("allow-postgres-from-web", 400), ("AllowVnetInBound", 65000), ("AllowAzureLoadBalancerInBound", 65001), ("DenyAllInBound", 65500)], inbound);
        var outbound = policy.Rules.Where(r => r.Direction == NetworkDirection.Egress).Select(r => r.Name).ToList();
        Assert.Equal(["deny-smtp-out", "AllowVnetOutBound", "AllowInternetOutBound", "DenyAllOutBound"], outbound);
        var ssh = policy.Rules.Single(r => r.Name == "allow-ssh-office");
        Assert.Equal(["203.0.113.0/24", "198.51.100.10/32"], ssh.Source.Cidrs.Select(c => c.ToString()));
        var postgres = policy.Rules.Single(r => r.Name == "allow-postgres-from-web");
        Assert.Equal(["web"], postgres.Source.Tags);
        Assert.Equal(["db"], postgres.Destination.Tags);
        Assert.Equal(["VirtualNetwork"], policy.Rules.Single(r => r.Name == "AllowVnetInBound").Source.ServiceTags);
    }

    [Fact]
    public void Import_of_arm_json_adds_the_default_rules_and_reports_source_ports()
    {
        var import = new AzureNsgTranslator().Import(Fixture.Read("azure/nsg-arm.json"));

        Assert.Contains(import.Policy.Rules, r => r.Name == "DenyAllInBound" && r.Priority == 65500);
        Assert.Contains(import.Issues, i => i.Severity == IssueSeverity.Information && i.Message.Contains("defaultSecurityRules", StringComparison.Ordinal));
        var error = Assert.Single(import.Issues, i => i.Severity == IssueSeverity.Error);
        Assert.Equal("properties.securityRules[1] (allow-ntp-source-port)", error.RulePath);
        Assert.Contains("source ports 123", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Priority_first_match_and_the_default_rules_decide_in_order()
    {
        var evaluator = new AzureNsgEvaluator(new AzureNsgPath { DestinationNicNsgJson = Show });

        var internet = NetworkExplainer.Explain(Flow.Tcp("198.51.100.77", "10.0.1.4", 443), evaluator);
        Assert.Equal(FlowVerdict.Allowed, internet.Verdict);
        Assert.Equal("allow-https", internet.Hops[0].DecidingRule!.Id);

        // deny-databases (300) comes before allow-postgres-from-web (400): first match wins.
        var postgres = new Flow(Fixture.At("10.0.1.4", "web"), Fixture.At("10.0.2.5", "db"), NetworkProtocol.Tcp, 5432);
        var blocked = NetworkExplainer.Explain(postgres, evaluator);
        Assert.Equal(FlowVerdict.Denied, blocked.Verdict);
        Assert.Equal("deny-databases", blocked.BlockingHop!.DecidingRule!.Id);
        Assert.Equal(300, blocked.BlockingHop.DecidingRule.Priority);

        // No custom rule matches inside the virtual network: the default AllowVnetInBound (65000) does.
        var internal8080 = NetworkExplainer.Explain(Flow.Tcp("10.0.1.4", "10.0.2.5", 8080), evaluator);
        Assert.Equal(FlowVerdict.Allowed, internal8080.Verdict);
        Assert.Equal("AllowVnetInBound", internal8080.Hops[0].DecidingRule!.Id);
        Assert.True(internal8080.Hops[0].DecidingRule!.IsImplicit);

        var fromInternet = NetworkExplainer.Explain(Flow.Tcp("198.51.100.77", "10.0.2.5", 8080), evaluator);
        Assert.Equal("DenyAllInBound", fromInternet.BlockingHop!.DecidingRule!.Id);

        var probe = NetworkExplainer.Explain(Flow.Tcp("168.63.129.16", "10.0.2.5", 8080), evaluator);
        Assert.Equal("AllowAzureLoadBalancerInBound", probe.Hops[0].DecidingRule!.Id);

        var smtp = NetworkExplainer.Explain(Flow.Tcp("10.0.1.4", "198.51.100.25", 25), new AzureNsgEvaluator(new AzureNsgPath { SourceNicNsgJson = Show }));
        Assert.Equal(NetworkDirection.Egress, smtp.BlockingHop!.Direction);
        Assert.Equal("deny-smtp-out", smtp.BlockingHop.DecidingRule!.Id);
    }

    [Fact]
    public void Inbound_checks_the_subnet_nsg_then_the_nic_nsg()
    {
        var nsgs = System.Text.Json.JsonDocument.Parse(List).RootElement.EnumerateArray().Select(e => e.GetRawText()).ToArray();
        var evaluator = new AzureNsgEvaluator(new AzureNsgPath { DestinationSubnetNsgJson = nsgs[0], DestinationNicNsgJson = nsgs[1] });

        var ssh = NetworkExplainer.Explain(Flow.Tcp("203.0.113.5", "10.1.0.4", 22), evaluator);
        Assert.Equal(FlowVerdict.Denied, ssh.Verdict);
        Assert.Equal("NSG subnet-nsg on the destination subnet", ssh.Hops[0].Filter);
        Assert.Equal(FlowVerdict.Allowed, ssh.Hops[0].Verdict);
        Assert.Equal("NSG nic-nsg on the destination NIC", ssh.BlockingHop!.Filter);
        Assert.Equal("deny-ssh", ssh.BlockingHop.DecidingRule!.Id);

        // The NIC allows 8080 from anywhere, but the subnet only from the virtual network.
        var app = NetworkExplainer.Explain(Flow.Tcp("198.51.100.9", "10.1.0.4", 8080), evaluator);
        Assert.Equal("NSG subnet-nsg on the destination subnet", app.BlockingHop!.Filter);
        Assert.Equal("DenyAllInBound", app.BlockingHop.DecidingRule!.Id);
    }

    [Fact]
    public void Outbound_checks_the_nic_nsg_then_the_subnet_nsg()
    {
        var nsgs = System.Text.Json.JsonDocument.Parse(List).RootElement.EnumerateArray().Select(e => e.GetRawText()).ToArray();
        var evaluator = new AzureNsgEvaluator(new AzureNsgPath { SourceNicNsgJson = nsgs[1], SourceSubnetNsgJson = nsgs[0] });

        var explanation = NetworkExplainer.Explain(Flow.Tcp("10.1.0.4", "198.51.100.30", 443), evaluator);

        Assert.Equal(["NSG nic-nsg on the source NIC", "NSG subnet-nsg on the source subnet"], explanation.Hops.Select(h => h.Filter));
        Assert.Equal("AllowInternetOutBound", explanation.Hops[0].DecidingRule!.Id);
        Assert.Equal("deny-outbound-to-partner", explanation.BlockingHop!.DecidingRule!.Id);
    }

    [Fact]
    public void The_virtual_network_address_space_decides_service_tags()
    {
        var environment = NetworkEnvironment.WithVirtualNetwork("10.1.0.0/16");
        var evaluator = new AzureNsgEvaluator(new AzureNsgPath { DestinationNicNsgJson = Show, Environment = environment });

        // 10.9.0.1 is private but outside this virtual network, so it is Internet: DenyAllInBound, not AllowVnetInBound.
        var explanation = NetworkExplainer.Explain(Flow.Tcp("10.9.0.1", "10.1.0.4", 8080), evaluator);
        Assert.Equal("DenyAllInBound", explanation.BlockingHop!.DecidingRule!.Id);
    }

    [Fact]
    public void Translate_splits_mixed_sides_orders_priorities_and_warns_about_the_default_deny()
    {
        var mixed = new NetworkEndpoint("clients") { Cidrs = [IpCidr.Parse("203.0.113.0/24")], Tags = ["bastion"] };
        var policy = new NetworkPolicy("web",
        [
            new NetworkRule("ssh", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, mixed, NetworkEndpoint.FromTags("web", "web")) { Ports = [PortRange.OnePort(22)], Priority = 200 },
            new NetworkRule("no-telnet", NetworkDirection.Ingress, NetworkAction.Deny, NetworkProtocol.Tcp, NetworkEndpoint.Any, NetworkEndpoint.Any) { Ports = [PortRange.OnePort(23)], Priority = 100 },
        ]);

        var translation = new AzureNsgTranslator().Translate(policy);

        Assert.True(translation.Succeeded);
        using var json = System.Text.Json.JsonDocument.Parse(translation.Json);
        var rules = json.RootElement.GetProperty("properties").GetProperty("securityRules").EnumerateArray()
            .Select(r => (Name: r.GetProperty("name").GetString(), Priority: r.GetProperty("properties").GetProperty("priority").GetInt32(), Properties: r.GetProperty("properties"))).ToList();
        Assert.Equal([("no-telnet", 100), ("ssh", 110), ("ssh-2", 120), ("polycloud-default-inbound", 4096), ("polycloud-default-outbound", 4096)], rules.Select(r => (r.Name, r.Priority)));
        Assert.Equal("203.0.113.0/24", rules[1].Properties.GetProperty("sourceAddressPrefix").GetString());
        Assert.Equal("bastion", rules[2].Properties.GetProperty("sourceApplicationSecurityGroups")[0].GetProperty("id").GetString());
        Assert.Contains(translation.Issues, i => i.RulePath == "rules[0] (ssh)" && i.Message.Contains("split into 2", StringComparison.Ordinal));
        Assert.Contains(translation.Issues, i => i.Severity == IssueSeverity.Warning && i.Message.Contains("AllowAzureLoadBalancerInBound", StringComparison.Ordinal));
    }

    [Fact]
    public void Translate_reports_service_accounts()
    {
        var policy = new NetworkPolicy("p", [new NetworkRule("ci", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, new NetworkEndpoint("ci") { ServiceAccounts = ["ci@p.iam.gserviceaccount.com"] }, NetworkEndpoint.Any)]);

        var translation = new AzureNsgTranslator().Translate(policy);

        var error = Assert.Single(translation.Issues, i => i.Severity == IssueSeverity.Error);
        Assert.Equal("rules[0] (ci)", error.RulePath);
        Assert.Contains("service account", error.Message, StringComparison.Ordinal);
        Assert.Contains("application security group", error.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"n","securityRules":[{"name":"a","priority":100,"direction":"Inbound","access":"Allow","protocol":"Tcp","sourceAddressPrefix":"*","destinationAddressPrefix":"*","destinationPortRange":"22"},{"name":"b","priority":100,"direction":"Inbound","access":"Deny","protocol":"*","sourceAddressPrefix":"*","destinationAddressPrefix":"*","destinationPortRange":"*"}]}""", "securityRules[1] (b).priority", "already used by 'a'")]
    [InlineData("""{"name":"n","securityRules":[{"name":"a","priority":50,"direction":"Inbound","access":"Allow","protocol":"Tcp","sourceAddressPrefix":"*","destinationAddressPrefix":"*","destinationPortRange":"22"}]}""", "securityRules[0] (a).priority", "100 to 4096")]
    [InlineData("""{"name":"n","securityRules":[{"name":"a","priority":100,"direction":"Inbound","access":"Allow","protocol":"Tcp","sourceAddressPrefix":"10.0.0.0/8","destinationAddressPrefix":"*","destinationPortRange":"0"}]}""", "securityRules[0] (a).destinationPortRange", "port 0 is out of range")]
    [InlineData("""{"name":"n","securityRules":[{"name":"a","priority":100,"direction":"Inbound","access":"Allow","protocol":"Tcp","sourceAddressPrefix":"10.0.0.0/8","destinationAddressPrefix":"*","destinationPortRanges":["80","9000-8000"]}]}""", "securityRules[0] (a).destinationPortRanges[1]", "reversed")]
    [InlineData("""{"name":"n","securityRules":[{"name":"a","priority":100,"direction":"Inbound","access":"Allow","protocol":"Gre","sourceAddressPrefix":"*","destinationAddressPrefix":"*","destinationPortRange":"*"}]}""", "securityRules[0] (a).protocol", "unknown protocol 'Gre'")]
    [InlineData("""{"name":"n","securityRules":[{"name":"a","priority":100,"direction":"Inbound","access":"Allow","protocol":"Tcp","sourceAddressPrefixes":["10.0.0.0/8","fd00::/129"],"destinationAddressPrefix":"*","destinationPortRange":"*"}]}""", "securityRules[0] (a).sourceAddressPrefixes[1]", "0 to 128")]
    public void Malformed_json_is_rejected_naming_the_field(string json, string path, string rule)
    {
        var exception = Fixture.InvalidArgument(() => new AzureNsgTranslator().Import(json));
        Assert.Equal(path, exception.Data["ArgumentName"]);
        Assert.Contains(rule, exception.Message, StringComparison.Ordinal);
    }
}
