using System.Globalization;
using System.Text.Json;

namespace Polycloud.Networking.Aws;

internal sealed class NetworkAclData
{
    public required string Id { get; init; }

    public required string Path { get; init; }

    public List<string> SubnetIds { get; } = [];

    /// <summary>Inbound entries, sorted by rule number.</summary>
    public List<NetworkAclEntryData> Inbound { get; } = [];

    /// <summary>Outbound entries, sorted by rule number.</summary>
    public List<NetworkAclEntryData> Outbound { get; } = [];
}

internal sealed class NetworkAclEntryData
{
    public const int DefaultRuleNumber = 32767;

    public required string Path { get; init; }

    public required int RuleNumber { get; init; }

    public required bool Egress { get; init; }

    public required bool Allow { get; init; }

    /// <summary>Normalized: -1, 6, 17, 1, 58, or another number.</summary>
    public required string Protocol { get; init; }

    public required IpCidr Cidr { get; init; }

    public PortRange? Ports { get; init; }

    public int? IcmpType { get; init; }

    public bool IsImplicit { get; init; }

    public string Id => RuleNumber == DefaultRuleNumber ? "*" : RuleNumber.ToString(CultureInfo.InvariantCulture);

    public string Summary
    {
        get
        {
            var protocol = Protocol switch
            {
                "-1" => "all traffic",
                "6" => "tcp " + (Ports?.ToString() ?? "*"),
                "17" => "udp " + (Ports?.ToString() ?? "*"),
                "1" => "icmp",
                "58" => "icmpv6",
                var n => "protocol " + n,
            };
            return $"{(Allow ? "allow" : "deny")} {protocol} {(Egress ? "to" : "from")} {Cidr}";
        }
    }

    /// <summary>Whether the entry matches a packet to/from <paramref name="remote"/> with the protocol and destination port.</summary>
    public bool Matches(NetworkProtocol protocol, bool isIPv6, int? port, in IpAddressKey remote)
    {
        if (!Cidr.Contains(remote))
        {
            return false;
        }

        switch (Protocol)
        {
            case "-1":
                return true;
            case "6" or "17":
                if (protocol != (Protocol == "6" ? NetworkProtocol.Tcp : NetworkProtocol.Udp))
                {
                    return false;
                }

                return Ports is not { } range || (port is { } p && range.Contains(p));
            case "1":
                return protocol == NetworkProtocol.Icmp && !isIPv6 && IcmpType is null or -1;
            case "58":
                return protocol == NetworkProtocol.Icmp && isIPv6 && IcmpType is null or -1;
            default:
                return false;
        }
    }
}

internal static class NetworkAclReader
{
    public static List<NetworkAclData> Read(string json, List<TranslationIssue>? issues = null)
    {
        using var document = NativeJson.Parse(json, "network ACL");
        var root = document.RootElement;
        IEnumerable<(JsonElement, string)> items = root.ValueKind switch
        {
            JsonValueKind.Array => root.EnumerateArray().Select((g, i) => (g, string.Create(CultureInfo.InvariantCulture, $"[{i}]"))),
            JsonValueKind.Object when root.TryGet("NetworkAcls", out _) => root.Items("NetworkAcls", "$"),
            JsonValueKind.Object => [(root, "$")],
            _ => throw CloudException.InvalidArgument("$", "expected the output of 'aws ec2 describe-network-acls': an object with a NetworkAcls array."),
        };

        var acls = new List<NetworkAclData>();
        foreach (var (element, path) in items)
        {
            var acl = new NetworkAclData { Id = element.GetStringOrNull("NetworkAclId", path) ?? path, Path = path };
            foreach (var (association, associationPath) in element.Items("Associations", path))
            {
                if (association.GetStringOrNull("SubnetId", associationPath) is { } subnet)
                {
                    acl.SubnetIds.Add(subnet);
                }
            }

            var seen = new Dictionary<(bool Egress, int Number, bool IPv6), string>();
            foreach (var (entry, entryPath) in element.Items("Entries", path))
            {
                var parsed = ReadEntry(entry, entryPath);
                var key = (parsed.Egress, parsed.RuleNumber, parsed.Cidr.IsIPv6);
                var sameNumber = parsed.RuleNumber == NetworkAclEntryData.DefaultRuleNumber ? null : seen.GetValueOrDefault((parsed.Egress, parsed.RuleNumber, !parsed.Cidr.IsIPv6));
                if (!seen.TryAdd(key, entryPath) || sameNumber is not null)
                {
                    throw CloudException.InvalidArgument(entryPath + ".RuleNumber",
                        $"duplicate rule number {parsed.RuleNumber} for {(parsed.Egress ? "egress" : "ingress")} (also used by {seen.GetValueOrDefault(key) ?? sameNumber}); rule numbers must be unique per direction.");
                }

                (parsed.Egress ? acl.Outbound : acl.Inbound).Add(parsed);
            }

            foreach (var egress in new[] { false, true })
            {
                var list = egress ? acl.Outbound : acl.Inbound;
                foreach (var ipv6 in new[] { false, true })
                {
                    if (ipv6 && !list.Any(e => e.Cidr.IsIPv6))
                    {
                        continue;
                    }

                    if (!list.Any(e => e.RuleNumber == NetworkAclEntryData.DefaultRuleNumber && e.Cidr.IsIPv6 == ipv6))
                    {
                        list.Add(new NetworkAclEntryData
                        {
                            Path = $"{path} (implicit)",
                            RuleNumber = NetworkAclEntryData.DefaultRuleNumber,
                            Egress = egress,
                            Allow = false,
                            Protocol = "-1",
                            Cidr = ipv6 ? IpCidr.AnyIPv6 : IpCidr.AnyIPv4,
                            IsImplicit = true,
                        });
                        issues?.Add(new(IssueSeverity.Information, path,
                            $"the JSON has no '*' {(egress ? "egress" : "ingress")} entry for {(ipv6 ? "IPv6" : "IPv4")}; every network ACL ends with one (deny all, rule 32767), so it was added."));
                    }
                }

                list.Sort((a, b) => a.RuleNumber.CompareTo(b.RuleNumber));
            }

            acls.Add(acl);
        }

        return acls;
    }

