using System.Globalization;
using System.Text.Json.Nodes;

namespace Polycloud.Networking.Aws;

/// <summary>
/// Translates portable policies to AWS EC2 security groups (the <c>describe-security-groups</c> shape, whose
/// <c>IpPermissions</c>/<c>IpPermissionsEgress</c> arrays are what <c>authorize-security-group-ingress|egress
/// --ip-permissions</c> take), imports that JSON, and evaluates flows in security-group semantics.
/// </summary>
/// <remarks>
/// <para>Security groups are stateful, allow-only and unordered: an instance gets the union of the permissions of every
/// group it is a member of, and anything not allowed is denied. A portable rule's target (the destination of an ingress
/// rule, the source of an egress rule) becomes the group the permission is added to: a tag <c>web</c> becomes a group
/// named (or with the ID) <c>web</c>; a target of <c>any</c> becomes the policy's group, tagged
/// <c>polycloud:attach=all</c>, which must be attached to every instance the policy covers. Peer tags become
/// <c>UserIdGroupPairs</c> (referenced security groups).</para>
/// <para>Not expressible, reported as errors: deny rules, targets given as addresses, service accounts, and service tags
/// other than prefix lists (<c>pl-…</c>).</para>
/// </remarks>
public sealed class AwsSecurityGroupTranslator : INetworkPolicyTranslator
{
    /// <summary>The AWS default quota of rules per security group and direction (each CIDR or referenced group counts as one).</summary>
    public const int DefaultRulesPerGroupQuota = 60;

    /// <inheritdoc/>
    public string Provider => "aws-sg";

    /// <inheritdoc/>
    public PolicyTranslation Translate(NetworkPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy.Validate().ThrowIfInvalid();
        var issues = new List<TranslationIssue>();
        var groups = new Dictionary<string, (JsonArray Ingress, JsonArray Egress, bool All)>(StringComparer.Ordinal);
        (JsonArray Ingress, JsonArray Egress, bool All) Group(string name, bool all)
        {
            if (!groups.TryGetValue(name, out var group))
            {
                group = ([], [], all);
                groups[name] = group;
            }

            return group;
        }

        var allGroup = policy.Name;
        Group(allGroup, true);
        foreach (var rule in policy.Rules)
        {
            var path = NativeJson.RulePath(policy, rule);
            if (rule.Action == NetworkAction.Deny)
            {
                issues.Add(new(IssueSeverity.Error, path, "security groups can only allow traffic; this deny rule is not in the translation.",
                    "Express the deny as a network ACL (AwsNetworkAclTranslator; stateless and per subnet), or narrow the allow rules so the traffic is never allowed."));
                continue;
            }

            var target = rule.Target;
            var targetGroups = new List<string>();
            if (target.IsAny)
            {
                targetGroups.Add(allGroup);
            }
            else
            {
                targetGroups.AddRange(target.Tags);
                if (target.Cidrs.Count > 0 || target.ServiceAccounts.Count > 0 || target.ServiceTags.Count > 0)
                {
                    issues.Add(new(IssueSeverity.Error, path,
                        $"a security group applies to the instances it is attached to, not to addresses or identities; the {(rule.Direction == NetworkDirection.Ingress ? "destination" : "source")} '{target.Name}' ({target.Describe()}) cannot be a security group target{(target.Tags.Count > 0 ? ", so only its tags were translated" : string.Empty)}.",
                        "Tag the protected workloads (the tag becomes a security group to attach to them), or use a network ACL for a subnet's address range."));
                }
            }

            var peer = rule.Peer;
            var permissions = Permissions(rule, peer, path, issues);
            foreach (var groupName in targetGroups)
            {
                var group = Group(groupName, false);
                foreach (var permission in permissions)
                {
                    (rule.Direction == NetworkDirection.Ingress ? group.Ingress : group.Egress).Add(permission.DeepClone());
                }
            }
        }

        if (policy.DefaultIngress == NetworkAction.Allow)
        {
            groups[allGroup].Ingress.Add((JsonNode)AllTraffic("policy default: allow ingress"));
        }

        if (policy.DefaultEgress == NetworkAction.Allow)
        {
            groups[allGroup].Egress.Add((JsonNode)AllTraffic("policy default: allow egress"));
        }

        issues.Add(new(IssueSeverity.Information, "(all)",
            $"attach the group '{allGroup}' (tagged {SecurityGroupReader.AttachTagKey}=all) to every instance the policy covers; it holds the rules whose target is any workload and the policy defaults."));
        issues.Add(new(IssueSeverity.Information, "(all)",
            "AWS adds an allow-all egress rule to every new security group; revoke it (revoke-security-group-egress) where the translation lists no such rule, or the group allows more than the policy."));

        var array = new JsonArray();
        foreach (var (name, group) in groups)
        {
            var ingressRules = group.Ingress.Sum(p => RuleCount(p!));
            var egressRules = group.Egress.Sum(p => RuleCount(p!));
            if (ingressRules > DefaultRulesPerGroupQuota || egressRules > DefaultRulesPerGroupQuota)
            {
                issues.Add(new(IssueSeverity.Warning, name,
                    $"the group has {ingressRules} inbound and {egressRules} outbound rules; the default quota is {DefaultRulesPerGroupQuota} per direction.",
                    "Request a quota increase, or merge address ranges into prefix lists."));
            }

            var json = new JsonObject
            {
                ["GroupName"] = name,
                ["Description"] = group.All ? $"Polycloud policy {policy.Name}: rules for every workload" : $"Polycloud policy {policy.Name}: workloads tagged {name}",
                ["IpPermissions"] = group.Ingress,
                ["IpPermissionsEgress"] = group.Egress,
            };
            if (name.StartsWith("sg-", StringComparison.Ordinal))
            {
                json["GroupId"] = name;
            }

            if (group.All)
            {
                json["Tags"] = new JsonArray(new JsonObject { ["Key"] = SecurityGroupReader.AttachTagKey, ["Value"] = "all" });
            }

            array.Add((JsonNode)json);
        }

        var root = new JsonObject { ["SecurityGroups"] = array };
        return new PolicyTranslation(Provider, root.ToJsonString(NativeJson.Indented), issues);
    }

