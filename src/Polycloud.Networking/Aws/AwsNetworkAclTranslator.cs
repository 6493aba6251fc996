using System.Globalization;
using System.Text.Json.Nodes;

namespace Polycloud.Networking.Aws;

/// <summary>Options for <see cref="AwsNetworkAclTranslator"/>.</summary>
public sealed class AwsNetworkAclTranslationOptions
{
    /// <summary>
    /// Whether to add the entries stateless ACLs need for return traffic: for every allow rule, an allow entry in the
    /// opposite direction for the peer on the ephemeral ports 1024–65535 (all traffic for <c>all</c>, ICMP for ICMP).
    /// These entries also let new connections through on those ports; the translation says so. Default <see langword="true"/>.
    /// </summary>
    public bool AddReturnTrafficEntries { get; init; } = true;

    /// <summary>The first rule number to use. Default 100.</summary>
    public int FirstRuleNumber { get; init; } = 100;
}

/// <summary>
/// Translates portable policies to an AWS network ACL (the <c>describe-network-acls</c> shape; each entry has the
/// fields <c>create-network-acl-entry</c> takes), imports that JSON, and evaluates flows in NACL semantics.
/// </summary>
/// <remarks>
/// <para>Network ACLs are stateless, apply to whole subnets, and match only the remote address: inbound entries match
/// the packet's source, outbound entries its destination. Entries are evaluated by ascending rule number (1–32766);
/// the first match wins; the <c>*</c> entry (32767) denies the rest. Each portable rule becomes one entry per peer CIDR
/// and port range, numbered in portable evaluation order.</para>
/// <para>Not expressible, reported as errors: targets other than <c>any</c> (the ACL protects its whole subnet) and peers
/// given as tags, service accounts or service tags. A policy default of allow becomes final allow-all entries.</para>
/// </remarks>
public sealed class AwsNetworkAclTranslator : INetworkPolicyTranslator
{
    /// <summary>The AWS default quota of entries per direction (adjustable to 40).</summary>
    public const int DefaultEntriesPerDirectionQuota = 20;

    private readonly AwsNetworkAclTranslationOptions _options;

    /// <summary>Creates a translator.</summary>
    /// <param name="options">Options, or <see langword="null"/> for the defaults.</param>
    public AwsNetworkAclTranslator(AwsNetworkAclTranslationOptions? options = null) => _options = options ?? new AwsNetworkAclTranslationOptions();

    /// <inheritdoc/>
    public string Provider => "aws-nacl";