    private static NetworkAclEntryData ReadEntry(JsonElement entry, string path)
    {
        var number = entry.GetIntOrNull("RuleNumber", path) ?? throw CloudException.InvalidArgument(path + ".RuleNumber", "every entry needs a RuleNumber.");
        if (number is < 1 or > NetworkAclEntryData.DefaultRuleNumber)
        {
            throw CloudException.InvalidArgument(path + ".RuleNumber", $"rule number {number} is out of range: use 1 to 32766 (32767 is the '*' default rule).");
        }

        var rawProtocol = entry.GetStringOrNull("Protocol", path) ?? throw CloudException.InvalidArgument(path + ".Protocol", "every entry needs a Protocol.");
        var protocol = rawProtocol.Trim().ToLowerInvariant() switch
        {
            "-1" or "all" => "-1",
            "6" or "tcp" => "6",
            "17" or "udp" => "17",
            "1" or "icmp" => "1",
            "58" or "icmpv6" => "58",
            var other when int.TryParse(other, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 255 => other,
            _ => throw CloudException.InvalidArgument(path + ".Protocol", $"unknown protocol '{rawProtocol}': use -1 (all), 6 (tcp), 17 (udp), 1 (icmp), 58 (icmpv6) or another protocol number."),
        };
        var action = entry.GetStringOrNull("RuleAction", path)?.ToLowerInvariant();
        if (action is not ("allow" or "deny"))
        {
            throw CloudException.InvalidArgument(path + ".RuleAction", $"'{action}' is not a RuleAction: use allow or deny.");
        }

        var v4 = entry.GetStringOrNull("CidrBlock", path);
        var v6 = entry.GetStringOrNull("Ipv6CidrBlock", path);
        if ((v4 is null) == (v6 is null))
        {
            throw CloudException.InvalidArgument(path, "an entry needs exactly one of CidrBlock and Ipv6CidrBlock.");
        }

        var cidr = NativeJson.Cidr(v4 ?? v6, path + (v4 is null ? ".Ipv6CidrBlock" : ".CidrBlock"));
        PortRange? ports = null;
        if (entry.TryGet("PortRange", out var range) && protocol is "6" or "17")
        {
            var from = range.GetIntOrNull("From", path + ".PortRange") ?? throw CloudException.InvalidArgument(path + ".PortRange.From", "PortRange needs From.");
            var to = range.GetIntOrNull("To", path + ".PortRange") ?? throw CloudException.InvalidArgument(path + ".PortRange.To", "PortRange needs To.");
            if (!(from == 0 && to == 65535))
            {
                if (PortRange.Check(from, to) is { } error)
                {
                    throw CloudException.InvalidArgument(path + ".PortRange", error);
                }

                ports = new PortRange(from, to);
            }
        }

        int? icmpType = null;
        if (entry.TryGet("IcmpTypeCode", out var icmp))
        {
            icmpType = icmp.GetIntOrNull("Type", path + ".IcmpTypeCode");
        }

        return new NetworkAclEntryData
        {
            Path = path,
            RuleNumber = number,
            Egress = entry.GetBool("Egress", path),
            Allow = action == "allow",
            Protocol = protocol,
            Cidr = cidr,
            Ports = ports,
            IcmpType = icmpType,
        };
    }
}
