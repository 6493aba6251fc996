namespace Polycloud.Networking;

/// <summary>
/// One access rule: traffic in <see cref="Direction"/> from <see cref="Source"/> to <see cref="Destination"/> with
/// <see cref="Protocol"/> on <see cref="Ports"/> is allowed or denied. For an ingress rule the destination is the
/// protected workload and the source is the peer; for an egress rule the source is the protected workload.
/// </summary>
/// <remarks>
/// Portable evaluation order: lowest <see cref="Priority"/> first, first match wins, and at equal priority a deny rule
/// wins over an allow rule (the GCP model). Providers whose rules are unordered (AWS security groups) or uniquely
/// numbered (AWS network ACLs, Azure NSGs) get an equivalent order on translation.
/// </remarks>
public sealed record NetworkRule
{
    /// <summary>The priority a rule gets when none is given: 1000.</summary>
    public const int DefaultPriority = 1000;

    /// <summary>The lowest priority number (evaluated first).</summary>
    public const int MinPriority = 0;

    /// <summary>The highest priority number (evaluated last, before the policy defaults).</summary>
    public const int MaxPriority = 65535;

    /// <summary>Creates a rule.</summary>
    /// <param name="name">A name, unique in the policy.</param>
    /// <param name="direction">Ingress or egress.</param>
    /// <param name="action">Allow or deny.</param>
    /// <param name="protocol">The protocol.</param>
    /// <param name="source">Where the traffic comes from.</param>
    /// <param name="destination">Where it goes.</param>
    public NetworkRule(string name, NetworkDirection direction, NetworkAction action, NetworkProtocol protocol, NetworkEndpoint source, NetworkEndpoint destination)
    {
        Name = name;
        Direction = direction;
        Action = action;
        Protocol = protocol;
        Source = source;
        Destination = destination;
    }

    private readonly PortRange[] _ports = [];

    /// <summary>A name, unique in the policy.</summary>
    public string Name { get; init; }

    /// <summary>Ingress or egress.</summary>
    public NetworkDirection Direction { get; init; }

    /// <summary>Allow or deny.</summary>
    public NetworkAction Action { get; init; }

    /// <summary>The protocol.</summary>
    public NetworkProtocol Protocol { get; init; }

    /// <summary>Destination port ranges for TCP and UDP; empty means every port.</summary>
    public IReadOnlyList<PortRange> Ports { get => _ports; init => _ports = [.. value ?? []]; }

    /// <summary>Where the traffic comes from.</summary>
    public NetworkEndpoint Source { get; init; }

    /// <summary>Where the traffic goes.</summary>
    public NetworkEndpoint Destination { get; init; }

    /// <summary>Evaluation order, 0–65535: lower first. Defaults to <see cref="DefaultPriority"/>.</summary>
    public int Priority { get; init; } = DefaultPriority;

    /// <summary>A free-text description.</summary>
    public string? Description { get; init; }

    /// <summary>The workload the rule protects: the destination of an ingress rule, the source of an egress rule.</summary>
    public NetworkEndpoint Target => Direction == NetworkDirection.Ingress ? Destination : Source;

    /// <summary>The other side: the source of an ingress rule, the destination of an egress rule.</summary>
    public NetworkEndpoint Peer => Direction == NetworkDirection.Ingress ? Source : Destination;

    /// <summary>Whether the rule matches a flow (direction aside): protocol, port, source and destination.</summary>
    /// <param name="flow">The flow.</param>
    /// <param name="environment">Service tag address sets; <see langword="null"/> for the default.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    public bool Matches(Flow flow, NetworkEnvironment? environment = null)
    {
        ArgumentNullException.ThrowIfNull(flow);
        if (Protocol != NetworkProtocol.All && Protocol != flow.Protocol)
        {
            return false;
        }

        if (_ports.Length > 0 && flow.DestinationPort is { } port)
        {
            var inRange = false;
            foreach (var range in _ports)
            {
                inRange |= range.Contains(port);
            }

            if (!inRange)
            {
                return false;
            }
        }

        return Source.Matches(flow.Source, environment) && Destination.Matches(flow.Destination, environment);
    }

    /// <summary>Whether every packet this rule matches is also matched by <paramref name="other"/> (same direction, covering protocol, ports and endpoints).</summary>
    /// <param name="other">The other rule.</param>
    /// <returns><see langword="true"/> when <paramref name="other"/> certainly covers this rule.</returns>
    public bool IsCoveredBy(NetworkRule other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Direction != Direction || (other.Protocol != NetworkProtocol.All && other.Protocol != Protocol))
        {
            return false;
        }

        if (other.Ports.Count > 0)
        {
            if (!Protocol.HasPorts())
            {
                return false;
            }

            var mine = Ports.Count == 0 ? [PortRange.All] : Ports;
            foreach (var range in mine)
            {
                var covered = false;
                foreach (var theirs in other.Ports)
                {
                    covered |= theirs.Contains(range);
                }

                if (!covered)
                {
                    return false;
                }
            }
        }

        return other.Source.Covers(Source) && other.Destination.Covers(Destination);
    }

    /// <summary>Whether some packet may match both rules (same direction, overlapping protocol, ports and endpoints).</summary>
    /// <param name="other">The other rule.</param>
    /// <returns><see langword="true"/> when they may overlap.</returns>
    public bool MayOverlap(NetworkRule other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Direction != Direction || (other.Protocol != Protocol && other.Protocol != NetworkProtocol.All && Protocol != NetworkProtocol.All))
        {
            return false;
        }

        if (Ports.Count > 0 && other.Ports.Count > 0)
        {
            var any = false;
            foreach (var a in Ports)
            {
                foreach (var b in other.Ports)
                {
                    any |= a.Overlaps(b);
                }
            }

            if (!any)
            {
                return false;
            }
        }

        return Source.MayOverlap(other.Source) && Destination.MayOverlap(other.Destination);
    }

    /// <summary>Whether the two rules have the same effect: same direction, action, protocol, ports, endpoints (by content) and priority. Names and descriptions are not compared.</summary>
    /// <param name="other">The other rule.</param>
    /// <param name="comparePriority">Whether the priority must match too.</param>
    /// <returns><see langword="true"/> when they are equivalent.</returns>
    public bool HasSameEffectAs(NetworkRule other, bool comparePriority = true)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Direction == other.Direction && Action == other.Action && Protocol == other.Protocol
            && (!comparePriority || Priority == other.Priority)
            && SamePorts(other) && Source.Equals(other.Source) && Destination.Equals(other.Destination);
    }

    /// <summary>A one-line summary: <c>allow ingress tcp 22 from office to web (priority 100)</c>.</summary>
    /// <returns>The text.</returns>
    public string Describe()
    {
        var ports = Protocol.HasPorts() ? " " + (Ports.Count == 0 ? "*" : string.Join(",", Ports)) : string.Empty;
        return $"{Action.ToText()} {Direction.ToText()} {Protocol.ToText()}{ports} from {Source.Name} to {Destination.Name} (priority {Priority})";
    }

    private bool SamePorts(NetworkRule other)
    {
        if (!Protocol.HasPorts())
        {
            return true;
        }

        var a = Ports.Count == 0 ? [PortRange.All] : Ports;
        var b = other.Ports.Count == 0 ? [PortRange.All] : other.Ports;
        return a.All(x => b.Any(y => y.Contains(x))) && b.All(y => a.Any(x => x.Contains(y)));
    }
}
