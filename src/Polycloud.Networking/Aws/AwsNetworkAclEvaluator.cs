using System.Globalization;

namespace Polycloud.Networking.Aws;

/// <summary>
/// Evaluates flows against AWS network ACLs. ACLs are stateless and filter at the subnet boundary, so four checks are
/// made: the source subnet's outbound entries and the destination subnet's inbound entries for the request, then the
/// destination subnet's outbound and the source subnet's inbound entries for the reply (to the flow's source port). In
/// each, entries are checked by ascending rule number and the first match decides; the <c>*</c> entry denies the rest.
/// The evaluator assumes the flow crosses the subnet boundary (traffic inside one subnet is not filtered by its ACL).
/// </summary>
public sealed class AwsNetworkAclEvaluator : INetworkFlowEvaluator
{
    private readonly NetworkAclData? _source;
    private readonly NetworkAclData? _destination;

    /// <summary>Creates an evaluator.</summary>
    /// <param name="sourceSubnetAclJson"><c>describe-network-acls</c> JSON for the source subnet's ACL (the first ACL is used), or <see langword="null"/> when the source is not in a VPC subnet.</param>
    /// <param name="destinationSubnetAclJson">The same for the destination subnet, or <see langword="null"/>.</param>
    /// <exception cref="CloudException">InvalidArgument naming the JSON path when it is malformed.</exception>
    public AwsNetworkAclEvaluator(string? sourceSubnetAclJson, string? destinationSubnetAclJson)
    {
        _source = sourceSubnetAclJson is null ? null : First(sourceSubnetAclJson);
        _destination = destinationSubnetAclJson is null ? null : ReferenceEquals(sourceSubnetAclJson, destinationSubnetAclJson) ? _source : First(destinationSubnetAclJson);
    }

    /// <inheritdoc/>
    public string Provider => "aws-nacl";

    /// <inheritdoc/>
    public IReadOnlyList<HopVerdict> Evaluate(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        var hops = new List<HopVerdict>(4);
        var returnPort = flow.Protocol.HasPorts() ? flow.SourcePort ?? Flow.AssumedSourcePort : (int?)null;
        string[] notes = flow.Protocol.HasPorts() && flow.SourcePort is null
            ? [string.Create(CultureInfo.InvariantCulture, $"the flow has no source port; return traffic was checked on port {Flow.AssumedSourcePort} (the start of the dynamic range)")]
            : [];
        if (_source is not null)
        {
            hops.Add(Check(_source, "source subnet", egress: true, flow, flow.Destination, flow.DestinationPort, isReturn: false, []));
        }

        if (_destination is not null)
        {
            hops.Add(Check(_destination, "destination subnet", egress: false, flow, flow.Source, flow.DestinationPort, isReturn: false, []));
            hops.Add(Check(_destination, "destination subnet", egress: true, flow, flow.Source, returnPort, isReturn: true, notes));
        }

        if (_source is not null)
        {
            hops.Add(Check(_source, "source subnet", egress: false, flow, flow.Destination, returnPort, isReturn: true, notes));
        }

        return hops;
    }

    private static NetworkAclData First(string json)
    {
        var acls = NetworkAclReader.Read(json);
        return acls.Count > 0 ? acls[0] : throw CloudException.InvalidArgument("NetworkAcls", "the JSON holds no network ACL.");
    }

    private HopVerdict Check(NetworkAclData acl, string where, bool egress, Flow flow, FlowEndpoint remote, int? port, bool isReturn, string[] notes)
    {
        var entries = egress ? acl.Outbound : acl.Inbound;
        var key = remote.Key;
        foreach (var entry in entries)
        {
            if (entry.Matches(flow.Protocol, key.IsIPv6, port, key))
            {
                var packet = isReturn ? "reply" : "request";
                return new HopVerdict
                {
                    Provider = Provider,
                    Filter = $"network ACL {acl.Id} of the {where}",
                    Direction = egress ? NetworkDirection.Egress : NetworkDirection.Ingress,
                    IsReturnTraffic = isReturn,
                    Verdict = entry.Allow ? FlowVerdict.Allowed : FlowVerdict.Denied,
                    DecidingRule = new RuleReference(entry.Id, entry.Summary, entry.RuleNumber, entry.IsImplicit || entry.RuleNumber == NetworkAclEntryData.DefaultRuleNumber),
                    Reason = string.Create(CultureInfo.InvariantCulture,
                        $"the {packet} ({flow.Protocol.ToText()}{(port is { } p ? " to port " + p.ToString(CultureInfo.InvariantCulture) : string.Empty)}, {(egress ? "to" : "from")} {remote.Address}) meets rule {entry.Id} first: {(egress ? "outbound" : "inbound")} entries are checked by ascending rule number and the first match decides (stateless: replies are checked too)."),
                    Notes = notes,
                };
            }
        }

        return new HopVerdict
        {
            Provider = Provider,
            Filter = $"network ACL {acl.Id} of the {where}",
            Direction = egress ? NetworkDirection.Egress : NetworkDirection.Ingress,
            IsReturnTraffic = isReturn,
            Verdict = FlowVerdict.Denied,
            DecidingRule = new RuleReference("*", "deny all", NetworkAclEntryData.DefaultRuleNumber, true),
            Reason = "no entry matches, so the '*' rule denies the packet.",
            Notes = notes,
        };
    }
}
