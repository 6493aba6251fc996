using System.Globalization;
using System.Text.Json;

namespace Polycloud.Networking.Google;

internal sealed class FirewallData
{
    public required string Name { get; init; }

    public required string Path { get; init; }

    public required int Priority { get; init; }

    public required bool Ingress { get; init; }

    public required bool Allow { get; init; }

    public bool Disabled { get; init; }

    public bool IsImplied { get; init; }

    /// <summary>Normalized protocol (all, tcp, udp, icmp, 58, sctp, esp, ah, or a number) with its ports (empty: every port).</summary>
    public List<(string Protocol, List<PortRange> Ports)> Protocols { get; } = [];

    public List<IpCidr> SourceRanges { get; } = [];

    public List<string> SourceTags { get; } = [];

    public List<string> SourceServiceAccounts { get; } = [];

    public List<IpCidr> DestinationRanges { get; } = [];

    public List<string> TargetTags { get; } = [];

    public List<string> TargetServiceAccounts { get; } = [];

    /// <summary>The peer's only range when the rule selects its peer by exactly one range: a quick reject for most rules.</summary>
    public IpCidr? OnlyPeerRange { get; set; }

    public string Summary
    {
        get
        {
            var protocols = string.Join(",", Protocols.Select(p => p.Ports.Count == 0 ? p.Protocol : $"{p.Protocol}:{string.Join(",", p.Ports)}"));
            var targets = TargetTags.Count > 0 ? "tags " + string.Join(",", TargetTags) : TargetServiceAccounts.Count > 0 ? "sa " + string.Join(",", TargetServiceAccounts) : "all instances";
            var peers = Ingress
                ? "from " + string.Join(", ", SourceRanges.Select(r => r.ToString()).Concat(SourceTags.Select(t => "tag " + t)).Concat(SourceServiceAccounts.Select(s => "sa " + s)))
                : "to " + string.Join(", ", DestinationRanges);
            return $"{(Allow ? "allow" : "deny")} {(Ingress ? "INGRESS" : "EGRESS")} {protocols} {peers} (targets: {targets})";
        }
    }

    public bool Matches(Flow flow)
    {
        var target = Ingress ? flow.Destination : flow.Source;
        var peer = Ingress ? flow.Source : flow.Destination;
        if (OnlyPeerRange is { } only && !only.Contains(peer.Key))
        {
            return false;
        }

        if (!MatchesProtocol(flow))
        {
            return false;
        }

        if (TargetTags.Count > 0 && !AnyTag(TargetTags, target))
        {
            return false;
        }

        if (TargetServiceAccounts.Count > 0 && !HasAccount(TargetServiceAccounts, target))
        {
            return false;
        }

        if (Ingress)
        {
            var matched = InRanges(SourceRanges, peer) || AnyTag(SourceTags, peer) || HasAccount(SourceServiceAccounts, peer);
            return matched && (DestinationRanges.Count == 0 || InRanges(DestinationRanges, target));
        }

        return InRanges(DestinationRanges, peer) && (SourceRanges.Count == 0 || InRanges(SourceRanges, target));
    }

