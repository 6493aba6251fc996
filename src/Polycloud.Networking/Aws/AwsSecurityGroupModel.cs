using System.Globalization;
using System.Text.Json;

namespace Polycloud.Networking.Aws;

/// <summary>A security group read from <c>aws ec2 describe-security-groups</c> JSON.</summary>
internal sealed class SecurityGroupData
{
    public required string Id { get; init; }

    public string? Name { get; init; }

    public bool AttachedToEveryInstance { get; init; }

    public required string Path { get; init; }

    public List<IpPermissionData> Ingress { get; } = [];

    public List<IpPermissionData> Egress { get; } = [];

    public string Display => Name is null || Name == Id ? Id : $"{Id} ({Name})";

    public bool IsAttachedTo(FlowEndpoint endpoint) => AttachedToEveryInstance || endpoint.HasTag(Id) || (Name is not null && endpoint.HasTag(Name));
}

/// <summary>One <c>IpPermission</c>: a protocol and port range for a set of peers.</summary>
internal sealed class IpPermissionData
{
    public required string Path { get; init; }

    /// <summary>Normalized: -1, tcp, udp, icmp, icmpv6, or the number as given.</summary>
    public required string Protocol { get; init; }

    public int? FromPort { get; init; }

    public int? ToPort { get; init; }

    public List<(IpCidr Cidr, string? Description)> Ranges { get; } = [];

    public List<string> Groups { get; } = [];

    public List<string> PrefixLists { get; } = [];

    /// <summary>The only peer when the permission names exactly one range: a quick reject for most permissions.</summary>
    public IpCidr? OnlyRange { get; set; }

    /// <summary>The descriptions of the ranges, group pairs and prefix lists, in order.</summary>
    public List<string> Descriptions { get; } = [];

    public string Summary
    {
        get
        {
            var peers = Ranges.Select(r => r.Cidr.ToString()).Concat(Groups).Concat(PrefixLists);
            var ports = Protocol switch
            {
                "-1" => "all traffic",
                "tcp" or "udp" => FromPort is null or -1 ? $"{Protocol} all ports" : FromPort == ToPort ? string.Create(CultureInfo.InvariantCulture, $"{Protocol} {FromPort}") : string.Create(CultureInfo.InvariantCulture, $"{Protocol} {FromPort}-{ToPort}"),
                _ => FromPort is null or -1 ? $"{Protocol} all types" : string.Create(CultureInfo.InvariantCulture, $"{Protocol} type {FromPort} code {ToPort}"),
            };
            return $"allow {ports} {string.Join(", ", peers)}";
        }
    }

    private int _code = -2;

    public bool MatchesProtocol(Flow flow)
    {
        if (_code == -2)
        {
            _code = Protocol switch { "-1" => 0, "tcp" => 1, "udp" => 2, "icmp" => 3, "icmpv6" => 4, _ => 5 };
        }

        var allPorts = FromPort is null or -1;
        switch (_code)
        {
            case 0:
                return true;
            case 1 or 2:
                if (flow.Protocol != (_code == 1 ? NetworkProtocol.Tcp : NetworkProtocol.Udp))
                {
                    return false;
                }

                return allPorts || (flow.DestinationPort >= FromPort && flow.DestinationPort <= ToPort);
            case 3:
                return flow.Protocol == NetworkProtocol.Icmp && !flow.Source.Key.IsIPv6 && allPorts;
            case 4:
                return flow.Protocol == NetworkProtocol.Icmp && flow.Source.Key.IsIPv6 && allPorts;
            default:
                return false;
        }
    }

    public bool MatchesPeer(FlowEndpoint peer)
    {
        var key = peer.Key;
        var ranges = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Ranges);
        for (var i = 0; i < ranges.Length; i++)
        {
            if (ranges[i].Cidr.Contains(key))
            {
                return true;
            }
        }

        foreach (var group in Groups)
        {
            if (peer.HasTag(group))
            {
                return true;
            }
        }

