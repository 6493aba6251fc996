using System.Globalization;
using System.Text.Json;

namespace Polycloud.Networking.Azure;

internal sealed class NsgData
{
    public required string Name { get; init; }

    public required string Path { get; init; }

    /// <summary>Custom and default inbound rules, by ascending priority.</summary>
    public List<NsgRuleData> Inbound { get; } = [];

    /// <summary>Custom and default outbound rules, by ascending priority.</summary>
    public List<NsgRuleData> Outbound { get; } = [];

    public Dictionary<(bool Inbound, int Priority), NsgRuleData> ByPriority { get; } = [];
}

/// <summary>One side of an NSG rule: address prefixes (CIDRs, service tags, *) or application security groups.</summary>
internal sealed class NsgSide
{
    public bool Any { get; set; }

    public List<IpCidr> Cidrs { get; } = [];

    public List<string> ServiceTags { get; } = [];

    public List<string> ApplicationSecurityGroups { get; } = [];

    public bool Matches(FlowEndpoint endpoint, NetworkEnvironment environment)
    {
        if (Any)
        {
            return true;
        }

        var key = endpoint.Key;
        foreach (var cidr in Cidrs)
        {
            if (cidr.Contains(key))
            {
                return true;
            }
        }

        foreach (var asg in ApplicationSecurityGroups)
        {
            if (endpoint.HasTag(asg))
            {
                return true;
            }
        }

        foreach (var tag in ServiceTags)
        {
            if (environment.IsInServiceTag(endpoint, tag))
            {
                return true;
            }
        }

        return false;
    }

    public string Describe() => Any ? "*" : string.Join(", ", Cidrs.Select(c => c.ToString()).Concat(ServiceTags).Concat(ApplicationSecurityGroups.Select(a => "asg:" + a)));
}

internal sealed class NsgRuleData
{
    public required string Name { get; init; }

    public required string Path { get; init; }

    public required int Priority { get; init; }

    public required bool Inbound { get; init; }

    public required bool Allow { get; init; }

    /// <summary>Normalized: *, Tcp, Udp, Icmp, Esp, Ah.</summary>
    public required string Protocol { get; init; }

    public required NsgSide Source { get; init; }

    public required NsgSide Destination { get; init; }

    /// <summary>Destination port ranges; empty means every port.</summary>
    public List<PortRange> DestinationPorts { get; } = [];

    /// <summary><see langword="true"/> when a source port range other than * is given.</summary>
    public string? SourcePorts { get; init; }

    public bool IsDefault { get; init; }

    public string Summary
        => $"{(Allow ? "Allow" : "Deny")} {Protocol} {Source.Describe()} -> {Destination.Describe()}{(Protocol is "Tcp" or "Udp" or "*" ? ":" + (DestinationPorts.Count == 0 ? "*" : string.Join(",", DestinationPorts)) : string.Empty)}";

    public bool Matches(Flow flow, NetworkEnvironment environment)
    {
        switch (Protocol)
        {
            case "*":
                break;
            case "Tcp" when flow.Protocol == NetworkProtocol.Tcp:
            case "Udp" when flow.Protocol == NetworkProtocol.Udp:
            case "Icmp" when flow.Protocol == NetworkProtocol.Icmp:
                break;
            default:
                return false;
        }

        if (DestinationPorts.Count > 0 && flow.DestinationPort is { } port)
        {
            var any = false;
            foreach (var range in DestinationPorts)
            {
                any |= range.Contains(port);
            }

            if (!any)
            {
                return false;
            }
        }

        if (SourcePorts is not null && (flow.SourcePort is not { } sourcePort || !SourcePorts.Split(',').Any(r => PortRange.TryParse(r, out var range, out _) && range.Contains(sourcePort))))
        {
            return false;
        }

        return Source.Matches(flow.Source, environment) && Destination.Matches(flow.Destination, environment);
    }
}

