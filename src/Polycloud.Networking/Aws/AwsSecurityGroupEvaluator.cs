
namespace Polycloud.Networking.Aws;

/// <summary>
/// Evaluates flows against AWS security groups: the source instance's groups must allow the flow outbound and the
/// destination instance's groups must allow it inbound. Groups are stateful (return traffic is allowed) and allow-only:
/// the permissions of all of an instance's groups form a union, and traffic no permission allows is denied. An
/// instance's groups are the group IDs or names in its <see cref="FlowEndpoint.Tags"/>, plus groups tagged
/// <c>polycloud:attach=all</c>. An endpoint with no group (for example an internet client) is not filtered.
/// </summary>
public sealed class AwsSecurityGroupEvaluator : INetworkFlowEvaluator
{
    private readonly List<SecurityGroupData> _groups;

    /// <summary>Creates an evaluator from <c>aws ec2 describe-security-groups</c> JSON.</summary>
    /// <param name="describeSecurityGroupsJson">The JSON.</param>
    /// <exception cref="CloudException">InvalidArgument naming the JSON path when it is malformed.</exception>
    public AwsSecurityGroupEvaluator(string describeSecurityGroupsJson) => _groups = SecurityGroupReader.Read(describeSecurityGroupsJson);

    /// <inheritdoc/>
    public string Provider => "aws-sg";

    /// <inheritdoc/>
    public IReadOnlyList<HopVerdict> Evaluate(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return [Hop(flow, NetworkDirection.Egress), Hop(flow, NetworkDirection.Ingress)];
    }

    private HopVerdict Hop(Flow flow, NetworkDirection direction)
    {
        var instance = direction == NetworkDirection.Egress ? flow.Source : flow.Destination;
        var peer = direction == NetworkDirection.Egress ? flow.Destination : flow.Source;
        var side = direction == NetworkDirection.Egress ? "source" : "destination";
        var attached = new List<SecurityGroupData>();
        foreach (var group in _groups)
        {
            if (group.IsAttachedTo(instance))
            {
                attached.Add(group);
            }
        }

        if (attached.Count == 0)
        {
            return new HopVerdict
            {
                Provider = Provider,
                Filter = $"security groups of the {side} {instance}",
                Direction = direction,
                Verdict = FlowVerdict.Allowed,
                Reason = $"the {side} is not a member of any of the security groups given, so no security group filters it.",
            };
        }

        var filter = $"security groups of the {side} {instance}: {string.Join(", ", attached.Select(g => g.Display))}";
        foreach (var group in attached)
        {
            var permissions = direction == NetworkDirection.Egress ? group.Egress : group.Ingress;
            var peerKey = peer.Key;
            foreach (var permission in permissions)
            {
                if (permission.OnlyRange is { } only && !only.Contains(peerKey))
                {
                    continue;
                }

                if (permission.MatchesProtocol(flow) && permission.MatchesPeer(peer))
                {
                    return new HopVerdict
                    {
                        Provider = Provider,
                        Filter = filter,
                        Direction = direction,
                        Verdict = FlowVerdict.Allowed,
                        DecidingRule = new RuleReference($"{group.Display} {permission.Path}", permission.Summary, null, false),
                        Reason = $"security groups allow what any permission of any attached group allows ({(direction == NetworkDirection.Egress ? "outbound" : "inbound")}; stateful, so the reply is allowed too).",
                    };
                }
            }
        }

        return new HopVerdict
        {
            Provider = Provider,
            Filter = filter,
            Direction = direction,
            Verdict = FlowVerdict.Denied,
            Reason = $"no {(direction == NetworkDirection.Egress ? "outbound" : "inbound")} permission of the attached groups matches {flow.Protocol.ToText()}{(flow.DestinationPort is { } p ? " port " + p.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty)} {(direction == NetworkDirection.Egress ? "to" : "from")} {peer.Address}; security groups deny whatever they do not allow.",
        };
    }
}
