using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Polycloud.Networking.Google;

/// <summary>Options for <see cref="GcpFirewallTranslator"/>.</summary>
public sealed class GcpFirewallTranslationOptions
{
    /// <summary>The VPC network the rules belong to, written to each rule's <c>network</c> field. Default <c>global/networks/default</c>.</summary>
    public string Network { get; init; } = "global/networks/default";
}

/// <summary>
/// Translates portable policies to GCP VPC firewall rules (the Compute Engine <c>Firewall</c> resource, as
/// <c>gcloud compute firewall-rules list --format=json</c> prints it), imports that JSON, and evaluates flows in GCP
/// semantics.
/// </summary>
/// <remarks>
/// <para>GCP firewall rules are stateful and ordered by priority 0–65535 (default 1000): the lowest number wins and at
/// equal priority deny wins. The implied rules deny all ingress and allow all egress at 65535. Rules select the
/// instances they protect by network tag (<c>targetTags</c>), service account (<c>targetServiceAccounts</c>) or, with
/// neither, every instance; ingress peers are <c>sourceRanges</c>, <c>sourceTags</c> or
/// <c>sourceServiceAccounts</c>; egress peers are <c>destinationRanges</c> only.</para>
/// <para>Not expressible, reported as errors: targets given as addresses or service tags, egress destinations given as
/// tags or service accounts, mixing tags with service accounts across target and source, and service tags. IPv4 and
/// IPv6 ranges are split into separate rules.</para>
/// </remarks>
public sealed class GcpFirewallTranslator : INetworkPolicyTranslator
{
    private readonly GcpFirewallTranslationOptions _options;

    /// <summary>Creates a translator.</summary>
    /// <param name="options">Options, or <see langword="null"/> for the defaults.</param>
    public GcpFirewallTranslator(GcpFirewallTranslationOptions? options = null) => _options = options ?? new GcpFirewallTranslationOptions();

    /// <inheritdoc/>
    public string Provider => "gcp-firewall";

    /// <inheritdoc/>
    public PolicyTranslation Translate(NetworkPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy.Validate().ThrowIfInvalid();
        var issues = new List<TranslationIssue>();
        var output = new JsonArray();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in policy.Rules)
        {
            var path = NativeJson.RulePath(policy, rule);
            var implied = rule.Direction == NetworkDirection.Ingress ? NetworkAction.Deny : NetworkAction.Allow;
            if (rule.Priority == 65535 && rule.Action != implied)
            {
                issues.Add(new(IssueSeverity.Error, path,
                    $"at priority 65535 the implied {implied.ToText()}-all {rule.Direction.ToText()} rule ties with this {rule.Action.ToText()} rule and deny wins the tie, so the rule cannot take effect as written; it is not in the translation.",
                    "Give the rule a priority of 65534 or lower."));
                continue;
            }

            var bodies = Bodies(rule, path, issues);
            var index = 0;
            foreach (var body in bodies)
            {
                var name = Unique(SanitizeName(rule.Name) is var baseName && index == 0 ? baseName : Suffix(baseName, index + 1), used);
                output.Add((JsonNode)Firewall(name, rule.Description, rule.Direction, rule.Action, rule.Priority, rule.Protocol, rule.Ports, body));
                index++;
            }

            if (index > 1)
            {
                issues.Add(new(IssueSeverity.Information, path,
                    $"split into {index} firewall rules: a GCP rule holds IPv4 or IPv6 ranges, not both, and cannot combine tags with service accounts."));
            }
        }

