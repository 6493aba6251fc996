
namespace Polycloud.Networking.Azure;

/// <summary>The NSGs a flow meets between two Azure NICs; any of them may be absent.</summary>
public sealed class AzureNsgPath
{
    /// <summary>The NSG on the source VM's NIC (outbound rules, checked first), as <c>az network nsg show</c> JSON.</summary>
    public string? SourceNicNsgJson { get; init; }

    /// <summary>The NSG on the source subnet (outbound rules, checked after the NIC's).</summary>
    public string? SourceSubnetNsgJson { get; init; }

    /// <summary>The NSG on the destination subnet (inbound rules, checked first).</summary>
    public string? DestinationSubnetNsgJson { get; init; }

    /// <summary>The NSG on the destination VM's NIC (inbound rules, checked after the subnet's).</summary>
    public string? DestinationNicNsgJson { get; init; }

    /// <summary>The address sets behind service tags; <see langword="null"/> for <see cref="NetworkEnvironment.Default"/>.</summary>
    public NetworkEnvironment? Environment { get; init; }
}

/// <summary>
/// Evaluates flows against Azure NSGs: outbound at the source NIC then the source subnet, inbound at the destination
/// subnet then the destination NIC. In each NSG, rules (custom 100–4096, then the defaults 65000–65500) are checked by
/// ascending priority and the first match decides. NSGs are stateful: replies are not checked. Application security
/// groups match the names in <see cref="FlowEndpoint.Tags"/>; service tags are resolved with the
/// <see cref="NetworkEnvironment"/>.
/// </summary>
public sealed class AzureNsgEvaluator : INetworkFlowEvaluator
{
    private readonly (NsgData Nsg, string Where, bool Inbound)[] _hops;
    private readonly NetworkEnvironment _environment;

    /// <summary>Creates an evaluator.</summary>
    /// <param name="path">The NSGs on the way.</param>
    /// <exception cref="CloudException">InvalidArgument naming the JSON path when some JSON is malformed.</exception>
    public AzureNsgEvaluator(AzureNsgPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        _environment = path.Environment ?? NetworkEnvironment.Default;
        var hops = new List<(NsgData, string, bool)>();
        void Add(string? json, string where, bool inbound)
        {
            if (json is not null)
            {
                var nsgs = NsgReader.Read(json);
                hops.Add((nsgs.Count > 0 ? nsgs[0] : throw CloudException.InvalidArgument(where, "the JSON holds no NSG."), where, inbound));
            }
        }

        Add(path.SourceNicNsgJson, "source NIC", false);
        Add(path.SourceSubnetNsgJson, "source subnet", false);
        Add(path.DestinationSubnetNsgJson, "destination subnet", true);
        Add(path.DestinationNicNsgJson, "destination NIC", true);
        _hops = [.. hops];
    }

    /// <inheritdoc/>
    public string Provider => "azure-nsg";

    /// <inheritdoc/>
    public IReadOnlyList<HopVerdict> Evaluate(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var result = new HopVerdict[_hops.Length];
        for (var i = 0; i < _hops.Length; i++)
        {
            var (nsg, where, inbound) = _hops[i];
            result[i] = Check(nsg, where, inbound, flow);
        }

        return result;
    }

    private HopVerdict Check(NsgData nsg, string where, bool inbound, Flow flow)
    {
        var rules = inbound ? nsg.Inbound : nsg.Outbound;
        foreach (var rule in rules)
        {
            if (rule.Matches(flow, _environment))
            {
                return new HopVerdict
                {
                    Provider = Provider,
                    Filter = $"NSG {nsg.Name} on the {where}",
                    Direction = inbound ? NetworkDirection.Ingress : NetworkDirection.Egress,
                    Verdict = rule.Allow ? FlowVerdict.Allowed : FlowVerdict.Denied,
                    DecidingRule = new RuleReference(rule.Name, rule.Summary, rule.Priority, rule.IsDefault),
                    Reason = $"{(inbound ? "inbound" : "outbound")} rules are checked by ascending priority and the first match decides{(rule.IsDefault ? "; no custom rule matched, so a default rule did" : string.Empty)}.",
                };
            }
        }

        return new HopVerdict
        {
            Provider = Provider,
            Filter = $"NSG {nsg.Name} on the {where}",
            Direction = inbound ? NetworkDirection.Ingress : NetworkDirection.Egress,
            Verdict = FlowVerdict.Denied,
            Reason = "no rule matches (the default rules were missing from the JSON), so the traffic is denied.",
        };
    }
}