    private static bool AnyTag(List<string> tags, FlowEndpoint endpoint)
    {
        foreach (var tag in tags)
        {
            if (endpoint.HasTag(tag))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasAccount(List<string> accounts, FlowEndpoint endpoint)
    {
        foreach (var account in accounts)
        {
            if (string.Equals(account, endpoint.ServiceAccount, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private (int Code, PortRange[] Ports)[]? _compiled;

    private bool MatchesProtocol(Flow flow)
    {
        var compiled = _compiled ??= [.. Protocols.Select(p => (p.Protocol switch { "all" => 0, "tcp" => 1, "udp" => 2, "icmp" => 3, "58" => 4, _ => 5 }, p.Ports.ToArray()))];
        var ipv6 = flow.Source.Key.IsIPv6;
        foreach (var (code, ports) in compiled)
        {
            var match = code switch
            {
                0 => true,
                1 => flow.Protocol == NetworkProtocol.Tcp,
                2 => flow.Protocol == NetworkProtocol.Udp,
                3 => flow.Protocol == NetworkProtocol.Icmp && !ipv6,
                4 => flow.Protocol == NetworkProtocol.Icmp && ipv6,
                _ => false,
            };
            if (!match)
            {
                continue;
            }

            if (ports.Length == 0 || flow.DestinationPort is not { } port)
            {
                return true;
            }

            foreach (var range in ports)
            {
                if (range.Contains(port))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool InRanges(List<IpCidr> ranges, FlowEndpoint endpoint)
    {
        var key = endpoint.Key;
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ranges);
        for (var i = 0; i < span.Length; i++)
        {
            if (span[i].Contains(key))
            {
                return true;
            }
        }

        return false;
    }
}

internal static class FirewallReader
{
    public static List<FirewallData> Read(string json)
    {
        using var document = NativeJson.Parse(json, "firewall rule");
        var root = document.RootElement;
        IEnumerable<(JsonElement, string)> items = root.ValueKind switch
        {
            JsonValueKind.Array => root.EnumerateArray().Select((g, i) => (g, string.Create(CultureInfo.InvariantCulture, $"[{i}]"))),
            JsonValueKind.Object when root.TryGet("items", out _) => root.Items("items", "$"),
            JsonValueKind.Object => [(root, "$")],
            _ => throw CloudException.InvalidArgument("$", "expected the output of 'gcloud compute firewall-rules list --format=json': an array of firewall rules."),
        };

        var result = new List<FirewallData>();
        foreach (var (element, basePath) in items)
        {
            result.Add(ReadRule(element, basePath));
        }

        return result;
    }

    public static IEnumerable<FirewallData> ImpliedRules()
    {
        var denyIngress = new FirewallData { Name = "implied-deny-ingress", Path = "(implied)", Priority = 65535, Ingress = true, Allow = false, IsImplied = true };
        denyIngress.Protocols.Add(("all", []));
        denyIngress.SourceRanges.AddRange([IpCidr.AnyIPv4, IpCidr.AnyIPv6]);
        var allowEgress = new FirewallData { Name = "implied-allow-egress", Path = "(implied)", Priority = 65535, Ingress = false, Allow = true, IsImplied = true };
        allowEgress.Protocols.Add(("all", []));
        allowEgress.DestinationRanges.AddRange([IpCidr.AnyIPv4, IpCidr.AnyIPv6]);
        return [denyIngress, allowEgress];
    }

    private static FirewallData ReadRule(JsonElement element, string basePath)
    {
        var name = element.GetStringOrNull("name", basePath) ?? throw CloudException.InvalidArgument(basePath + ".name", "every firewall rule needs a name.");
        var path = $"{basePath} ({name})";
        var priority = element.GetIntOrNull("priority", path) ?? 1000;
        if (priority is < 0 or > 65535)
        {
            throw CloudException.InvalidArgument(path + ".priority", $"priority {priority} is out of range: use 0 to 65535 (lower wins).");
        }

        var direction = element.GetStringOrNull("direction", path) ?? "INGRESS";
        if (direction is not ("INGRESS" or "EGRESS"))
        {
            throw CloudException.InvalidArgument(path + ".direction", $"'{direction}' is not a direction: use INGRESS or EGRESS.");
        }

        var hasAllowed = element.TryGet("allowed", out _);
        var hasDenied = element.TryGet("denied", out _);
        if (hasAllowed == hasDenied)
        {
            throw CloudException.InvalidArgument(path, "a firewall rule needs exactly one of 'allowed' and 'denied'.");
        }

        var rule = new FirewallData
        {
            Name = name,
            Path = path,
            Priority = priority,
            Ingress = direction == "INGRESS",
            Allow = hasAllowed,
            Disabled = element.GetBool("disabled", path),
        };
        foreach (var (entry, entryPath) in element.Items(hasAllowed ? "allowed" : "denied", path))
        {
            var raw = entry.GetStringOrNull("IPProtocol", entryPath) ?? throw CloudException.InvalidArgument(entryPath + ".IPProtocol", "every entry needs an IPProtocol.");
            var protocol = raw.Trim().ToLowerInvariant() switch
            {
                "all" => "all",
                "tcp" or "6" => "tcp",
                "udp" or "17" => "udp",
                "icmp" or "1" => "icmp",
                "58" or "ipv6-icmp" => "58",
                "sctp" or "esp" or "ah" or "ipip" => raw.Trim().ToLowerInvariant(),
                var other when int.TryParse(other, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 255 => other,
                _ => throw CloudException.InvalidArgument(entryPath + ".IPProtocol", $"unknown protocol '{raw}': use tcp, udp, icmp, esp, ah, sctp, ipip, all or a protocol number."),
            };
            var ports = new List<PortRange>();
            var portTexts = entry.Strings("ports", entryPath);
            if (portTexts.Count > 0 && protocol is not ("tcp" or "udp" or "sctp"))
            {
                throw CloudException.InvalidArgument(entryPath + ".ports", $"ports apply only to tcp, udp and sctp, not {protocol}.");
            }

            for (var i = 0; i < portTexts.Count; i++)
            {
                // GCP accepts port 0 as the start of a range ("0-65535" means every port); there is no port 0 to match.
                var text = portTexts[i].StartsWith("0-", StringComparison.Ordinal) ? "1" + portTexts[i][1..] : portTexts[i];
                if (!PortRange.TryParse(text, out var range, out var error))
                {
                    throw CloudException.InvalidArgument(string.Create(CultureInfo.InvariantCulture, $"{entryPath}.ports[{i}]"), error);
                }

                ports.Add(range);
            }

            rule.Protocols.Add((protocol, ports.Any(p => p.IsAll) ? [] : ports));
        }

        if (rule.Protocols.Count == 0)
        {
            throw CloudException.InvalidArgument(path + (hasAllowed ? ".allowed" : ".denied"), "the list is empty; give at least one IPProtocol.");
        }

        rule.SourceRanges.AddRange(Ranges(element, "sourceRanges", path));
        rule.DestinationRanges.AddRange(Ranges(element, "destinationRanges", path));
        rule.SourceTags.AddRange(element.Strings("sourceTags", path));
        rule.SourceServiceAccounts.AddRange(element.Strings("sourceServiceAccounts", path));
        rule.TargetTags.AddRange(element.Strings("targetTags", path));
        rule.TargetServiceAccounts.AddRange(element.Strings("targetServiceAccounts", path));
        if (rule.Ingress && rule.SourceRanges.Count + rule.SourceTags.Count + rule.SourceServiceAccounts.Count == 0)
        {
            throw CloudException.InvalidArgument(path + ".sourceRanges", "an INGRESS rule needs sourceRanges, sourceTags or sourceServiceAccounts.");
        }

        if (!rule.Ingress && rule.DestinationRanges.Count == 0)
        {
            throw CloudException.InvalidArgument(path + ".destinationRanges", "an EGRESS rule needs destinationRanges.");
        }

        if (rule.SourceTags.Count > 0 && rule.SourceServiceAccounts.Count > 0)
        {
            throw CloudException.InvalidArgument(path + ".sourceServiceAccounts", "a rule cannot use both sourceTags and sourceServiceAccounts.");
        }

        if (rule.TargetTags.Count > 0 && rule.TargetServiceAccounts.Count > 0)
        {
            throw CloudException.InvalidArgument(path + ".targetServiceAccounts", "a rule cannot use both targetTags and targetServiceAccounts.");
        }

        var peerRanges = rule.Ingress ? rule.SourceRanges : rule.DestinationRanges;
        if (peerRanges.Count == 1 && rule.SourceTags.Count + rule.SourceServiceAccounts.Count == 0)
        {
            rule.OnlyPeerRange = peerRanges[0];
        }

        return rule;
    }

    private static IEnumerable<IpCidr> Ranges(JsonElement element, string name, string path)
    {
        var texts = element.Strings(name, path);
        for (var i = 0; i < texts.Count; i++)
        {
            yield return NativeJson.Cidr(texts[i], string.Create(CultureInfo.InvariantCulture, $"{path}.{name}[{i}]"));
        }
    }
}
