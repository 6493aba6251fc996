using System.Net;
using CsCheck;
using Polycloud.Networking;

namespace Polycloud.Networking.Tests;

/// <summary>What a generated policy may contain, so that each provider gets policies it can mostly express.</summary>
internal sealed record PolicyShape
{
    public bool Denies { get; init; } = true;

    /// <summary>Target kinds: any, cidr, tag, sa, servicetag.</summary>
    public string[] Targets { get; init; } = ["any", "cidr", "tag", "sa", "servicetag"];

    /// <summary>Peer kinds: any, cidr, tag, sa, servicetag, ipv6.</summary>
    public string[] Peers { get; init; } = ["any", "cidr", "tag", "sa", "servicetag", "ipv6"];

    public string[] EgressPeers { get; init; } = ["any", "cidr", "tag", "sa", "servicetag", "ipv6"];

    public int MaxPriority { get; init; } = 65535;

    public bool RandomDefaults { get; init; } = true;

    public static PolicyShape Everything { get; } = new();

    public static PolicyShape SecurityGroup { get; } = new() { Denies = false, Targets = ["any", "tag"], Peers = ["any", "cidr", "tag", "ipv6"], EgressPeers = ["any", "cidr", "tag", "ipv6"] };

    public static PolicyShape NetworkAcl { get; } = new() { Targets = ["any"], Peers = ["any", "cidr", "ipv6"], EgressPeers = ["any", "cidr", "ipv6"] };

    public static PolicyShape Nsg { get; } = new() { Targets = ["any", "cidr", "tag", "servicetag"], Peers = ["any", "cidr", "tag", "servicetag", "ipv6"], EgressPeers = ["any", "cidr", "tag", "servicetag", "ipv6"] };

    public static PolicyShape Gcp { get; } = new() { Targets = ["any", "tag", "sa"], Peers = ["any", "cidr", "tag", "sa", "ipv6"], EgressPeers = ["any", "cidr", "ipv6"], MaxPriority = 65533 };
}

internal static class PolicyGenerators
{
    public static readonly string[] TagPool = ["web", "db", "app"];
    public static readonly string[] AccountPool = ["web@p.iam.gserviceaccount.com", "db@p.iam.gserviceaccount.com"];
    public static readonly string[] ServiceTagPool = ["VirtualNetwork", "Internet", "AzureLoadBalancer"];

    public static readonly string[] V4Addresses =
    [
        "10.0.0.1", "10.0.0.2", "10.0.1.5", "10.1.0.9", "10.1.2.3", "172.16.0.4", "203.0.113.7", "198.51.100.20", "168.63.129.16",
    ];

    public static readonly string[] V6Addresses = ["2001:db8::1", "2001:db8::2", "2001:db8:1::5", "2001:db8:2::9", "fd00::4"];

    public static readonly int[] InterestingPorts = [22, 80, 443, 3306, 1024, 8080, 49152, 65535, 1];

    private static readonly Gen<IpCidr> V4Cidr =
        Gen.Select(Gen.OneOf(V4Addresses), Gen.OneOf(8, 16, 24, 31, 32), (address, prefix) => Mask(address, prefix));

    private static readonly Gen<IpCidr> V6Cidr =
        Gen.Select(Gen.OneOf(V6Addresses), Gen.OneOf(16, 32, 48, 64, 128), (address, prefix) => Mask(address, prefix));

    private static readonly Gen<PortRange> Ports =
        Gen.Frequency(
            (3, Gen.OneOf(InterestingPorts).Select(PortRange.OnePort)),
            (2, Gen.Select(Gen.Int[1, 65535], Gen.Int[0, 2000], (from, length) => new PortRange(from, Math.Min(65535, from + length)))),
            (1, Gen.Const(PortRange.Ephemeral)));

    public static IpCidr Mask(string address, int prefix)
    {
        var ip = IPAddress.Parse(address);
        var bytes = ip.GetAddressBytes();
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return IpCidr.Parse($"{new IPAddress(bytes)}/{prefix}");
    }

