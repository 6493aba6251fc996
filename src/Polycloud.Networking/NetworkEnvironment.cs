namespace Polycloud.Networking;

/// <summary>
/// What offline evaluation needs to know about the network that rules alone do not say: the address blocks behind
/// provider service tags. Azure's <c>VirtualNetwork</c> tag is the virtual network's address space (plus peered and
/// on-premises spaces); <c>Internet</c> is every address outside it; <c>AzureLoadBalancer</c> is the platform probe
/// address 168.63.129.16. A <see cref="FlowEndpoint"/> that lists its <see cref="FlowEndpoint.ServiceTags"/> overrides
/// the address lookup.
/// </summary>
public sealed class NetworkEnvironment
{
    private readonly Dictionary<string, IpCidr[]> _serviceTags;

    /// <summary>Creates an environment.</summary>
    /// <param name="serviceTagRanges">The address blocks of each service tag (case-insensitive names).</param>
    public NetworkEnvironment(IReadOnlyDictionary<string, IReadOnlyList<IpCidr>> serviceTagRanges)
    {
        ArgumentNullException.ThrowIfNull(serviceTagRanges);
        _serviceTags = new(StringComparer.OrdinalIgnoreCase);
        foreach (var (tag, ranges) in serviceTagRanges)
        {
            _serviceTags[tag] = [.. ranges];
        }
    }

    /// <summary>
    /// The default: <c>VirtualNetwork</c> is the private ranges 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 and fc00::/7;
    /// <c>AzureLoadBalancer</c> is 168.63.129.16/32; <c>Internet</c> is everything outside <c>VirtualNetwork</c>.
    /// Give your virtual network's real address space with <see cref="WithVirtualNetwork"/>.
    /// </summary>
    public static NetworkEnvironment Default { get; } = new(new Dictionary<string, IReadOnlyList<IpCidr>>
    {
        ["VirtualNetwork"] = [IpCidr.Parse("10.0.0.0/8"), IpCidr.Parse("172.16.0.0/12"), IpCidr.Parse("192.168.0.0/16"), IpCidr.Parse("fc00::/7")],
        ["AzureLoadBalancer"] = [IpCidr.Parse("168.63.129.16/32")],
    });

    /// <summary>Creates an environment whose <c>VirtualNetwork</c> tag is the given address space.</summary>
    /// <param name="addressSpace">The virtual network's address blocks.</param>
    /// <returns>The environment.</returns>
    public static NetworkEnvironment WithVirtualNetwork(params string[] addressSpace)
    {
        ArgumentNullException.ThrowIfNull(addressSpace);
        return new(new Dictionary<string, IReadOnlyList<IpCidr>>
        {
            ["VirtualNetwork"] = addressSpace.Select((a, i) => IpCidr.Parse(a, $"addressSpace[{i}]")).ToArray(),
            ["AzureLoadBalancer"] = [IpCidr.Parse("168.63.129.16/32")],
        });
    }

    /// <summary>Whether a flow endpoint belongs to a service tag: listed in its <see cref="FlowEndpoint.ServiceTags"/>, or its address is in the tag's blocks (<c>Internet</c>: not in <c>VirtualNetwork</c>; <c>*</c>: always).</summary>
    /// <param name="endpoint">The flow endpoint.</param>
    /// <param name="serviceTag">The service tag.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public bool IsInServiceTag(FlowEndpoint endpoint, string serviceTag)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(serviceTag);
        if (serviceTag is "*" || serviceTag.Equals("Any", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (endpoint.ServiceTags.Count > 0)
        {
            foreach (var declared in endpoint.ServiceTags)
            {
                if (string.Equals(declared, serviceTag, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        if (serviceTag.Equals("Internet", StringComparison.OrdinalIgnoreCase))
        {
            return !InRanges(endpoint, "VirtualNetwork");
        }

        return InRanges(endpoint, serviceTag);
    }

    private bool InRanges(FlowEndpoint endpoint, string tag)
    {
        if (!_serviceTags.TryGetValue(tag, out var ranges))
        {
            return false;
        }

        var key = endpoint.Key;
        foreach (var range in ranges)
        {
            if (range.Contains(key))
            {
                return true;
            }
        }

        return false;
    }
}