    /// <inheritdoc/>
    public PolicyTranslation Translate(NetworkPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy.Validate().ThrowIfInvalid();
        var issues = new List<TranslationIssue>();
        var entries = new Dictionary<bool, List<(JsonObject Entry, NetworkRule Rule, bool IsReturn)>> { [false] = [], [true] = [] };
        foreach (var rule in PortablePolicyEvaluator.OrderForEvaluation(policy.Rules))
        {
            var path = NativeJson.RulePath(policy, rule);
            var egress = rule.Direction == NetworkDirection.Egress;
            if (!rule.Target.IsAny)
            {
                issues.Add(new(IssueSeverity.Error, path,
                    $"a network ACL applies to every address in the subnets it is associated with and matches only the remote address; the {(egress ? "source" : "destination")} '{rule.Target.Name}' ({rule.Target.Describe()}) cannot be expressed, so the rule is not in the translation.",
                    "Associate a separate ACL with the subnets of that workload and write the rule with target 'any' there, or use security groups for per-instance rules."));
                continue;
            }

            var peer = rule.Peer;
            if (peer.Tags.Count + peer.ServiceAccounts.Count + peer.ServiceTags.Count > 0)
            {
                issues.Add(new(IssueSeverity.Error, path,
                    $"network ACL entries match CIDR blocks only; the peer '{peer.Name}' selects by {(peer.Tags.Count > 0 ? "tag" : peer.ServiceAccounts.Count > 0 ? "service account" : "service tag")}, so {(peer.Cidrs.Count > 0 ? "only its CIDRs were translated" : "the rule is not in the translation")}.",
                    "Write the peer as the address ranges of those workloads."));
            }

            foreach (var entry in Entries(rule, egress, rule.Action == NetworkAction.Allow, peer.Cidrs, rule.Ports))
            {
                entries[egress].Add((entry, rule, false));
            }
        }

        if (_options.AddReturnTrafficEntries)
        {
            foreach (var rule in policy.Rules.Where(r => r.Action == NetworkAction.Allow && r.Target.IsAny && r.Peer.Cidrs.Count > 0))
            {
                var returnEgress = rule.Direction == NetworkDirection.Ingress;
                var ports = rule.Protocol.HasPorts() ? new[] { PortRange.Ephemeral } : [];
                var added = Entries(rule, returnEgress, true, rule.Peer.Cidrs, ports).ToList();
                foreach (var entry in added)
                {
                    entries[returnEgress].Add((entry, rule, true));
                }

                var path = NativeJson.RulePath(policy, rule);
                issues.Add(new(IssueSeverity.Warning, path,
                    $"network ACLs are stateless: added {added.Count} {(returnEgress ? "outbound" : "inbound")} entr{(added.Count == 1 ? "y" : "ies")} allowing return traffic {(returnEgress ? "to" : "from")} {string.Join(", ", rule.Peer.Cidrs)}{(rule.Protocol.HasPorts() ? " on ports 1024-65535" : string.Empty)}; {(rule.Protocol.HasPorts() ? "these also allow new connections on those ports" : "this also allows new traffic of that protocol")}.",
                    "Narrow the ephemeral range to what your clients use (Linux 32768-60999, Windows 49152-65535), or turn AddReturnTrafficEntries off and write the return rules yourself."));

                var blockers = policy.Rules.Where(r => r.Action == NetworkAction.Deny && r.Direction != rule.Direction && r.Target.IsAny
                    && r.Peer.MayOverlap(rule.Peer) && (r.Protocol == NetworkProtocol.All || rule.Protocol == NetworkProtocol.All || r.Protocol == rule.Protocol)).ToList();
                if (blockers.Count > 0)
                {
                    issues.Add(new(IssueSeverity.Warning, path,
                        $"the return traffic of this rule can be blocked: the return entries come after the deny rule{(blockers.Count == 1 ? string.Empty : "s")} {string.Join(", ", blockers.Select(b => "'" + b.Name + "'"))}, which match{(blockers.Count == 1 ? "es" : string.Empty)} packets {(returnEgress ? "to" : "from")} the same peer.",
                        "Check the flow with the network ACL evaluator, which checks return traffic, or make the deny rules exclude the ephemeral ports."));
                }
            }
        }

        if (_options.AddReturnTrafficEntries)
        {
            foreach (var direction in new[] { NetworkDirection.Ingress, NetworkDirection.Egress })
            {
                if (policy.DefaultFor(direction) != NetworkAction.Allow)
                {
                    continue;
                }

                // Traffic the default allows needs its replies allowed in the opposite direction, from any address.
                var returnEgress = direction == NetworkDirection.Ingress;
                var template = new NetworkRule("(default)", direction, NetworkAction.Allow, NetworkProtocol.Tcp, NetworkEndpoint.Any, NetworkEndpoint.Any);
                var added = new List<JsonObject>();
                foreach (var protocol in new[] { NetworkProtocol.Tcp, NetworkProtocol.Udp, NetworkProtocol.Icmp })
                {
                    added.AddRange(Entries(template with { Protocol = protocol }, returnEgress, true, [IpCidr.AnyIPv4, IpCidr.AnyIPv6], protocol.HasPorts() ? [PortRange.Ephemeral] : []));
                }

                foreach (var entry in added)
                {
                    entries[returnEgress].Add((entry, template, true));
                }

                issues.Add(new(IssueSeverity.Warning, "(defaults)",
                    $"network ACLs are stateless: the policy allows {direction.ToText()} traffic by default, so {added.Count} {(returnEgress ? "outbound" : "inbound")} entries allow the replies {(returnEgress ? "to" : "from")} any address on tcp/udp ports 1024-65535 and icmp; these also allow new {(returnEgress ? "outbound" : "inbound")} connections to those ports from anywhere.",
                    "Narrow the default, or turn AddReturnTrafficEntries off and write the return entries yourself."));
                var blockers = policy.Rules.Where(r => r.Action == NetworkAction.Deny && r.Direction != direction && r.Target.IsAny).ToList();
                if (blockers.Count > 0)
                {
                    issues.Add(new(IssueSeverity.Warning, "(defaults)",
                        $"the return traffic of {direction.ToText()} traffic the default allows can be blocked: the return entries come after the deny rule{(blockers.Count == 1 ? string.Empty : "s")} {string.Join(", ", blockers.Select(b => "'" + b.Name + "'"))}.",
                        "Check the flow with the network ACL evaluator, which checks return traffic."));
                }
            }
        }

        var acl = new JsonArray();
        foreach (var egress in new[] { false, true })
        {
            var direction = egress ? NetworkDirection.Egress : NetworkDirection.Ingress;
            var list = entries[egress];
            var defaultAction = policy.DefaultFor(direction);
            var needsDefault = defaultAction == NetworkAction.Allow;
            var total = list.Count + (needsDefault ? 2 : 0);
            var step = NativeJson.Step(total, _options.FirstRuleNumber, 32766);
            var first = step == 1 ? 1 : _options.FirstRuleNumber;
            if (first + ((total - 1) * step) > 32766)
            {
                issues.Add(new(IssueSeverity.Error, direction.ToText(), $"{total} {direction.ToText()} entries do not fit in rule numbers 1-32766; entries after 32766 are not in the translation."));
            }

            if (total > DefaultEntriesPerDirectionQuota)
            {
                issues.Add(new(IssueSeverity.Warning, direction.ToText(),
                    $"{total} {direction.ToText()} entries exceed the default quota of {DefaultEntriesPerDirectionQuota} per direction (adjustable to 40).",
                    "Request a quota increase, merge CIDRs, or use security groups for the fine-grained rules."));
            }

            var number = first;
            foreach (var (entry, _, _) in list)
            {
                if (number > 32766)
                {
                    break;
                }

                entry["RuleNumber"] = number;
                acl.Add((JsonNode)entry);
                number += step;
            }

            if (needsDefault && number + step <= 32766)
            {
                foreach (var cidr in new[] { IpCidr.AnyIPv4, IpCidr.AnyIPv6 })
                {
                    var entry = Entry(egress, true, "-1", cidr, null);
                    entry["RuleNumber"] = number;
                    acl.Add((JsonNode)entry);
                    number += step;
                }
            }
        }

        issues.Add(new(IssueSeverity.Information, "(all)", "associate the network ACL with the subnets the policy protects; the '*' entries (32767, deny all) are added by AWS and are not listed."));
        var root = new JsonObject
        {
            ["NetworkAcls"] = new JsonArray(new JsonObject
            {
                ["Entries"] = acl,
                ["IsDefault"] = false,
                ["Tags"] = new JsonArray(new JsonObject { ["Key"] = "Name", ["Value"] = policy.Name }),
            }),
        };
        return new PolicyTranslation(Provider, root.ToJsonString(NativeJson.Indented), issues);
    }