    /// <inheritdoc/>
    public PolicyImport Import(string nativeJson)
    {
        var groups = SecurityGroupReader.Read(nativeJson);
        var issues = new List<TranslationIssue>();
        var catalog = new NetworkEndpointCatalog();
        var rules = new List<NetworkRule>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var target = group.AttachedToEveryInstance ? catalog.GetOrAdd([IpCidr.AnyIPv4, IpCidr.AnyIPv6]) : catalog.GetOrAdd(tags: [group.Id]);
            foreach (var (direction, permissions) in new[] { (NetworkDirection.Ingress, group.Ingress), (NetworkDirection.Egress, group.Egress) })
            {
                for (var i = 0; i < permissions.Count; i++)
                {
                    var permission = permissions[i];
                    if (!TryProtocol(permission, issues, out var protocol, out var ports))
                    {
                        continue;
                    }

                    if (permission.Ranges.Count + permission.Groups.Count + permission.PrefixLists.Count == 0)
                    {
                        issues.Add(new(IssueSeverity.Information, permission.Path, "the permission names no peer, so it allows nothing and was not imported."));
                        continue;
                    }

                    var peer = catalog.GetOrAdd([.. permission.Ranges.Select(r => r.Cidr)], permission.Groups, null, permission.PrefixLists);
                    var described = permission.Descriptions.FirstOrDefault();
                    var isDefaultEgress = direction == NetworkDirection.Egress && permission.Protocol == "-1" && permission.Groups.Count == 0 && permission.PrefixLists.Count == 0
                        && permission.Ranges.Count > 0 && permission.Ranges.All(r => r.Cidr.IsAll);
                    var name = described ?? (isDefaultEgress ? $"{group.Id}-default-egress" : string.Create(CultureInfo.InvariantCulture, $"{group.Id}-{(direction == NetworkDirection.Ingress ? "in" : "out")}-{i}"));
                    var unique = name;
                    for (var n = 2; !names.Add(unique); n++)
                    {
                        unique = string.Create(CultureInfo.InvariantCulture, $"{name}-{n}");
                    }

                    rules.Add(new NetworkRule(unique, direction, NetworkAction.Allow, protocol,
                        direction == NetworkDirection.Ingress ? peer : target,
                        direction == NetworkDirection.Ingress ? target : peer)
                    {
                        Ports = ports,
                        Description = isDefaultEgress ? "AWS default egress rule (allow all outbound)" : $"{group.Display} {permission.Path}",
                    });
                }
            }
        }