        foreach (var prefixList in PrefixLists)
        {
            if (peer.ServiceTags.Contains(prefixList, StringComparer.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public static string NormalizeProtocol(string? protocol) => protocol?.Trim().ToLowerInvariant() switch
    {
        "-1" or "all" => "-1",
        "tcp" or "6" => "tcp",
        "udp" or "17" => "udp",
        "icmp" or "1" => "icmp",
        "icmpv6" or "58" => "icmpv6",
        null or "" => string.Empty,
        var other => other,
    };
}

internal static class SecurityGroupReader
{
    /// <summary>The tag that marks a group as attached to every instance the policy covers (written by the translator for rules whose target is any workload).</summary>
    public const string AttachTagKey = "polycloud:attach";

    public static List<SecurityGroupData> Read(string json)
    {
        using var document = NativeJson.Parse(json, "security group");
        var root = document.RootElement;
        var groups = new List<SecurityGroupData>();
        IEnumerable<(JsonElement, string)> items = root.ValueKind switch
        {
            JsonValueKind.Array => root.EnumerateArray().Select((g, i) => (g, string.Create(CultureInfo.InvariantCulture, $"[{i}]"))),
            JsonValueKind.Object when root.TryGet("SecurityGroups", out _) => root.Items("SecurityGroups", "$"),
            JsonValueKind.Object => [(root, "$")],
            _ => throw CloudException.InvalidArgument("$", "expected the output of 'aws ec2 describe-security-groups': an object with a SecurityGroups array."),
        };

        foreach (var (element, path) in items)
        {
            var id = element.GetStringOrNull("GroupId", path);
            var name = element.GetStringOrNull("GroupName", path);
            if (id is null && name is null)
            {
                throw CloudException.InvalidArgument(path, "a security group needs a GroupId or a GroupName.");
            }

            var attachedToAll = element.Items("Tags", path).Any(t => t.Item.GetStringOrNull("Key", t.Path) == AttachTagKey && t.Item.GetStringOrNull("Value", t.Path) == "all");
            var group = new SecurityGroupData { Id = id ?? name!, Name = name, AttachedToEveryInstance = attachedToAll, Path = path };
            foreach (var (permission, permissionPath) in element.Items("IpPermissions", path))
            {
                group.Ingress.Add(ReadPermission(permission, permissionPath));
            }

            foreach (var (permission, permissionPath) in element.Items("IpPermissionsEgress", path))
            {
                group.Egress.Add(ReadPermission(permission, permissionPath));
            }

            groups.Add(group);
        }

        return groups;
    }

    private static IpPermissionData ReadPermission(JsonElement element, string path)
    {
        var rawProtocol = element.GetStringOrNull("IpProtocol", path);
        var protocol = IpPermissionData.NormalizeProtocol(rawProtocol);
        if (protocol.Length == 0)
        {
            throw CloudException.InvalidArgument(path + ".IpProtocol", "every IpPermission needs an IpProtocol (tcp, udp, icmp, icmpv6, -1 or a protocol number).");
        }

        if (protocol is not ("-1" or "tcp" or "udp" or "icmp" or "icmpv6") && !int.TryParse(protocol, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw CloudException.InvalidArgument(path + ".IpProtocol", $"unknown protocol '{rawProtocol}': use tcp, udp, icmp, icmpv6, -1 (all) or a protocol number.");
        }

        var from = element.GetIntOrNull("FromPort", path);
        var to = element.GetIntOrNull("ToPort", path);
        if (protocol is "tcp" or "udp")
        {
            if (from is null || to is null)
            {
                throw CloudException.InvalidArgument(path, $"a {protocol} permission needs FromPort and ToPort.");
            }

            if (from == -1 && to == -1)
            {
                // -1 for tcp/udp means every port in some SDK outputs.
            }
            else if (!(from == 0 && to == 65535) && PortRange.Check(from.Value, to.Value) is { } error)
            {
                throw CloudException.InvalidArgument(path + ".FromPort", error);
            }
            else if (from == 0 && to == 65535)
            {
                from = null;
                to = null;
            }
        }

        var permission = new IpPermissionData { Path = path, Protocol = protocol, FromPort = from, ToPort = to };
        foreach (var (range, rangePath) in element.Items("IpRanges", path))
        {
            permission.Ranges.Add((NativeJson.Cidr(range.GetStringOrNull("CidrIp", rangePath), rangePath + ".CidrIp"), range.GetStringOrNull("Description", rangePath)));
            AddDescription(permission, range, rangePath);
        }

        foreach (var (range, rangePath) in element.Items("Ipv6Ranges", path))
        {
            permission.Ranges.Add((NativeJson.Cidr(range.GetStringOrNull("CidrIpv6", rangePath), rangePath + ".CidrIpv6"), range.GetStringOrNull("Description", rangePath)));
            AddDescription(permission, range, rangePath);
        }

        foreach (var (pair, pairPath) in element.Items("UserIdGroupPairs", path))
        {
            permission.Groups.Add(pair.GetStringOrNull("GroupId", pairPath) ?? pair.GetStringOrNull("GroupName", pairPath)
                ?? throw CloudException.InvalidArgument(pairPath, "a UserIdGroupPair needs a GroupId or GroupName."));
            AddDescription(permission, pair, pairPath);
        }

        foreach (var (prefixList, prefixPath) in element.Items("PrefixListIds", path))
        {
            permission.PrefixLists.Add(prefixList.GetStringOrNull("PrefixListId", prefixPath) ?? throw CloudException.InvalidArgument(prefixPath, "a PrefixListIds entry needs a PrefixListId."));
            AddDescription(permission, prefixList, prefixPath);
        }

        if (permission.Ranges.Count == 1 && permission.Groups.Count + permission.PrefixLists.Count == 0)
        {
            permission.OnlyRange = permission.Ranges[0].Cidr;
        }

        return permission;
    }

    private static void AddDescription(IpPermissionData permission, JsonElement element, string path)
    {
        if (element.GetStringOrNull("Description", path) is { Length: > 0 } description)
        {
            permission.Descriptions.Add(description);
        }
    }
}
