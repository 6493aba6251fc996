using Polycloud.Networking;
using Polycloud.Networking.Aws;
using Polycloud.Networking.Azure;
using Polycloud.Networking.Google;

namespace Polycloud.Networking.Tests;

public sealed class ExplanationTests
{
    [Fact]
    public void A_flow_across_clouds_is_explained_hop_by_hop_in_each_providers_semantics()
    {
        // A GCP VM calls an API on Azure through the internet; the Azure NIC's NSG and the GCP egress rules both decide.
        var gcp = new GcpFirewallEvaluator(Fixture.Read("gcp/firewall-rules-list.json"), FlowSides.Source);
        var azure = new AzureNsgEvaluator(new AzureNsgPath { DestinationNicNsgJson = Fixture.Read("azure/nsg-show.json") });
        var flow = new Flow(new FlowEndpoint(System.Net.IPAddress.Parse("34.90.1.2")) { Name = "gcp-app" }, new FlowEndpoint(System.Net.IPAddress.Parse("20.50.1.2")) { Name = "azure-api" }, NetworkProtocol.Tcp, 443);

        var explanation = NetworkExplainer.Explain(flow, gcp, azure);

        Assert.Equal(FlowVerdict.Allowed, explanation.Verdict);
        Assert.Equal(["gcp-firewall", "azure-nsg"], explanation.Hops.Select(h => h.Provider));
        var text = explanation.ToString();
        Assert.Equal(
            """
            tcp gcp-app (34.90.1.2) -> azure-api (20.50.1.2):443: ALLOWED
              1. [gcp-firewall] VPC firewall rules for the source gcp-app (34.90.1.2), egress: allowed by 'implied-allow-egress' (allow EGRESS all to 0.0.0.0/0, ::/0 (targets: all instances), priority 65535, implicit)
                 no firewall rule matches, so the implied rule allows all egress (priority 65535).
              2. [azure-nsg] NSG web-nsg on the destination NIC, ingress: allowed by 'allow-https' (Allow Tcp Internet -> *:443, priority 100)
                 inbound rules are checked by ascending priority and the first match decides.

            """.ReplaceLineEndings(), text.ReplaceLineEndings());
    }

    [Fact]
    public void Portable_explanation_names_the_rule_or_the_default()
    {
        var policy = NetworkPolicyDocument.FromYaml(Fixture.Read("policy/shop.yaml"));
        var evaluator = new PortablePolicyEvaluator(policy);

        var allowed = evaluator.Explain(new Flow(Fixture.At("203.0.113.4"), Fixture.At("10.0.0.5", "web"), NetworkProtocol.Tcp, 22));
        Assert.Equal(FlowVerdict.Allowed, allowed.Verdict);
        Assert.Equal("ssh-from-office", allowed.Hops[1].DecidingRule!.Id);
        Assert.Equal("default-egress", allowed.Hops[0].DecidingRule!.Id);

        var denied = evaluator.Explain(new Flow(Fixture.At("198.51.100.4"), Fixture.At("10.0.0.5", "web"), NetworkProtocol.Tcp, 22));
        Assert.Equal(FlowVerdict.Denied, denied.Verdict);
        Assert.Equal("default-ingress", denied.BlockingHop!.DecidingRule!.Id);
        Assert.Contains("no ingress rule matches, so the policy default applies", denied.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Deny_wins_a_priority_tie_in_the_portable_model()
    {
        var policy = new NetworkPolicy("tie",
        [
            new NetworkRule("allow", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, NetworkEndpoint.Any, NetworkEndpoint.Any) { Priority = 10 },
            new NetworkRule("deny", NetworkDirection.Ingress, NetworkAction.Deny, NetworkProtocol.Tcp, NetworkEndpoint.Any, NetworkEndpoint.Any) { Priority = 10 },
        ]);

        var explanation = new PortablePolicyEvaluator(policy).Explain(Flow.Tcp("10.0.0.1", "10.0.0.2", 80));

        Assert.Equal("deny", explanation.BlockingHop!.DecidingRule!.Id);
    }

    [Fact]
    public void Bad_flows_are_rejected()
    {
        Fixture.InvalidArgument(() => Flow.Tcp("10.0.0.1", "10.0.0.300", 80));
        Fixture.InvalidArgument(() => Flow.Tcp("10.0.0.1", "10.0.0.2", 0));
        Fixture.InvalidArgument(() => Flow.Udp("10.0.0.1", "10.0.0.2", 65536));
        Fixture.InvalidArgument(() => Flow.Tcp("10.0.0.1", "2001:db8::1", 80));
        Fixture.InvalidArgument(() => _ = new Flow(Fixture.At("10.0.0.1"), Fixture.At("10.0.0.2"), NetworkProtocol.All, null));
        Fixture.InvalidArgument(() => _ = new Flow(Fixture.At("10.0.0.1"), Fixture.At("10.0.0.2"), NetworkProtocol.Icmp, 8));
    }

    [Fact]
    public void Security_group_and_network_acl_hops_combine_into_one_verdict()
    {
        const string web = "sg-0a1b2c3d4e5f60001";
        var groups = new AwsSecurityGroupEvaluator(Fixture.Read("aws/describe-security-groups.json"));
        var acl = new AwsNetworkAclEvaluator(null, Fixture.Read("aws/describe-network-acls.json"));

        var explanation = NetworkExplainer.Explain(new Flow(Fixture.At("198.51.100.20"), Fixture.At("10.0.1.10", web), NetworkProtocol.Tcp, 443) { SourcePort = 50000 }, acl, groups);

        Assert.Equal(FlowVerdict.Denied, explanation.Verdict);
        Assert.Equal("aws-nacl", explanation.BlockingHop!.Provider);
        Assert.Equal("90", explanation.BlockingHop.DecidingRule!.Id);
        Assert.Equal(FlowVerdict.Allowed, explanation.Hops[^1].Verdict);
    }
}