        issues.Add(new(IssueSeverity.Information, "(all)",
            "security groups deny everything they do not allow: the imported policy's defaults are deny in both directions, and each group's rules apply to instances tagged with its group ID."));
        var policy = new NetworkPolicy("aws-security-groups", rules)
        {
            Endpoints = catalog.Endpoints,
            DefaultIngress = NetworkAction.Deny,
            DefaultEgress = NetworkAction.Deny,
        };
        return new PolicyImport(policy, issues);
    }

    /// <summary>Creates an evaluator over the groups (instances are members of the groups named in their <see cref="FlowEndpoint.Tags"/>).</summary>
    /// <param name="nativeJson">The describe-security-groups JSON.</param>
    /// <returns>The evaluator.</returns>
    public INetworkFlowEvaluator CreateEvaluator(string nativeJson) => new AwsSecurityGroupEvaluator(nativeJson);

    private static bool TryProtocol(IpPermissionData permission, List<TranslationIssue> issues, out NetworkProtocol protocol, out IReadOnlyList<PortRange> ports)
    {
        ports = [];
        switch (permission.Protocol)
        {
            case "-1":
                protocol = NetworkProtocol.All;
                return true;
            case "tcp" or "udp":
                protocol = permission.Protocol == "tcp" ? NetworkProtocol.Tcp : NetworkProtocol.Udp;
                if (permission.FromPort is { } from && from != -1)
                {
                    var range = new PortRange(from, permission.ToPort!.Value);
                    ports = range.IsAll ? [] : [range];
                }

                return true;
            case "icmp" or "icmpv6":
                protocol = NetworkProtocol.Icmp;
                if (permission.FromPort is { } type && type != -1)
                {
                    issues.Add(new(IssueSeverity.Error, permission.Path,
                        $"the permission allows only ICMP type {type} (code {permission.ToPort}); the portable model has no ICMP types, so it was not imported and the imported policy is narrower than the group."));
                    return false;
                }

                return true;
            default:
                protocol = default;
                issues.Add(new(IssueSeverity.Error, permission.Path,
                    $"protocol number {permission.Protocol} has no portable equivalent (tcp, udp, icmp, all); the permission was not imported and the imported policy is narrower than the group."));
                return false;
        }
    }

    private static List<JsonObject> Permissions(NetworkRule rule, NetworkEndpoint peer, string path, List<TranslationIssue> issues)
    {
        if (peer.ServiceAccounts.Count > 0)
        {
            issues.Add(new(IssueSeverity.Error, path, $"security groups cannot select peers by service account ({string.Join(", ", peer.ServiceAccounts)}); that part of the rule is not in the translation.",
                "Give those workloads a tag (a security group) and use it as the peer."));
        }

        var prefixLists = peer.ServiceTags.Where(t => t.StartsWith("pl-", StringComparison.Ordinal)).ToList();
        var unsupportedTags = peer.ServiceTags.Where(t => !t.StartsWith("pl-", StringComparison.Ordinal)).ToList();
        if (unsupportedTags.Count > 0)
        {
            issues.Add(new(IssueSeverity.Error, path, $"'{string.Join(", ", unsupportedTags)}' is not an AWS managed prefix list (pl-…); security groups cannot refer to it, so that part of the rule is not in the translation.",
                "Use the address ranges, or an AWS managed prefix list ID."));
        }

        var v4 = peer.Cidrs.Where(c => !c.IsIPv6).ToList();
        var v6 = peer.Cidrs.Where(c => c.IsIPv6).ToList();
        var description = rule.Name;
        var result = new List<JsonObject>();
        void Add(string protocol, int? from, int? to, IReadOnlyList<IpCidr> ipv4, IReadOnlyList<IpCidr> ipv6, bool withGroups)
        {
            if (ipv4.Count + ipv6.Count == 0 && (!withGroups || (peer.Tags.Count == 0 && prefixLists.Count == 0)))
            {
                return;
            }

            var permission = new JsonObject { ["IpProtocol"] = protocol };
            if (from is not null)
            {
                permission["FromPort"] = from;
                permission["ToPort"] = to;
            }

            permission["IpRanges"] = new JsonArray([.. ipv4.Select(c => (JsonNode)new JsonObject { ["CidrIp"] = c.ToString(), ["Description"] = description })]);
            permission["Ipv6Ranges"] = new JsonArray([.. ipv6.Select(c => (JsonNode)new JsonObject { ["CidrIpv6"] = c.ToString(), ["Description"] = description })]);
            permission["PrefixListIds"] = new JsonArray([.. (withGroups ? prefixLists : []).Select(p => (JsonNode)new JsonObject { ["PrefixListId"] = p, ["Description"] = description })]);
            permission["UserIdGroupPairs"] = new JsonArray([.. (withGroups ? peer.Tags : []).Select(t => (JsonNode)new JsonObject
            {
                [t.StartsWith("sg-", StringComparison.Ordinal) ? "GroupId" : "GroupName"] = t,
                ["Description"] = description,
            })]);
            result.Add(permission);
        }

        switch (rule.Protocol)
        {
            case NetworkProtocol.All:
                Add("-1", null, null, v4, v6, true);
                break;
            case NetworkProtocol.Icmp:
                Add("icmp", -1, -1, v4, [], true);
                Add("icmpv6", -1, -1, [], v6, peer.Tags.Count > 0 || prefixLists.Count > 0);
                break;
            default:
                var protocolName = rule.Protocol == NetworkProtocol.Tcp ? "tcp" : "udp";
                foreach (var range in rule.Ports.Count == 0 ? [PortRange.All] : rule.Ports)
                {
                    Add(protocolName, range.IsAll ? 0 : range.From, range.IsAll ? 65535 : range.To, v4, v6, true);
                }

                break;
        }

        return result;
    }

    private static JsonObject AllTraffic(string description) => new()
    {
        ["IpProtocol"] = "-1",
        ["IpRanges"] = new JsonArray(new JsonObject { ["CidrIp"] = "0.0.0.0/0", ["Description"] = description }),
        ["Ipv6Ranges"] = new JsonArray(new JsonObject { ["CidrIpv6"] = "::/0", ["Description"] = description }),
        ["PrefixListIds"] = new JsonArray(),
        ["UserIdGroupPairs"] = new JsonArray(),
    };

    private static int RuleCount(JsonNode permission)
        => permission["IpRanges"]!.AsArray().Count + permission["Ipv6Ranges"]!.AsArray().Count + permission["UserIdGroupPairs"]!.AsArray().Count + permission["PrefixListIds"]!.AsArray().Count;
}