    public static Gen<NetworkEndpoint> Endpoint(string[] kinds, string name) =>
        Gen.OneOf(kinds).SelectMany(kind => kind switch
        {
            "any" => Gen.Const(NetworkEndpoint.Any),
            "cidr" => V4Cidr.Array[1, 3].Select(c => new NetworkEndpoint(name) { Cidrs = c.Distinct().ToArray() }),
            "ipv6" => Gen.Select(V4Cidr.Array[0, 2], V6Cidr.Array[1, 2], (a, b) => new NetworkEndpoint(name) { Cidrs = a.Concat(b).Distinct().ToArray() }),
            "tag" => Gen.OneOf(TagPool).Array[1, 2].Select(t => new NetworkEndpoint(name) { Tags = t.Distinct().ToArray() }),
            "sa" => Gen.OneOf(AccountPool).Select(a => new NetworkEndpoint(name) { ServiceAccounts = [a] }),
            _ => Gen.OneOf(ServiceTagPool).Select(t => new NetworkEndpoint(name) { ServiceTags = [t] }),
        });

    public static Gen<NetworkRule> Rule(PolicyShape shape, int index) =>
        Gen.Select(Gen.Bool, Gen.Bool, Gen.OneOf(NetworkProtocol.All, NetworkProtocol.Tcp, NetworkProtocol.Tcp, NetworkProtocol.Udp, NetworkProtocol.Icmp), Ports.Array[0, 3], Gen.OneOf(100, 200, 1000, 1000, 5000))
            .SelectMany(t =>
            {
                var (ingress, deny, protocol, ports, priority) = t;
                var direction = ingress ? NetworkDirection.Ingress : NetworkDirection.Egress;
                var peers = ingress ? shape.Peers : shape.EgressPeers;
                var target = Endpoint(shape.Targets, $"target{index}");
                var peer = Endpoint(peers, $"peer{index}");
                return Gen.Select(target, peer, Gen.Int[0, shape.MaxPriority], Gen.Int[0, 9], (targetEndpoint, peerEndpoint, randomPriority, usePriority) =>
                    new NetworkRule($"rule-{index}", direction, deny && shape.Denies ? NetworkAction.Deny : NetworkAction.Allow, protocol,
                        ingress ? peerEndpoint : targetEndpoint, ingress ? targetEndpoint : peerEndpoint)
                    {
                        Ports = protocol.HasPorts() ? ports : [],
                        Priority = usePriority == 0 ? randomPriority : priority,
                    });
            });

    public static Gen<NetworkPolicy> Policy(PolicyShape shape) =>
        Gen.Int[0, 8].SelectMany(count =>
            Gen.Select(
                Enumerable.Range(0, count).Select(i => Rule(shape, i)).Aggregate(Gen.Const(Array.Empty<NetworkRule>()), (acc, rule) => Gen.Select(acc, rule, (list, r) => list.Append(r).ToArray())),
                Gen.Int[0, 3], Gen.Bool,
                (rules, ingressAllow, egressDeny) => new NetworkPolicy("generated", rules)
                {
                    DefaultIngress = shape.RandomDefaults && ingressAllow == 0 ? NetworkAction.Allow : NetworkAction.Deny,
                    DefaultEgress = shape.RandomDefaults && egressDeny ? NetworkAction.Deny : NetworkAction.Allow,
                }));

    public static Gen<FlowEndpoint> FlowEndpointGen(bool ipv6) =>
        Gen.Select(Gen.OneOf(ipv6 ? V6Addresses : V4Addresses), Gen.OneOf(TagPool).Array[0, 2], Gen.Int[0, AccountPool.Length],
            (address, tags, account) => new FlowEndpoint(IPAddress.Parse(address))
            {
                Tags = tags.Distinct().ToArray(),
                ServiceAccount = account < AccountPool.Length ? AccountPool[account] : null,
            });

    public static Gen<Flow> Flow =>
        Gen.Int[0, 4].SelectMany(v6 => Gen.Select(FlowEndpointGen(v6 == 0), FlowEndpointGen(v6 == 0), Gen.OneOf(NetworkProtocol.Tcp, NetworkProtocol.Tcp, NetworkProtocol.Udp, NetworkProtocol.Icmp), Gen.Frequency((3, Gen.OneOf(InterestingPorts)), (1, Gen.Int[1, 65535])),
            (source, destination, protocol, port) => new Flow(source, destination, protocol, protocol.HasPorts() ? port : null) { SourcePort = 49152 }));
}
