using System.Net;

namespace Polycloud.Networking;

/// <summary>One side of a flow: an address, and what the workload there is (its tags, service account, service tags).</summary>
public sealed class FlowEndpoint
{
    /// <summary>Creates a flow endpoint.</summary>
    /// <param name="address">The IPv4 or IPv6 address.</param>
    public FlowEndpoint(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Address = address;
        Key = new IpAddressKey(address);
    }

    private readonly string[] _tags = [];

    /// <summary>The address.</summary>
    public IPAddress Address { get; }

    /// <summary>A label for the explanation (for example <c>web-1</c>); optional.</summary>
    public string? Name { get; init; }

    /// <summary>The workload's tags: AWS security groups it is a member of (ID or name), Azure application security groups, GCP network tags.</summary>
    public IReadOnlyList<string> Tags { get => _tags; init => _tags = [.. value ?? []]; }

    /// <summary>The workload's service account (GCP), if any.</summary>
    public string? ServiceAccount { get; init; }

    /// <summary>Service tags the address belongs to, when known (for example <c>VirtualNetwork</c>). When empty, <see cref="NetworkEnvironment"/> decides from the address.</summary>
    public IReadOnlyList<string> ServiceTags { get; init; } = [];

    internal IpAddressKey Key { get; }

    /// <summary>Parses an address, throwing <see cref="CloudException"/> (InvalidArgument) naming <paramref name="path"/> when it is not one.</summary>
    /// <param name="address">The address text.</param>
    /// <param name="path">The field to name in the error.</param>
    /// <returns>The endpoint.</returns>
    public static FlowEndpoint Parse(string address, string path = "address")
    {
        if (!IPAddress.TryParse(address, out var parsed))
        {
            throw CloudException.InvalidArgument(path, $"'{address}' is not an IPv4 or IPv6 address.");
        }

        return new FlowEndpoint(parsed);
    }

    /// <summary>Whether the workload carries the tag (case-insensitive).</summary>
    /// <param name="tag">The tag.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public bool HasTag(string tag)
    {
        foreach (var t in _tags)
        {
            if (string.Equals(t, tag, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var extra = new List<string>();
        if (Tags.Count > 0)
        {
            extra.Add("tags " + string.Join(",", Tags));
        }

        if (ServiceAccount is not null)
        {
            extra.Add("sa " + ServiceAccount);
        }

        var text = Name is null ? Address.ToString() : $"{Name} ({Address})";
        return extra.Count == 0 ? text : $"{text} [{string.Join("; ", extra)}]";
    }
}

/// <summary>
/// A connection attempt to explain: from <see cref="Source"/> to <see cref="Destination"/> with a protocol and destination
/// port. Filters are evaluated on the first packet; stateless filters (AWS network ACLs) also check the return packets,
/// which go to <see cref="SourcePort"/>.
/// </summary>
public sealed class Flow
{
    /// <summary>The source port assumed when <see cref="SourcePort"/> is not given: 49152, the start of the IANA dynamic range.</summary>
    public const int AssumedSourcePort = 49152;

    /// <summary>Creates a flow, validating the protocol and port.</summary>
    /// <param name="source">Where the connection starts.</param>
    /// <param name="destination">Where it goes.</param>
    /// <param name="protocol">TCP, UDP or ICMP (not <see cref="NetworkProtocol.All"/>).</param>
    /// <param name="destinationPort">The destination port (1–65535) for TCP and UDP; <see langword="null"/> for ICMP.</param>
    public Flow(FlowEndpoint source, FlowEndpoint destination, NetworkProtocol protocol, int? destinationPort)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (protocol == NetworkProtocol.All)
        {
            throw CloudException.InvalidArgument(nameof(protocol), "a flow has one protocol: tcp, udp or icmp.");
        }

        if (protocol.HasPorts())
        {
            if (destinationPort is not { } port)
            {
                throw CloudException.InvalidArgument(nameof(destinationPort), $"a {protocol.ToText()} flow needs a destination port (1-65535).");
            }

            if (PortRange.Check(port, port) is { } error)
            {
                throw CloudException.InvalidArgument(nameof(destinationPort), error);
            }
        }
        else if (destinationPort is not null)
        {
            throw CloudException.InvalidArgument(nameof(destinationPort), "an ICMP flow has no port.");
        }

        if (source.Key.IsIPv6 != destination.Key.IsIPv6)
        {
            throw CloudException.InvalidArgument(nameof(destination), $"the source {source.Address} and destination {destination.Address} are of different address families.");
        }

        Source = source;
        Destination = destination;
        Protocol = protocol;
        DestinationPort = destinationPort;
    }

    /// <summary>Where the connection starts.</summary>
    public FlowEndpoint Source { get; }

    /// <summary>Where it goes.</summary>
    public FlowEndpoint Destination { get; }

    /// <summary>TCP, UDP or ICMP.</summary>
    public NetworkProtocol Protocol { get; }

    /// <summary>The destination port for TCP and UDP.</summary>
    public int? DestinationPort { get; }

    /// <summary>The client's source port, used to check return traffic in stateless filters. When <see langword="null"/>, <see cref="AssumedSourcePort"/> is used and the explanation says so.</summary>
    public int? SourcePort { get; init; }

    /// <summary>Creates a TCP flow between two addresses.</summary>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="port">Destination port.</param>
    /// <returns>The flow.</returns>
    public static Flow Tcp(string source, string destination, int port)
        => new(FlowEndpoint.Parse(source, nameof(source)), FlowEndpoint.Parse(destination, nameof(destination)), NetworkProtocol.Tcp, port);

    /// <summary>Creates a UDP flow between two addresses.</summary>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <param name="port">Destination port.</param>
    /// <returns>The flow.</returns>
    public static Flow Udp(string source, string destination, int port)
        => new(FlowEndpoint.Parse(source, nameof(source)), FlowEndpoint.Parse(destination, nameof(destination)), NetworkProtocol.Udp, port);

    /// <summary>Creates an ICMP flow between two addresses.</summary>
    /// <param name="source">Source address.</param>
    /// <param name="destination">Destination address.</param>
    /// <returns>The flow.</returns>
    public static Flow Icmp(string source, string destination)
        => new(FlowEndpoint.Parse(source, nameof(source)), FlowEndpoint.Parse(destination, nameof(destination)), NetworkProtocol.Icmp, null);

    /// <summary>Whether a rule's protocol and port ranges match this flow.</summary>
    /// <param name="protocol">The rule's protocol.</param>
    /// <param name="ports">The rule's port ranges; empty means every port.</param>
    /// <returns><see langword="true"/> when they match.</returns>
    public bool MatchesProtocolAndPorts(NetworkProtocol protocol, IReadOnlyList<PortRange> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        if (protocol != NetworkProtocol.All && protocol != Protocol)
        {
            return false;
        }

        if (ports.Count == 0 || DestinationPort is not { } port)
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

        return false;
    }

    /// <inheritdoc/>
    public override string ToString()
        => $"{Protocol.ToText()} {Source} -> {Destination}{(DestinationPort is { } p ? ":" + p.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty)}";
}