        foreach (var direction in new[] { NetworkDirection.Ingress, NetworkDirection.Egress })
        {
            var defaultAction = policy.DefaultFor(direction);
            var implied = direction == NetworkDirection.Ingress ? NetworkAction.Deny : NetworkAction.Allow;
            if (defaultAction == implied)
            {
                continue;
            }

            var blockers = policy.Rules.Where(r => r.Direction == direction && r.Priority >= 65534).ToList();
            if (blockers.Count > 0)
            {
                issues.Add(new(IssueSeverity.Error, "(defaults)",
                    $"the policy's default {defaultAction.ToText()} for {direction.ToText()} becomes rules at priority 65534, after every other rule; {string.Join(", ", blockers.Select(b => "'" + b.Name + "'"))} use{(blockers.Count == 1 ? "s" : string.Empty)} priority 65534 or 65535, so the order cannot be kept and the default is not in the translation.",
                    "Use priorities up to 65533 for the policy's rules."));
                continue;
            }

            var name = SanitizeName($"{policy.Name}-default-{defaultAction.ToText()}-{direction.ToText()}");
            foreach (var (family, ranges) in new[] { ("", new[] { IpCidr.AnyIPv4 }), ("-ipv6", new[] { IpCidr.AnyIPv6 }) })
            {
                var body = direction == NetworkDirection.Ingress ? new Body { SourceRanges = [.. ranges] } : new Body { DestinationRanges = [.. ranges] };
                output.Add((JsonNode)Firewall(Unique(name + family, used), $"Policy default: {defaultAction.ToText()} {direction.ToText()} traffic no other rule matches", direction, defaultAction, 65534, NetworkProtocol.All, [], body));
            }
        }

