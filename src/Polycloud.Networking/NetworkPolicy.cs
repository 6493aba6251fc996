namespace Polycloud.Networking;

/// <summary>
/// A portable network policy: named endpoints, ordered rules, and what happens to traffic no rule matches.
/// Every rule applies to every flow it matches; a flow gets through when the egress rules at its source and the
/// ingress rules at its destination both allow it. The model is stateful: return traffic of an allowed flow is allowed.
/// Read and write it as JSON or YAML with <see cref="NetworkPolicyDocument"/>.
/// </summary>
public sealed class NetworkPolicy
{
    /// <summary>Creates a policy.</summary>
    /// <param name="name">The policy name.</param>
    /// <param name="rules">The rules.</param>
    public NetworkPolicy(string name, IReadOnlyList<NetworkRule> rules)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(rules);
        Name = name;
        Rules = rules;
    }

    /// <summary>The policy name.</summary>
    public string Name { get; }

    /// <summary>The rules, in any order (evaluation order comes from <see cref="NetworkRule.Priority"/>).</summary>
    public IReadOnlyList<NetworkRule> Rules { get; }

    /// <summary>Named endpoints the rules use (rules may also use endpoints that are not listed here; the document lists them all).</summary>
    public IReadOnlyList<NetworkEndpoint> Endpoints { get; init; } = [];

    /// <summary>What happens to ingress traffic no rule matches. Defaults to <see cref="NetworkAction.Deny"/>, as on every provider.</summary>
    public NetworkAction DefaultIngress { get; init; } = NetworkAction.Deny;

    /// <summary>What happens to egress traffic no rule matches. Defaults to <see cref="NetworkAction.Allow"/>, as on every provider.</summary>
    public NetworkAction DefaultEgress { get; init; } = NetworkAction.Allow;

    /// <summary>The default action for a direction.</summary>
    /// <param name="direction">The direction.</param>
    /// <returns>The action.</returns>
    public NetworkAction DefaultFor(NetworkDirection direction) => direction == NetworkDirection.Ingress ? DefaultIngress : DefaultEgress;

    /// <summary>Checks the policy and lists every problem (paths like <c>rules[2].ports[0]</c>).</summary>
    /// <returns>The result.</returns>
    public NetworkValidationResult Validate()
    {
        var problems = new List<NetworkValidationProblem>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Rules.Count; i++)
        {
            var rule = Rules[i];
            var path = $"rules[{i}]";
            if (rule is null)
            {
                problems.Add(new(path, "the rule is null."));
                continue;
            }

            if (string.IsNullOrWhiteSpace(rule.Name))
            {
                problems.Add(new(path + ".name", "every rule needs a name."));
            }
            else
            {
                path = $"rules[{i}] ({rule.Name})";
                if (names.TryGetValue(rule.Name, out var first))
                {
                    problems.Add(new(path + ".name", $"the name '{rule.Name}' is already used by rules[{first}]; rule names must be unique."));
                }
                else
                {
                    names[rule.Name] = i;
                }
            }

            if (rule.Priority is < NetworkRule.MinPriority or > NetworkRule.MaxPriority)
            {
                problems.Add(new(path + ".priority", $"priority {rule.Priority} is out of range: use {NetworkRule.MinPriority} to {NetworkRule.MaxPriority} (lower is evaluated first)."));
            }

            if (!Enum.IsDefined(rule.Protocol))
            {
                problems.Add(new(path + ".protocol", $"unknown protocol value {(int)rule.Protocol}: use tcp, udp, icmp or all."));
            }

            if (rule.Ports is null)
            {
                problems.Add(new(path + ".ports", "ports must not be null; use an empty list for every port."));
            }
            else
            {
                if (rule.Ports.Count > 0 && !rule.Protocol.HasPorts())
                {
                    problems.Add(new(path + ".ports", $"ports apply only to tcp and udp; a rule for {rule.Protocol.ToText()} matches every port, so leave ports empty."));
                }

                for (var p = 0; p < rule.Ports.Count; p++)
                {
                    if (PortRange.Check(rule.Ports[p].From, rule.Ports[p].To) is { } error)
                    {
                        problems.Add(new($"{path}.ports[{p}]", error));
                    }
                }
            }

            CheckEndpoint(rule.Source, path + ".source", problems);
            CheckEndpoint(rule.Destination, path + ".destination", problems);
        }

        return new NetworkValidationResult(problems);
    }

    private static void CheckEndpoint(NetworkEndpoint? endpoint, string path, List<NetworkValidationProblem> problems)
    {
        if (endpoint is null)
        {
            problems.Add(new(path, "an endpoint is required (use 'any' for every address)."));
        }
        else if (endpoint.IsEmpty)
        {
            problems.Add(new(path, $"the endpoint '{endpoint.Name}' selects nothing: give it CIDRs, tags, service accounts or service tags."));
        }
    }
}

/// <summary>One problem found by validation: where, and what rule was broken.</summary>
/// <param name="Path">The field path, for example <c>rules[2] (ssh).ports[0]</c>.</param>
/// <param name="Message">What is wrong, as a sentence.</param>
public sealed record NetworkValidationProblem(string Path, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>The result of validating a policy or a provider document: every problem found.</summary>
public sealed class NetworkValidationResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="problems">The problems.</param>
    public NetworkValidationResult(IReadOnlyList<NetworkValidationProblem> problems) => Problems = problems;

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<NetworkValidationProblem> Problems { get; }

    /// <summary><see langword="true"/> when there are no problems.</summary>
    public bool IsValid => Problems.Count == 0;

    /// <summary>Throws <see cref="CloudException"/> (InvalidArgument) naming the first problem's path and listing every problem.</summary>
    /// <exception cref="CloudException">When there are problems.</exception>
    public void ThrowIfInvalid()
    {
        if (IsValid)
        {
            return;
        }

        var message = Problems.Count == 1
            ? Problems[0].Message
            : $"{Problems[0].Message} ({Problems.Count} problems in all: {string.Join(" | ", Problems)})";
        var exception = CloudException.InvalidArgument(Problems[0].Path, message);
        exception.Data["Problems"] = Problems.Select(p => p.ToString()).ToArray();
        throw exception;
    }

    /// <inheritdoc/>
    public override string ToString() => IsValid ? "valid" : string.Join(Environment.NewLine, Problems);
}
