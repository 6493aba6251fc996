namespace Polycloud.Networking;

/// <summary>Which way traffic crosses the filter, seen from the workload the rule protects.</summary>
public enum NetworkDirection
{
    /// <summary>Traffic arriving at the protected workload (AWS inbound, Azure Inbound, GCP INGRESS).</summary>
    Ingress,

    /// <summary>Traffic leaving the protected workload (AWS outbound, Azure Outbound, GCP EGRESS).</summary>
    Egress,
}

/// <summary>What a rule does with the traffic it matches.</summary>
public enum NetworkAction
{
    /// <summary>Let the traffic through.</summary>
    Allow,

    /// <summary>Drop the traffic.</summary>
    Deny,
}

/// <summary>The IP protocol a rule matches.</summary>
public enum NetworkProtocol
{
    /// <summary>Every protocol.</summary>
    All,

    /// <summary>TCP (IP protocol 6).</summary>
    Tcp,

    /// <summary>UDP (IP protocol 17).</summary>
    Udp,

    /// <summary>ICMP for IPv4 (protocol 1) and ICMPv6 for IPv6 (protocol 58); every type and code.</summary>
    Icmp,
}

/// <summary>The verdict on a flow or on one hop of it.</summary>
public enum FlowVerdict
{
    /// <summary>The traffic gets through.</summary>
    Allowed,

    /// <summary>The traffic is dropped.</summary>
    Denied,
}

/// <summary>How serious a translation, import or validation issue is.</summary>
public enum IssueSeverity
{
    /// <summary>Something the user should know; the result is exact.</summary>
    Information,

    /// <summary>The result is exact for the stated assumptions, but something needs the user's attention (for example a quota, or return traffic in a stateless filter).</summary>
    Warning,

    /// <summary>A rule (or part of it) could not be expressed; the result does not implement it. The translation did not succeed.</summary>
    Error,
}

internal static class NetworkNames
{
    public static string ToText(this NetworkDirection direction) => direction == NetworkDirection.Ingress ? "ingress" : "egress";

    public static string ToText(this NetworkAction action) => action == NetworkAction.Allow ? "allow" : "deny";

    public static string ToText(this NetworkProtocol protocol) => protocol switch
    {
        NetworkProtocol.Tcp => "tcp",
        NetworkProtocol.Udp => "udp",
        NetworkProtocol.Icmp => "icmp",
        _ => "all",
    };

    public static bool TryParseProtocol(string? text, out NetworkProtocol protocol)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "TCP" or "6": protocol = NetworkProtocol.Tcp; return true;
            case "UDP" or "17": protocol = NetworkProtocol.Udp; return true;
            case "ICMP" or "1" or "ICMPV6" or "58": protocol = NetworkProtocol.Icmp; return true;
            case "ALL" or "*" or "-1" or "ANY": protocol = NetworkProtocol.All; return true;
            default: protocol = default; return false;
        }
    }

    public static bool HasPorts(this NetworkProtocol protocol) => protocol is NetworkProtocol.Tcp or NetworkProtocol.Udp;
}

/// <summary>Which ends of a flow a set of rules protects, for flows that leave or enter the provider's network.</summary>
[Flags]
public enum FlowSides
{
    /// <summary>The source is a workload the rules protect: its egress is checked.</summary>
    Source = 1,

    /// <summary>The destination is a workload the rules protect: its ingress is checked.</summary>
    Destination = 2,

    /// <summary>Both ends are protected workloads.</summary>
    Both = Source | Destination,
}