    /// <inheritdoc/>
    public PolicyImport Import(string nativeJson)
    {
        var issues = new List<TranslationIssue>();
        var acls = NetworkAclReader.Read(nativeJson, issues);
        if (acls.Count != 1)
        {
            issues.Add(new(IssueSeverity.Warning, "NetworkAcls",
                $"the JSON holds {acls.Count} network ACLs; each protects different subnets, so they are imported into one policy with rule names prefixed by the ACL ID. Import them one at a time to compare them separately."));
        }

        var catalog = new NetworkEndpointCatalog();
        var rules = new List<NetworkRule>();
        foreach (var acl in acls)
        {
            var prefix = acls.Count == 1 ? string.Empty : acl.Id + "-";
            foreach (var entry in acl.Inbound.Concat(acl.Outbound))
            {
                NetworkProtocol protocol;
                switch (entry.Protocol)
                {
                    case "-1": protocol = NetworkProtocol.All; break;
                    case "6": protocol = NetworkProtocol.Tcp; break;
                    case "17": protocol = NetworkProtocol.Udp; break;
                    case "1" or "58" when entry.IcmpType is null or -1: protocol = NetworkProtocol.Icmp; break;
                    default:
                        issues.Add(new(IssueSeverity.Error, entry.Path,
                            $"rule {entry.Id} ({entry.Summary}{(entry.IcmpType is { } t and not -1 ? $" type {t}" : string.Empty)}) has no portable equivalent; it was not imported, so the imported policy {(entry.Allow ? "allows less" : "denies less")} than the ACL."));
                        continue;
                }

                var peer = catalog.GetOrAdd([entry.Cidr]);
                var direction = entry.Egress ? NetworkDirection.Egress : NetworkDirection.Ingress;
                var isDefault = entry.RuleNumber == NetworkAclEntryData.DefaultRuleNumber;
                rules.Add(new NetworkRule(
                    string.Create(CultureInfo.InvariantCulture, $"{prefix}{(entry.Egress ? "egress" : "ingress")}-{(isDefault ? "default" : entry.Id)}{(isDefault && entry.Cidr.IsIPv6 ? "-ipv6" : string.Empty)}"),
                    direction,
                    entry.Allow ? NetworkAction.Allow : NetworkAction.Deny,
                    protocol,
                    direction == NetworkDirection.Ingress ? peer : NetworkEndpoint.Any,
                    direction == NetworkDirection.Ingress ? NetworkEndpoint.Any : peer)
                {
                    Ports = entry.Ports is { } ports && protocol.HasPorts() ? [ports] : [],
                    Priority = entry.RuleNumber,
                    Description = isDefault ? "network ACL '*' rule: deny everything no numbered rule matches" : $"{acl.Id} rule {entry.Id}",
                });
            }
        }

        issues.Add(new(IssueSeverity.Warning, "(all)",
            "network ACLs are stateless but the portable model is stateful: the imported policy says nothing about return traffic, which the ACL's opposite-direction entries must also allow; check flows with AwsNetworkAclEvaluator."));
        var policy = new NetworkPolicy("aws-network-acl", rules)
        {
            Endpoints = catalog.Endpoints,
            DefaultIngress = NetworkAction.Deny,
            DefaultEgress = NetworkAction.Deny,
        };
        return new PolicyImport(policy, issues);
    }

