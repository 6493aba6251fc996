namespace Polycloud.Networking;

/// <summary>
/// A named set of workloads or addresses that rules refer to as source or destination. A flow endpoint belongs to the
/// set when its address is in one of <see cref="Cidrs"/>, or it carries one of <see cref="Tags"/>, or it runs as one of
/// <see cref="ServiceAccounts"/>, or it belongs to one of <see cref="ServiceTags"/> (the selectors are a union).
/// </summary>
/// <remarks>
/// <para><see cref="Tags"/> are workload labels. Each provider has its own: an AWS security group that the instance is a
/// member of (rules reference it as a source group), an Azure application security group, a GCP network tag.</para>
/// <para><see cref="ServiceAccounts"/> are workload identities; only GCP firewall rules can select by them.</para>
/// <para><see cref="ServiceTags"/> are provider-defined address sets such as the Azure service tags
/// <c>VirtualNetwork</c>, <c>Internet</c> and <c>AzureLoadBalancer</c>; see <see cref="NetworkEnvironment"/>.</para>
/// </remarks>
public sealed class NetworkEndpoint : IEquatable<NetworkEndpoint>
{
    /// <summary>The name of the endpoint that matches every address: <c>any</c>.</summary>
    public const string AnyName = "any";

    /// <summary>Creates an endpoint.</summary>
    /// <param name="name">The name rules use to refer to it.</param>
    public NetworkEndpoint(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    private readonly IpCidr[] _cidrs = [];
    private readonly string[] _tags = [];
    private readonly string[] _serviceAccounts = [];
    private readonly string[] _serviceTags = [];

    /// <summary>Every IPv4 and IPv6 address (<c>0.0.0.0/0</c> and <c>::/0</c>).</summary>
    public static NetworkEndpoint Any { get; } = new(AnyName) { Cidrs = [IpCidr.AnyIPv4, IpCidr.AnyIPv6] };

    /// <summary>The name rules use to refer to the endpoint.</summary>
    public string Name { get; }

    /// <summary>Address blocks.</summary>
    public IReadOnlyList<IpCidr> Cidrs { get => _cidrs; init => _cidrs = [.. value ?? []]; }

    /// <summary>Workload labels (AWS security group membership, Azure application security groups, GCP network tags).</summary>
    public IReadOnlyList<string> Tags { get => _tags; init => _tags = [.. value ?? []]; }

    /// <summary>Workload identities (GCP service account e-mail addresses).</summary>
    public IReadOnlyList<string> ServiceAccounts { get => _serviceAccounts; init => _serviceAccounts = [.. value ?? []]; }

    /// <summary>Provider-defined address sets, such as Azure service tags (<c>VirtualNetwork</c>, <c>Internet</c>, <c>AzureLoadBalancer</c>).</summary>
    public IReadOnlyList<string> ServiceTags { get => _serviceTags; init => _serviceTags = [.. value ?? []]; }

    /// <summary><see langword="true"/> when the endpoint matches every address of both families.</summary>
    public bool IsAny
    {
        get
        {
            bool v4 = false, v6 = false;
            foreach (var cidr in Cidrs)
            {
                v4 |= cidr.IsAll && !cidr.IsIPv6;
                v6 |= cidr.IsAll && cidr.IsIPv6;
            }

            return v4 && v6;
        }
    }

    /// <summary><see langword="true"/> when the endpoint has no selector at all, and so matches nothing.</summary>
    public bool IsEmpty => Cidrs.Count == 0 && Tags.Count == 0 && ServiceAccounts.Count == 0 && ServiceTags.Count == 0;

    /// <summary>Creates an endpoint of address blocks.</summary>
    /// <param name="name">The name.</param>
    /// <param name="cidrs">CIDR blocks, parsed with <see cref="IpCidr.Parse"/>.</param>
    /// <returns>The endpoint.</returns>
    public static NetworkEndpoint FromCidrs(string name, params string[] cidrs)
    {
        ArgumentNullException.ThrowIfNull(cidrs);
        var parsed = new IpCidr[cidrs.Length];
        for (var i = 0; i < cidrs.Length; i++)
        {
            parsed[i] = IpCidr.Parse(cidrs[i], $"endpoints.{name}.cidrs[{i}]");
        }

        return new NetworkEndpoint(name) { Cidrs = parsed };
    }

    /// <summary>Creates an endpoint of workload tags.</summary>
    /// <param name="name">The name.</param>
    /// <param name="tags">The tags.</param>
    /// <returns>The endpoint.</returns>
    public static NetworkEndpoint FromTags(string name, params string[] tags) => new(name) { Tags = tags };

    /// <summary>Whether a flow endpoint belongs to this set.</summary>
    /// <param name="endpoint">The flow endpoint.</param>
    /// <param name="environment">The address sets behind service tags; <see langword="null"/> for <see cref="NetworkEnvironment.Default"/>.</param>
    /// <returns><see langword="true"/> when it does.</returns>
    public bool Matches(FlowEndpoint endpoint, NetworkEnvironment? environment = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var key = endpoint.Key;
        var cidrs = _cidrs;
        for (var i = 0; i < cidrs.Length; i++)
        {
            if (cidrs[i].Contains(key))
            {
                return true;
            }
        }

        var tags = _tags;
        for (var i = 0; i < tags.Length; i++)
        {
            if (endpoint.HasTag(tags[i]))
            {
                return true;
            }
        }

        var accounts = _serviceAccounts;
        for (var i = 0; i < accounts.Length; i++)
        {
            if (string.Equals(endpoint.ServiceAccount, accounts[i], StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        if (_serviceTags.Length > 0)
        {
            environment ??= NetworkEnvironment.Default;
            foreach (var serviceTag in _serviceTags)
            {
                if (environment.IsInServiceTag(endpoint, serviceTag))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// Whether this set contains every member of <paramref name="other"/> that can be known offline (address blocks inside one of
    /// this set's blocks; the same tags, service accounts and service tags; or this set is <see cref="IsAny"/>).
    /// </summary>
    /// <param name="other">The other endpoint.</param>
    /// <returns><see langword="true"/> when this endpoint certainly covers the other.</returns>
    public bool Covers(NetworkEndpoint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (IsAny)
        {
            return true;
        }

        foreach (var cidr in other.Cidrs)
        {
            var covered = false;
            foreach (var mine in Cidrs)
            {
                covered |= mine.Contains(cidr);
            }

            if (!covered)
            {
                return false;
            }
        }

        return ContainsAll(Tags, other.Tags) && ContainsAll(ServiceAccounts, other.ServiceAccounts) && ContainsAll(ServiceTags, other.ServiceTags);
    }

    /// <summary>Whether the two sets can share a member, as far as can be known offline (overlapping blocks, a shared tag, account or service tag, or either is <see cref="IsAny"/>).</summary>
    /// <param name="other">The other endpoint.</param>
    /// <returns><see langword="true"/> when they may overlap.</returns>
    public bool MayOverlap(NetworkEndpoint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if ((IsAny && !other.IsEmpty) || (other.IsAny && !IsEmpty))
        {
            return true;
        }

        foreach (var a in Cidrs)
        {
            foreach (var b in other.Cidrs)
            {
                if (a.Overlaps(b))
                {
                    return true;
                }
            }
        }

        return Intersects(Tags, other.Tags) || Intersects(ServiceAccounts, other.ServiceAccounts) || Intersects(ServiceTags, other.ServiceTags);
    }

    /// <summary>Whether the two endpoints select the same members (same blocks, tags, accounts and service tags, in any order); the names are not compared.</summary>
    /// <param name="other">The other endpoint.</param>
    /// <returns><see langword="true"/> when they are the same set.</returns>
    public bool Equals(NetworkEndpoint? other) => other is not null && Covers(other) && other.Covers(this) && IsAny == other.IsAny;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is NetworkEndpoint other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => IsAny ? 1 : 0; // Equality is set containment both ways, so only coarse facts can feed the hash.

    /// <summary>A short description: the name, or the selectors for an unnamed endpoint.</summary>
    /// <returns>The text.</returns>
    public string Describe()
    {
        if (IsAny)
        {
            return "any";
        }

        var parts = new List<string>();
        parts.AddRange(Cidrs.Select(c => c.ToString()));
        parts.AddRange(Tags.Select(t => "tag:" + t));
        parts.AddRange(ServiceAccounts.Select(s => "sa:" + s));
        parts.AddRange(ServiceTags.Select(s => "service-tag:" + s));
        return parts.Count == 0 ? "(nothing)" : string.Join(", ", parts);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Describe()})";

    private static bool ContainsAll(IReadOnlyList<string> mine, IReadOnlyList<string> theirs)
    {
        foreach (var item in theirs)
        {
            var found = false;
            foreach (var m in mine)
            {
                found |= string.Equals(m, item, StringComparison.OrdinalIgnoreCase);
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    private static bool Intersects(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        foreach (var x in a)
        {
            foreach (var y in b)
            {
                if (string.Equals(x, y, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