        return new PolicyTranslation(Provider, output.ToJsonString(NativeJson.Indented), issues);
    }

    /// <inheritdoc/>
    public PolicyImport Import(string nativeJson)
    {
        var firewalls = FirewallReader.Read(nativeJson);
        var issues = new List<TranslationIssue>();
        var catalog = new NetworkEndpointCatalog();
        var rules = new List<NetworkRule>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var icmpImported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var firewall in firewalls.Concat(FirewallReader.ImpliedRules()))
        {
            if (firewall.Disabled)
            {
                issues.Add(new(IssueSeverity.Information, firewall.Path, "the rule is disabled, so it has no effect and was not imported."));
                continue;
            }

            if ((firewall.Ingress && firewall.DestinationRanges.Count > 0) || (!firewall.Ingress && firewall.SourceRanges.Count > 0))
            {
                issues.Add(new(IssueSeverity.Error, firewall.Path,
                    $"the rule also filters on the {(firewall.Ingress ? "destination" : "source")} address of its targets ({(firewall.Ingress ? "destinationRanges" : "sourceRanges")}); portable endpoints are unions, not intersections, so it was not imported and the imported policy {(firewall.Allow ? "allows less" : "denies less")} than GCP."));
                continue;
            }

            var target = firewall.TargetTags.Count + firewall.TargetServiceAccounts.Count == 0
                ? catalog.GetOrAdd([IpCidr.AnyIPv4, IpCidr.AnyIPv6])
                : catalog.GetOrAdd(tags: firewall.TargetTags, serviceAccounts: firewall.TargetServiceAccounts);
            var peer = firewall.Ingress
                ? catalog.GetOrAdd(firewall.SourceRanges, firewall.SourceTags, firewall.SourceServiceAccounts)
                : catalog.GetOrAdd(firewall.DestinationRanges);
            foreach (var (protocolText, ports) in firewall.Protocols)
            {
                NetworkProtocol protocol;
                switch (protocolText)
                {
                    case "all": protocol = NetworkProtocol.All; break;
                    case "tcp": protocol = NetworkProtocol.Tcp; break;
                    case "udp": protocol = NetworkProtocol.Udp; break;
                    case "icmp" or "58": protocol = NetworkProtocol.Icmp; break;
                    default:
                        issues.Add(new(IssueSeverity.Error, firewall.Path, $"protocol {protocolText} has no portable equivalent; that part of the rule was not imported, so the imported policy {(firewall.Allow ? "allows less" : "denies less")} than GCP."));
                        continue;
                }

                if (protocol == NetworkProtocol.Icmp && !icmpImported.Add(firewall.Path))
                {
                    continue;
                }

                var name = firewall.Name;
                for (var n = 2; !names.Add(name); n++)
                {
                    name = string.Create(CultureInfo.InvariantCulture, $"{firewall.Name}-{n}");
                }

                rules.Add(new NetworkRule(name, firewall.Ingress ? NetworkDirection.Ingress : NetworkDirection.Egress, firewall.Allow ? NetworkAction.Allow : NetworkAction.Deny, protocol,
                    firewall.Ingress ? peer : target, firewall.Ingress ? target : peer)
                {
                    Ports = ports,
                    Priority = firewall.Priority,
                    Description = firewall.IsImplied ? $"GCP implied rule: {(firewall.Allow ? "allow all egress" : "deny all ingress")}" : firewall.Path,
                });
            }
        }

        var policy = new NetworkPolicy("gcp-firewall", rules) { Endpoints = catalog.Endpoints, DefaultIngress = NetworkAction.Deny, DefaultEgress = NetworkAction.Allow };
        return new PolicyImport(policy, issues);
    }

    /// <summary>Creates an evaluator over the rules (instances carry network tags in <see cref="FlowEndpoint.Tags"/> and a <see cref="FlowEndpoint.ServiceAccount"/>).</summary>
    /// <param name="nativeJson">The firewall rules JSON.</param>
    /// <returns>The evaluator.</returns>
    public INetworkFlowEvaluator CreateEvaluator(string nativeJson) => new GcpFirewallEvaluator(nativeJson);

    /// <summary>Makes a name valid for GCP: lowercase letters, digits and '-', starting with a letter, at most 63 characters.</summary>
    /// <param name="name">The name.</param>
    /// <returns>A valid name.</returns>
    public static string SanitizeName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = new StringBuilder(name.Length + 1);
        foreach (var c in name.ToLowerInvariant())
        {
            text.Append(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) ? c : '-');
        }

        var result = text.ToString().Trim('-');
        if (result.Length == 0 || !char.IsAsciiLetterLower(result[0]))
        {
            result = "r-" + result;
        }

        return result.Length > 63 ? result[..63].TrimEnd('-') : result;
    }

    private static string Suffix(string name, int index)
    {
        var suffix = string.Create(CultureInfo.InvariantCulture, $"-{index}");
        return (name.Length + suffix.Length > 63 ? name[..(63 - suffix.Length)] : name) + suffix;
    }

    private static string Unique(string name, HashSet<string> used)
    {
        var unique = name;
        for (var i = 2; !used.Add(unique); i++)
        {
            unique = Suffix(name, i);
        }

        return unique;
    }

    private JsonObject Firewall(string name, string? description, NetworkDirection direction, NetworkAction action, int priority, NetworkProtocol protocol, IReadOnlyList<PortRange> ports, Body body)
    {
        var json = new JsonObject { ["name"] = name };
        if (description is not null)
        {
            json["description"] = description;
        }

        json["network"] = _options.Network;
        json["direction"] = direction == NetworkDirection.Ingress ? "INGRESS" : "EGRESS";
        json["priority"] = priority;
        var entries = new JsonArray();
        var hasV4 = body.SourceRanges.Concat(body.DestinationRanges).Any(r => !r.IsIPv6);
        var hasV6 = body.SourceRanges.Concat(body.DestinationRanges).Any(r => r.IsIPv6);
        var byIdentity = body.SourceTags.Count + body.SourceServiceAccounts.Count > 0;
        switch (protocol)
        {
            case NetworkProtocol.All:
                entries.Add((JsonNode)new JsonObject { ["IPProtocol"] = "all" });
                break;
            case NetworkProtocol.Icmp:
                if (hasV4 || byIdentity)
                {
                    entries.Add((JsonNode)new JsonObject { ["IPProtocol"] = "icmp" });
                }

                if (hasV6 || byIdentity)
                {
                    entries.Add((JsonNode)new JsonObject { ["IPProtocol"] = "58" });
                }

                break;
            default:
                var entry = new JsonObject { ["IPProtocol"] = protocol == NetworkProtocol.Tcp ? "tcp" : "udp" };
                if (ports.Count > 0)
                {
                    entry["ports"] = ports.Select(p => p.IsAll ? "0-65535" : p.ToString()).ToJsonArray();
                }

                entries.Add((JsonNode)entry);
                break;
        }

        json[action == NetworkAction.Allow ? "allowed" : "denied"] = entries;
        void Put(string field, IEnumerable<string> values)
        {
            var list = values.ToList();
            if (list.Count > 0)
            {
                json[field] = list.ToJsonArray();
            }
        }

        Put("sourceRanges", body.SourceRanges.Select(r => r.ToString()));
        Put("sourceTags", body.SourceTags);
        Put("sourceServiceAccounts", body.SourceServiceAccounts);
        Put("destinationRanges", body.DestinationRanges.Select(r => r.ToString()));
        Put("targetTags", body.TargetTags);
        Put("targetServiceAccounts", body.TargetServiceAccounts);
        json["disabled"] = false;
        return json;
    }

    private static List<Body> Bodies(NetworkRule rule, string path, List<TranslationIssue> issues)
    {
        var ingress = rule.Direction == NetworkDirection.Ingress;
        var target = rule.Target;
        var peer = rule.Peer;
        var targets = new List<(string Kind, List<string> Values)>();
        if (target.IsAny)
        {
            targets.Add(("all", []));
        }
        else
        {
            if (target.Tags.Count > 0)
            {
                targets.Add(("tags", [.. target.Tags]));
            }

            if (target.ServiceAccounts.Count > 0)
            {
                targets.Add(("sa", [.. target.ServiceAccounts]));
            }

            if (target.Cidrs.Count + target.ServiceTags.Count > 0)
            {
                issues.Add(new(IssueSeverity.Error, path,
                    $"GCP firewall rules target instances by network tag or service account, not by address or service tag; the {(ingress ? "destination" : "source")} '{target.Name}' ({target.Describe()}) cannot be a target, so {(targets.Count > 0 ? "only its tags and service accounts were translated" : "the rule is not in the translation")}.",
                    "Give the instances in that range a network tag (or run them as a service account) and use it as the target."));
            }
        }

        if (peer.ServiceTags.Count > 0)
        {
            issues.Add(new(IssueSeverity.Error, path, $"GCP firewall rules have no service tags ({string.Join(", ", peer.ServiceTags)}); that part of the peer is not in the translation.", "Use the address ranges the service tag stands for."));
        }

        var v4 = peer.IsAny ? [IpCidr.AnyIPv4] : peer.Cidrs.Where(c => !c.IsIPv6).ToList();
        var v6 = peer.IsAny ? [IpCidr.AnyIPv6] : peer.Cidrs.Where(c => c.IsIPv6).ToList();
        var bodies = new List<Body>();
        if (!ingress && (peer.Tags.Count + peer.ServiceAccounts.Count) > 0 && !peer.IsAny)
        {
            issues.Add(new(IssueSeverity.Error, path,
                $"GCP egress rules select destinations by IP range only; the destination tags/service accounts of '{peer.Name}' are not in the translation.",
                "Write the destination as the address ranges of those instances."));
        }

        foreach (var (kind, values) in targets)
        {
            Body New() => new() { TargetTags = kind == "tags" ? values : [], TargetServiceAccounts = kind == "sa" ? values : [] };
            if (!ingress)
            {
                if (v4.Count > 0)
                {
                    bodies.Add(New() with { DestinationRanges = v4 });
                }

                if (v6.Count > 0)
                {
                    bodies.Add(New() with { DestinationRanges = v6 });
                }

                continue;
            }

            var peerTags = peer.IsAny ? [] : peer.Tags.ToList();
            var peerAccounts = peer.IsAny ? [] : peer.ServiceAccounts.ToList();
            if (kind == "tags" && peerAccounts.Count > 0)
            {
                issues.Add(new(IssueSeverity.Error, path, "GCP cannot combine targetTags with sourceServiceAccounts; the source service accounts are not in the translation for the tag targets.", "Target the instances by service account too, or give the sources a network tag."));
                peerAccounts = [];
            }

            if (kind == "sa" && peerTags.Count > 0)
            {
                issues.Add(new(IssueSeverity.Error, path, "GCP cannot combine targetServiceAccounts with sourceTags; the source tags are not in the translation for the service account targets.", "Select the sources by service account too, or target the instances by tag."));
                peerTags = [];
            }

            if (v4.Count > 0 || peerTags.Count > 0)
            {
                bodies.Add(New() with { SourceRanges = v4, SourceTags = peerTags });
            }

            if (v6.Count > 0)
            {
                bodies.Add(New() with { SourceRanges = v6 });
            }

            if (peerAccounts.Count > 0)
            {
                bodies.Add(New() with { SourceServiceAccounts = peerAccounts });
            }
        }

        return bodies;
    }

    private sealed record Body
    {
        public List<IpCidr> SourceRanges { get; init; } = [];

        public List<string> SourceTags { get; init; } = [];

        public List<string> SourceServiceAccounts { get; init; } = [];

        public List<IpCidr> DestinationRanges { get; init; } = [];

        public List<string> TargetTags { get; init; } = [];

        public List<string> TargetServiceAccounts { get; init; } = [];
    }
}
