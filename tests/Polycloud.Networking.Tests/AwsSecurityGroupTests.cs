using Polycloud.Networking;
using Polycloud.Networking.Aws;

namespace Polycloud.Networking.Tests;

public sealed class AwsSecurityGroupTests
{
    private const string Web = "sg-0a1b2c3d4e5f60001";
    private const string Db = "sg-0a1b2c3d4e5f60002";
    private static readonly string Json = Fixture.Read("aws/describe-security-groups.json");

    [Fact]
    public void Import_reads_every_permission_and_makes_the_deny_by_default_explicit()
    {
        var import = new AwsSecurityGroupTranslator().Import(Json);
        var policy = import.Policy;

        Assert.Equal(NetworkAction.Deny, policy.DefaultIngress);
        Assert.Equal(NetworkAction.Deny, policy.DefaultEgress);
        var https = Assert.Single(policy.Rules, r => r.Name == "https-from-anywhere");
        Assert.True(https.Source.IsAny);
        Assert.Equal([Web], https.Destination.Tags);
        Assert.Equal([PortRange.OnePort(443)], https.Ports);
        var postgres = Assert.Single(policy.Rules, r => r.Name == "postgres-from-web");
        Assert.Equal([Web], postgres.Source.Tags);
        Assert.Equal([Db], postgres.Destination.Tags);
        var defaultEgress = Assert.Single(policy.Rules, r => r.Name == $"{Web}-default-egress");
        Assert.Equal(NetworkDirection.Egress, defaultEgress.Direction);
        Assert.Equal(NetworkProtocol.All, defaultEgress.Protocol);
        Assert.Contains("default egress", defaultEgress.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_reports_an_icmp_type_the_portable_model_cannot_hold()
    {
        var import = new AwsSecurityGroupTranslator().Import(Json);

        Assert.False(import.IsExact);
        var issue = Assert.Single(import.Issues, i => i.Severity == IssueSeverity.Error);
        Assert.Equal("SecurityGroups[2].IpPermissions[1]", issue.RulePath);
        Assert.Contains("ICMP type 8", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_uses_the_union_of_the_attached_groups()
    {
        var evaluator = new AwsSecurityGroupEvaluator(Json);
        var web = Fixture.At("10.0.1.10", Web);
        var db = Fixture.At("10.0.2.20", Db);

        var allowed = NetworkExplainer.Explain(new Flow(web, db, NetworkProtocol.Tcp, 5432), evaluator);
        Assert.Equal(FlowVerdict.Allowed, allowed.Verdict);
        Assert.Equal($"{Db} (db) SecurityGroups[1].IpPermissions[0]", allowed.Hops[1].DecidingRule!.Id);

        // The db group has no egress permission at all: security groups deny what they do not allow.
        var reply = NetworkExplainer.Explain(new Flow(db, web, NetworkProtocol.Tcp, 443), evaluator);
        Assert.Equal(FlowVerdict.Denied, reply.Verdict);
        Assert.Equal(NetworkDirection.Egress, reply.BlockingHop!.Direction);
        Assert.Null(reply.BlockingHop.DecidingRule);
        Assert.Contains("deny whatever they do not allow", reply.BlockingHop.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_denies_ssh_from_outside_the_office_and_says_why_in_readable_text()
    {
        var evaluator = new AwsSecurityGroupEvaluator(Json);
        var flow = new Flow(Fixture.At("198.51.100.20"), Fixture.At("10.0.1.10", Web), NetworkProtocol.Tcp, 22);

        var explanation = NetworkExplainer.Explain(flow, evaluator);

        Assert.Equal(FlowVerdict.Denied, explanation.Verdict);
        var text = explanation.ToString();
        Assert.StartsWith("tcp 198.51.100.20 -> 10.0.1.10 [tags sg-0a1b2c3d4e5f60001]:22: DENIED", text, StringComparison.Ordinal);
        Assert.Contains("not a member of any of the security groups", text, StringComparison.Ordinal);
        Assert.Contains("no inbound permission of the attached groups matches tcp port 22 from 198.51.100.20", text, StringComparison.Ordinal);

        var fromOffice = NetworkExplainer.Explain(new Flow(Fixture.At("203.0.113.9"), Fixture.At("10.0.1.10", Web), NetworkProtocol.Tcp, 22), evaluator);
        Assert.Equal(FlowVerdict.Allowed, fromOffice.Verdict);
    }

    [Fact]
    public void Translate_reports_deny_rules_address_targets_and_service_accounts_precisely()
    {
        var office = NetworkEndpoint.FromCidrs("office", "203.0.113.0/24");
        var subnet = NetworkEndpoint.FromCidrs("subnet", "10.0.1.0/24");
        var robots = new NetworkEndpoint("robots") { ServiceAccounts = ["ci@p.iam.gserviceaccount.com"] };
        var policy = new NetworkPolicy("p",
        [
            new NetworkRule("block-office", NetworkDirection.Ingress, NetworkAction.Deny, NetworkProtocol.Tcp, office, NetworkEndpoint.Any) { Ports = [PortRange.OnePort(22)] },
            new NetworkRule("to-subnet", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, office, subnet) { Ports = [PortRange.OnePort(443)] },
            new NetworkRule("from-robots", NetworkDirection.Ingress, NetworkAction.Allow, NetworkProtocol.Tcp, robots, NetworkEndpoint.FromTags("web", "web")),
        ]);

        var translation = new AwsSecurityGroupTranslator().Translate(policy);

        Assert.False(translation.Succeeded);
        var errors = translation.Issues.Where(i => i.Severity == IssueSeverity.Error).ToList();
        Assert.Equal(3, errors.Count);
        Assert.Equal("rules[0] (block-office)", errors[0].RulePath);
        Assert.Contains("can only allow", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("network ACL", errors[0].Hint, StringComparison.Ordinal);
        Assert.Equal("rules[1] (to-subnet)", errors[1].RulePath);
        Assert.Contains("10.0.1.0/24", errors[1].Message, StringComparison.Ordinal);
        Assert.Equal("rules[2] (from-robots)", errors[2].RulePath);
        Assert.Contains("service account", errors[2].Message, StringComparison.Ordinal);
        Assert.Throws<CloudException>(translation.ThrowIfFailed);
    }

    [Fact]
    public void Translate_writes_ip_permissions_with_the_policy_group_for_any_target()
    {
        var policy = NetworkPolicyDocument.FromYaml(Fixture.Read("policy/shop.yaml"));

        var translation = new AwsSecurityGroupTranslator().Translate(policy);

        Assert.True(translation.Succeeded, string.Join("\n", translation.Issues));
        using var json = System.Text.Json.JsonDocument.Parse(translation.Json);
        var groups = json.RootElement.GetProperty("SecurityGroups").EnumerateArray().ToDictionary(g => g.GetProperty("GroupName").GetString()!);
        Assert.Equal(["shop", "web", "db"], groups.Keys);
        var shop = groups["shop"];
        Assert.Equal("polycloud:attach", shop.GetProperty("Tags")[0].GetProperty("Key").GetString());
        Assert.Equal("-1", shop.GetProperty("IpPermissionsEgress")[0].GetProperty("IpProtocol").GetString());
        var db = groups["db"].GetProperty("IpPermissions")[0];
        Assert.Equal(5432, db.GetProperty("FromPort").GetInt32());
        Assert.Equal("web", db.GetProperty("UserIdGroupPairs")[0].GetProperty("GroupName").GetString());
        var ssh = groups["web"].GetProperty("IpPermissions").EnumerateArray().Single(p => p.GetProperty("FromPort").GetInt32() == 22);
        Assert.Equal(["203.0.113.0/24"], ssh.GetProperty("IpRanges").EnumerateArray().Select(r => r.GetProperty("CidrIp").GetString()));
        Assert.Equal(["2001:db8:100::/48"], ssh.GetProperty("Ipv6Ranges").EnumerateArray().Select(r => r.GetProperty("CidrIpv6").GetString()));
        Assert.Contains(translation.Issues, i => i.Message.Contains("revoke-security-group-egress", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/33"}]}]}]}""", "SecurityGroups[0].IpPermissions[0].IpRanges[0].CidrIp", "prefix length")]
    [InlineData("""{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"Ipv6Ranges":[{"CidrIpv6":"2001:db8::/129"}]}]}]}""", "SecurityGroups[0].IpPermissions[0].Ipv6Ranges[0].CidrIpv6", "0 to 128")]
    [InlineData("""{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":0,"ToPort":22,"IpRanges":[{"CidrIp":"10.0.0.0/8"}]}]}]}""", "SecurityGroups[0].IpPermissions[0].FromPort", "port 0 is out of range")]
    [InlineData("""{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[{"IpProtocol":"tcp","FromPort":443,"ToPort":80,"IpRanges":[{"CidrIp":"10.0.0.0/8"}]}]}]}""", "SecurityGroups[0].IpPermissions[0].FromPort", "reversed")]
    [InlineData("""{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[{"IpProtocol":"tcpp","FromPort":22,"ToPort":22}]}]}""", "SecurityGroups[0].IpPermissions[0].IpProtocol", "unknown protocol 'tcpp'")]
    [InlineData("""{"SecurityGroups":[{"GroupId":"sg-1","IpPermissions":[{"IpProtocol":"udp","FromPort":53,"ToPort":65536,"IpRanges":[]}]}]}""", "SecurityGroups[0].IpPermissions[0].FromPort", "port 65536 is out of range")]
    public void Malformed_json_is_rejected_naming_the_field(string json, string path, string rule)
    {
        var exception = Fixture.InvalidArgument(() => new AwsSecurityGroupTranslator().Import(json));
        Assert.Equal(path, exception.Data["ArgumentName"]);
        Assert.Contains(rule, exception.Message, StringComparison.Ordinal);
    }
}