    /// <summary>Creates an evaluator with the first ACL in the JSON on both the source and the destination subnet.</summary>
    /// <param name="nativeJson">The describe-network-acls JSON.</param>
    /// <returns>The evaluator.</returns>
    public INetworkFlowEvaluator CreateEvaluator(string nativeJson) => new AwsNetworkAclEvaluator(nativeJson, nativeJson);

    private static IEnumerable<JsonObject> Entries(NetworkRule rule, bool egress, bool allow, IReadOnlyList<IpCidr> cidrs, IReadOnlyList<PortRange> ports)
    {
        foreach (var cidr in cidrs)
        {
            switch (rule.Protocol)
            {
                case NetworkProtocol.All:
                    yield return Entry(egress, allow, "-1", cidr, null);
                    break;
                case NetworkProtocol.Icmp:
                    yield return Entry(egress, allow, cidr.IsIPv6 ? "58" : "1", cidr, null);
                    break;
                default:
                    foreach (var range in ports.Count == 0 ? [PortRange.All] : ports)
                    {
                        yield return Entry(egress, allow, rule.Protocol == NetworkProtocol.Tcp ? "6" : "17", cidr, range);
                    }

                    break;
            }
        }
    }

    private static JsonObject Entry(bool egress, bool allow, string protocol, IpCidr cidr, PortRange? ports)
    {
        var entry = new JsonObject
        {
            ["RuleNumber"] = 0,
            [cidr.IsIPv6 ? "Ipv6CidrBlock" : "CidrBlock"] = cidr.ToString(),
            ["Egress"] = egress,
            ["Protocol"] = protocol,
            ["RuleAction"] = allow ? "allow" : "deny",
        };
        if (protocol is "1" or "58")
        {
            entry["IcmpTypeCode"] = new JsonObject { ["Code"] = -1, ["Type"] = -1 };
        }

        if (ports is { } range)
        {
            entry["PortRange"] = new JsonObject { ["From"] = range.From, ["To"] = range.To };
        }

        return entry;
    }
}