internal static class NsgReader
{
    public static List<NsgData> Read(string json, List<TranslationIssue>? issues = null)
    {
        using var document = NativeJson.Parse(json, "network security group");
        var root = document.RootElement;
        IEnumerable<(JsonElement, string)> items = root.ValueKind switch
        {
            JsonValueKind.Array => root.EnumerateArray().Select((g, i) => (g, string.Create(CultureInfo.InvariantCulture, $"[{i}]"))),
            JsonValueKind.Object when root.TryGet("value", out _) => root.Items("value", "$"),
            JsonValueKind.Object => [(root, "$")],
            _ => throw CloudException.InvalidArgument("$", "expected the output of 'az network nsg show' (an object) or 'az network nsg list' (an array)."),
        };

        var result = new List<NsgData>();
        foreach (var (element, path) in items)
        {
            var name = element.GetStringOrNull("name", path) ?? path;
            var nested = element.TryGet("properties", out var properties) && properties.ValueKind == JsonValueKind.Object;
            var body = nested ? properties : element;
            var bodyPath = nested ? NativeJson.Join(path, "properties") : path;
            var nsg = new NsgData { Name = name, Path = path };
            foreach (var (rule, rulePath) in body.Items("securityRules", bodyPath))
            {
                Add(nsg, ReadRule(rule, rulePath, isDefault: false));
            }

            var defaults = body.Items("defaultSecurityRules", bodyPath).ToList();
            foreach (var (rule, rulePath) in defaults)
            {
                Add(nsg, ReadRule(rule, rulePath, isDefault: true));
            }

            if (defaults.Count == 0)
            {
                foreach (var rule in DefaultRules(path))
                {
                    Add(nsg, rule);
                }

                issues?.Add(new(IssueSeverity.Information, path, "the JSON lists no defaultSecurityRules; every NSG has them (AllowVnetInBound 65000, AllowAzureLoadBalancerInBound 65001, DenyAllInBound 65500, AllowVnetOutBound 65000, AllowInternetOutBound 65001, DenyAllOutBound 65500), so they were added."));
            }

            nsg.Inbound.Sort((a, b) => a.Priority.CompareTo(b.Priority));
            nsg.Outbound.Sort((a, b) => a.Priority.CompareTo(b.Priority));
            result.Add(nsg);
        }

        return result;
    }

    public static IEnumerable<NsgRuleData> DefaultRules(string path)
    {
        NsgRuleData Rule(string name, int priority, bool inbound, bool allow, NsgSide source, NsgSide destination)
            => new() { Name = name, Path = $"{path}.defaultSecurityRules ({name})", Priority = priority, Inbound = inbound, Allow = allow, Protocol = "*", Source = source, Destination = destination, IsDefault = true };
        NsgSide Tag(string tag)
        {
            var side = new NsgSide();
            side.ServiceTags.Add(tag);
            return side;
        }

        yield return Rule("AllowVnetInBound", 65000, true, true, Tag("VirtualNetwork"), Tag("VirtualNetwork"));
        yield return Rule("AllowAzureLoadBalancerInBound", 65001, true, true, Tag("AzureLoadBalancer"), new NsgSide { Any = true });
        yield return Rule("DenyAllInBound", 65500, true, false, new NsgSide { Any = true }, new NsgSide { Any = true });
        yield return Rule("AllowVnetOutBound", 65000, false, true, Tag("VirtualNetwork"), Tag("VirtualNetwork"));
        yield return Rule("AllowInternetOutBound", 65001, false, true, new NsgSide { Any = true }, Tag("Internet"));
        yield return Rule("DenyAllOutBound", 65500, false, false, new NsgSide { Any = true }, new NsgSide { Any = true });
    }

    private static void Add(NsgData nsg, NsgRuleData rule)
    {
        var list = rule.Inbound ? nsg.Inbound : nsg.Outbound;
        if (!nsg.ByPriority.TryAdd((rule.Inbound, rule.Priority), rule))
        {
            var existing = nsg.ByPriority[(rule.Inbound, rule.Priority)];
            throw CloudException.InvalidArgument(rule.Path + ".priority",
                $"rule '{rule.Name}' has priority {rule.Priority}, already used by '{existing.Name}' in the same direction ({(rule.Inbound ? "Inbound" : "Outbound")}); NSG priorities must be unique per direction.");
        }

        list.Add(rule);
    }

