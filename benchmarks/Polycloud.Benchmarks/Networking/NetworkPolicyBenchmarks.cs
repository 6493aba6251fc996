using System.Globalization;
using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Polycloud.Networking;
using Polycloud.Networking.Aws;
using Polycloud.Networking.Azure;
using Polycloud.Networking.Google;

namespace Polycloud.Benchmarks.Networking;

/// <summary>
/// Offline network policy work at scale: explaining one flow over 10,000 rules (the flow matches no rule, so every rule
/// is checked before the default decides — the worst case), and importing 10,000 rules from provider JSON.
/// Azure allows at most 1,000 rules per NSG, so its explain runs over a path of four NSGs (4,000 rules) and its import
/// reads an <c>az network nsg list</c> array of ten NSGs with 1,000 rules each.
/// </summary>
[MemoryDiagnoser]
public class NetworkPolicyBenchmarks
{
    private const int RuleCount = 10_000;

    private readonly Flow _flow = new(new FlowEndpoint(System.Net.IPAddress.Parse("192.168.1.1")), new FlowEndpoint(System.Net.IPAddress.Parse("10.0.0.1")), NetworkProtocol.Tcp, 443) { SourcePort = 50000 };

    private PortablePolicyEvaluator _portable = null!;
    private INetworkFlowEvaluator _securityGroups = null!;
    private INetworkFlowEvaluator _networkAcl = null!;
    private INetworkFlowEvaluator _nsgPath = null!;
    private INetworkFlowEvaluator _firewall = null!;
    private string _securityGroupsJson = null!;
    private string _networkAclJson = null!;
    private string _nsgListJson = null!;
    private string _firewallJson = null!;

    [GlobalSetup]
    public void Setup()
    {
        var policy = Policy("bench", RuleCount, 0);
        _portable = new PortablePolicyEvaluator(policy);

        _securityGroupsJson = Translate(new AwsSecurityGroupTranslator(), policy);
        _networkAclJson = Translate(new AwsNetworkAclTranslator(new AwsNetworkAclTranslationOptions { AddReturnTrafficEntries = false }), policy);
        _firewallJson = Translate(new GcpFirewallTranslator(), policy);
        var nsgs = new JsonArray();
        for (var i = 0; i < 10; i++)
        {
            nsgs.Add(JsonNode.Parse(Translate(new AzureNsgTranslator(), Policy($"nsg-{i}", 998, i * 998))));
        }

        _nsgListJson = nsgs.ToJsonString();

        _securityGroups = new AwsSecurityGroupEvaluator(_securityGroupsJson);
        _networkAcl = new AwsNetworkAclEvaluator(_networkAclJson, _networkAclJson);
        _firewall = new GcpFirewallEvaluator(_firewallJson);
        var path = nsgs.Take(4).Select(n => n!.ToJsonString()).ToArray();
        _nsgPath = new AzureNsgEvaluator(new AzureNsgPath { SourceNicNsgJson = path[0], SourceSubnetNsgJson = path[1], DestinationSubnetNsgJson = path[2], DestinationNicNsgJson = path[3] });

        if (_portable.Explain(_flow).Verdict != FlowVerdict.Denied || NetworkExplainer.Explain(_flow, _securityGroups).Verdict != FlowVerdict.Denied)
        {
            throw new InvalidOperationException("The benchmark flow must match no rule.");
        }
    }

    [Benchmark(Description = "Explain: portable, 10,000 rules")]
    public FlowExplanation ExplainPortable() => _portable.Explain(_flow);

    [Benchmark(Description = "Explain: AWS security groups, 10,000 permissions")]
    public FlowExplanation ExplainAwsSecurityGroups() => NetworkExplainer.Explain(_flow, _securityGroups);

    [Benchmark(Description = "Explain: AWS network ACL, 10,000 entries, both subnets + return traffic")]
    public FlowExplanation ExplainAwsNetworkAcl() => NetworkExplainer.Explain(_flow, _networkAcl);

    [Benchmark(Description = "Explain: Azure, 4 NSGs on the path, 4,000 rules")]
    public FlowExplanation ExplainAzureNsgPath() => NetworkExplainer.Explain(_flow, _nsgPath);

    [Benchmark(Description = "Explain: GCP firewall, 10,000 rules")]
    public FlowExplanation ExplainGcpFirewall() => NetworkExplainer.Explain(_flow, _firewall);

    [Benchmark(Description = "Import: AWS security groups, 10,000 permissions")]
    public PolicyImport ImportAwsSecurityGroups() => new AwsSecurityGroupTranslator().Import(_securityGroupsJson);

    [Benchmark(Description = "Import: AWS network ACL, 10,000 entries")]
    public PolicyImport ImportAwsNetworkAcl() => new AwsNetworkAclTranslator().Import(_networkAclJson);

    [Benchmark(Description = "Import: Azure nsg list, 10 x 1,000 rules")]
    public PolicyImport ImportAzureNsgList() => new AzureNsgTranslator().Import(_nsgListJson);

    [Benchmark(Description = "Import: GCP firewall rules, 10,000 rules")]
    public PolicyImport ImportGcpFirewall() => new GcpFirewallTranslator().Import(_firewallJson);

    /// <summary>Ingress allow rules for tcp 443 from distinct /24s in 10.0.0.0/8 — none contains the benchmark flow's source.</summary>
    private static NetworkPolicy Policy(string name, int count, int offset)
    {
        var rules = new NetworkRule[count];
        for (var i = 0; i < count; i++)
        {
            var n = i + offset;
            var peer = new NetworkEndpoint(string.Create(CultureInfo.InvariantCulture, $"peer-{n}")) { Cidrs = [IpCidr.Parse(string.Create(CultureInfo.InvariantCulture, $"10.{(n / 256) % 256}.{n % 256}.0/24"))] };
            rules[i] = new NetworkRule(string.Create(CultureInfo.InvariantCulture, $"rule-{n}"), NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, peer, NetworkEndpoint.Any)
            {
                Ports = [PortRange.OnePort(443)],
                Priority = 1 + (i % 60000),
            };
        }

        return new NetworkPolicy(name, rules);
    }

    private static string Translate(INetworkPolicyTranslator translator, NetworkPolicy policy)
    {
        var translation = translator.Translate(policy);
        translation.ThrowIfFailed();
        return translation.Json;
    }
}