    private static NsgRuleData ReadRule(JsonElement element, string path, bool isDefault)
    {
        var name = element.GetStringOrNull("name", path) ?? path;
        var nested = element.TryGet("properties", out var properties) && properties.ValueKind == JsonValueKind.Object;
        var p = nested ? properties : element;
        path = $"{path} ({name})";
        var propertiesPath = nested ? path + ".properties" : path;
        var priority = p.GetIntOrNull("priority", propertiesPath) ?? throw CloudException.InvalidArgument(propertiesPath + ".priority", "every security rule needs a priority.");
        if (!isDefault && priority is < 100 or > 4096)
        {
            throw CloudException.InvalidArgument(propertiesPath + ".priority", $"priority {priority} is out of range: custom NSG rules use 100 to 4096.");
        }

        var direction = p.GetStringOrNull("direction", propertiesPath);
        if (direction is not ("Inbound" or "Outbound"))
        {
            throw CloudException.InvalidArgument(propertiesPath + ".direction", $"'{direction}' is not a direction: use Inbound or Outbound.");
        }

        var access = p.GetStringOrNull("access", propertiesPath);
        if (access is not ("Allow" or "Deny"))
        {
            throw CloudException.InvalidArgument(propertiesPath + ".access", $"'{access}' is not an access: use Allow or Deny.");
        }

        var rawProtocol = p.GetStringOrNull("protocol", propertiesPath);
        var protocol = rawProtocol?.ToUpperInvariant() switch
        {
            "*" => "*",
            "TCP" => "Tcp",
            "UDP" => "Udp",
            "ICMP" => "Icmp",
            "ESP" => "Esp",
            "AH" => "Ah",
            _ => throw CloudException.InvalidArgument(propertiesPath + ".protocol", $"unknown protocol '{rawProtocol}': use Tcp, Udp, Icmp, Esp, Ah or *."),
        };

        var sourcePorts = Values(p, "sourcePortRange", "sourcePortRanges", propertiesPath);
        var rule = new NsgRuleData
        {
            Name = name,
            Path = path,
            Priority = priority,
            Inbound = direction == "Inbound",
            Allow = access == "Allow",
            Protocol = protocol,
            Source = Side(p, "source", propertiesPath),
            Destination = Side(p, "destination", propertiesPath),
            SourcePorts = sourcePorts.Count == 0 || sourcePorts.Contains("*") ? null : string.Join(",", sourcePorts),
            IsDefault = isDefault,
        };
        var ports = Values(p, "destinationPortRange", "destinationPortRanges", propertiesPath);
        for (var i = 0; i < ports.Count; i++)
        {
            if (!PortRange.TryParse(ports[i], out var range, out var error))
            {
                throw CloudException.InvalidArgument($"{propertiesPath}.destinationPortRange{(ports.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $"s[{i}]") : string.Empty)}", error);
            }

            if (!range.IsAll)
            {
                rule.DestinationPorts.Add(range);
            }
            else
            {
                rule.DestinationPorts.Clear();
                break;
            }
        }

        return rule;
    }

    private static List<string> Values(JsonElement p, string single, string plural, string path)
    {
        var values = p.Strings(plural, path);
        if (p.GetStringOrNull(single, path) is { Length: > 0 } value)
        {
            values.Insert(0, value);
        }

        return values;
    }

    private static NsgSide Side(JsonElement p, string side, string path)
    {
        var result = new NsgSide();
        var prefixes = Values(p, side + "AddressPrefix", side + "AddressPrefixes", path);
        for (var i = 0; i < prefixes.Count; i++)
        {
            var prefix = prefixes[i].Trim();
            if (prefix is "*" || prefix.Equals("Any", StringComparison.OrdinalIgnoreCase) || prefix == "0.0.0.0/0")
            {
                result.Any = true;
            }
            else if (char.IsAsciiDigit(prefix[0]) || prefix.Contains(':', StringComparison.Ordinal))
            {
                result.Cidrs.Add(NativeJson.Cidr(prefix, $"{path}.{side}AddressPrefix{(prefixes.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $"es[{i}]") : string.Empty)}"));
            }
            else
            {
                result.ServiceTags.Add(prefix);
            }
        }

        foreach (var (asg, asgPath) in p.Items(side + "ApplicationSecurityGroups", path))
        {
            var id = asg.GetStringOrNull("id", asgPath) ?? throw CloudException.InvalidArgument(asgPath + ".id", "an application security group reference needs an id.");
            result.ApplicationSecurityGroups.Add(id[(id.LastIndexOf('/') + 1)..]);
        }

        if (!result.Any && result.Cidrs.Count + result.ServiceTags.Count + result.ApplicationSecurityGroups.Count == 0)
        {
            throw CloudException.InvalidArgument($"{path}.{side}AddressPrefix", $"the rule has no {side}: give an address prefix, a service tag, * or application security groups.");
        }

        return result;
    }
}
