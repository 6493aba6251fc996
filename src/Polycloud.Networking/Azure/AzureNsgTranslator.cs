using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Polycloud.Networking.Azure;

/// <summary>Options for <see cref="AzureNsgTranslator"/>.</summary>
public sealed class AzureNsgTranslationOptions
{
    /// <summary>
    /// The resource ID prefix for application security groups, for example
    /// <c>/subscriptions/{id}/resourceGroups/{rg}/providers/Microsoft.Network/applicationSecurityGroups/</c>; a tag
    /// <c>web</c> becomes that prefix + <c>web</c>. When <see langword="null"/> (the default), the tag itself is written
    /// as the ID and the translation says to replace it.
    /// </summary>
    public string? ApplicationSecurityGroupIdPrefix { get; init; }

    /// <summary>The environment the evaluator uses for service tags. Defaults to <see cref="NetworkEnvironment.Default"/>.</summary>
    public NetworkEnvironment? Environment { get; init; }
}

/// <summary>
/// Translates portable policies to an Azure network security group (the ARM/REST shape, <c>properties.securityRules</c>),
/// imports the JSON <c>az network nsg show</c> and <c>az network nsg list</c> print (flattened or ARM-shaped), and
/// evaluates flows in NSG semantics.
/// </summary>
/// <remarks>
/// <para>NSG rules are stateful and ordered: priorities 100–4096 (unique per direction), lowest first, first match
/// wins; below them are the default rules AllowVnetInBound (65000), AllowAzureLoadBalancerInBound (65001), DenyAllInBound
/// (65500), AllowVnetOutBound (65000), AllowInternetOutBound (65001) and DenyAllOutBound (65500). Portable rules get
/// priorities in evaluation order, and the policy defaults become explicit rules at 4096 so the default rules never
/// decide.</para>
/// <para>Tags become application security groups; service tags become address prefixes. A side of a rule cannot mix
/// application security groups with address prefixes, so such rules are split. Service accounts cannot be expressed and
/// are reported as errors.</para>
/// </remarks>
public sealed class AzureNsgTranslator : INetworkPolicyTranslator
{
    /// <summary>The Azure limit of rules per NSG.</summary>
    public const int RulesPerNsgLimit = 1000;

    private readonly AzureNsgTranslationOptions _options;

    /// <summary>Creates a translator.</summary>
    /// <param name="options">Options, or <see langword="null"/> for the defaults.</param>
    public AzureNsgTranslator(AzureNsgTranslationOptions? options = null) => _options = options ?? new AzureNsgTranslationOptions();

    /// <inheritdoc/>
    public string Provider => "azure-nsg";

    /// <inheritdoc/>
    public PolicyTranslation Translate(NetworkPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy.Validate().ThrowIfInvalid();
        var issues = new List<TranslationIssue>();
        var fragments = new List<(NetworkRule Rule, string Path, JsonObject Properties, string Name)>();
        var usedNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "polycloud-default-inbound", "polycloud-default-outbound" };
        var usesAsg = false;
        foreach (var rule in PortablePolicyEvaluator.OrderForEvaluation(policy.Rules))
        {
            var path = NativeJson.RulePath(policy, rule);
            var sources = Sides(rule.Source, "source", path, issues, ref usesAsg);
            var destinations = Sides(rule.Destination, "destination", path, issues, ref usesAsg);
            var index = 0;
            foreach (var source in sources)
            {
                foreach (var destination in destinations)
                {
                    var properties = new JsonObject();
                    if (rule.Description is not null)
                    {
                        properties["description"] = rule.Description;
                    }

                    properties["protocol"] = rule.Protocol switch
                    {
                        NetworkProtocol.Tcp => "Tcp",
                        NetworkProtocol.Udp => "Udp",
                        NetworkProtocol.Icmp => "Icmp",
                        _ => "*",
                    };
                    properties["sourcePortRange"] = "*";
                    if (rule.Ports.Count == 0)
                    {
                        properties["destinationPortRange"] = "*";
                    }
                    else if (rule.Ports.Count == 1)
                    {
                        properties["destinationPortRange"] = rule.Ports[0].ToString();
                    }
                    else
                    {
                        properties["destinationPortRanges"] = rule.Ports.Select(p => p.ToString()).ToJsonArray();
                    }

                    Write(properties, "source", source);
                    Write(properties, "destination", destination);
                    properties["access"] = rule.Action == NetworkAction.Allow ? "Allow" : "Deny";
                    properties["direction"] = rule.Direction == NetworkDirection.Ingress ? "Inbound" : "Outbound";
                    var name = Unique(SanitizeName(rule.Name) + (index == 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"-{index + 1}")), usedNames);
                    fragments.Add((rule, path, properties, name));
                    index++;
                }
            }

            if (index > 1)
            {
                issues.Add(new(IssueSeverity.Information, path,
                    $"split into {index} NSG rules: one side of an NSG rule holds either address prefixes, one service tag, or application security groups, not a mix."));
            }
        }

        if (usesAsg && _options.ApplicationSecurityGroupIdPrefix is null)
        {
            issues.Add(new(IssueSeverity.Information, "(all)",
                "tags became application security groups whose 'id' is the tag name; replace it with the ASG resource ID (or set ApplicationSecurityGroupIdPrefix) before deploying, and put the NICs of tagged workloads in those groups."));
        }

        var rules = new JsonArray();
        foreach (var direction in new[] { NetworkDirection.Ingress, NetworkDirection.Egress })
        {
            var list = fragments.Where(f => f.Rule.Direction == direction).ToList();
            var step = NativeJson.Step(list.Count, 100, 4095);
            var priority = 100;
            foreach (var (rule, path, properties, name) in list)
            {
                if (priority > 4095)
                {
                    issues.Add(new(IssueSeverity.Error, path, $"no NSG priority left for '{name}': custom rules use 100-4096 and 4096 holds the policy default, so at most 3996 rules per direction fit."));
                    continue;
                }

                properties["priority"] = priority;
                rules.Add((JsonNode)new JsonObject { ["name"] = name, ["properties"] = properties });
                priority += step;
            }

            var defaultAction = policy.DefaultFor(direction);
            rules.Add((JsonNode)new JsonObject
            {
                ["name"] = direction == NetworkDirection.Ingress ? "polycloud-default-inbound" : "polycloud-default-outbound",
                ["properties"] = new JsonObject
                {
                    ["description"] = $"Policy default: {defaultAction.ToText()} {direction.ToText()} traffic no other rule matches",
                    ["protocol"] = "*",
                    ["sourcePortRange"] = "*",
                    ["destinationPortRange"] = "*",
                    ["sourceAddressPrefix"] = "*",
                    ["destinationAddressPrefix"] = "*",
                    ["access"] = defaultAction == NetworkAction.Allow ? "Allow" : "Deny",
                    ["priority"] = 4096,
                    ["direction"] = direction == NetworkDirection.Ingress ? "Inbound" : "Outbound",
                },
            });
        }

        if (policy.DefaultIngress == NetworkAction.Deny)
        {
            issues.Add(new(IssueSeverity.Warning, "(defaults)",
                "the policy's default-deny ingress is the rule 'polycloud-default-inbound' (Deny, priority 4096); it also overrides the NSG defaults AllowVnetInBound and AllowAzureLoadBalancerInBound, so traffic inside the virtual network and load balancer health probes are denied unless a rule allows them.",
                "Add an ingress allow rule from the service tag AzureLoadBalancer if the workload sits behind an Azure load balancer."));
        }

        if (rules.Count > RulesPerNsgLimit)
        {
            issues.Add(new(IssueSeverity.Warning, "(all)", $"{rules.Count} rules exceed the limit of {RulesPerNsgLimit} rules per NSG.", "Split the policy across the subnet and NIC NSGs, or merge rules."));
        }

        var root = new JsonObject
        {
            ["name"] = SanitizeName(policy.Name),
            ["properties"] = new JsonObject { ["securityRules"] = rules },
        };
        return new PolicyTranslation(Provider, root.ToJsonString(NativeJson.Indented), issues);
    }

    /// <inheritdoc/>
    public PolicyImport Import(string nativeJson)
    {
        var issues = new List<TranslationIssue>();
        var nsgs = NsgReader.Read(nativeJson, issues);
        if (nsgs.Count != 1)
        {
            issues.Add(new(IssueSeverity.Warning, "$",
                $"the JSON holds {nsgs.Count} NSGs; they protect different subnets or NICs, so they are imported into one policy with rule names prefixed by the NSG name. Import them one at a time to compare them separately."));
        }

        var catalog = new NetworkEndpointCatalog();
        var rules = new List<NetworkRule>();
        foreach (var nsg in nsgs)
        {
            var prefix = nsgs.Count == 1 ? string.Empty : nsg.Name + "/";
            foreach (var rule in nsg.Inbound.Concat(nsg.Outbound))
            {
                NetworkProtocol protocol;
                switch (rule.Protocol)
                {
                    case "*": protocol = NetworkProtocol.All; break;
                    case "Tcp": protocol = NetworkProtocol.Tcp; break;
                    case "Udp": protocol = NetworkProtocol.Udp; break;
                    case "Icmp": protocol = NetworkProtocol.Icmp; break;
                    default:
                        issues.Add(new(IssueSeverity.Error, rule.Path, $"protocol {rule.Protocol} has no portable equivalent; the rule was not imported, so the imported policy {(rule.Allow ? "allows less" : "denies less")} than the NSG."));
                        continue;
                }

                if (rule.SourcePorts is not null)
                {
                    issues.Add(new(IssueSeverity.Error, rule.Path, $"the rule matches source ports {rule.SourcePorts}; portable rules match destination ports only, so it was not imported and the imported policy {(rule.Allow ? "allows less" : "denies less")} than the NSG.",
                        "Use sourcePortRange * in the NSG (source ports of clients are ephemeral)."));
                    continue;
                }

                rules.Add(new NetworkRule(prefix + rule.Name, rule.Inbound ? NetworkDirection.Ingress : NetworkDirection.Egress, rule.Allow ? NetworkAction.Allow : NetworkAction.Deny, protocol,
                    Endpoint(rule.Source, catalog), Endpoint(rule.Destination, catalog))
                {
                    Ports = protocol.HasPorts() ? rule.DestinationPorts : [],
                    Priority = rule.Priority,
                    Description = rule.IsDefault ? $"Azure default rule {rule.Name}" : null,
                });
            }
        }

        var policy = new NetworkPolicy(nsgs.Count == 1 ? nsgs[0].Name : "azure-nsgs", rules)
        {
            Endpoints = catalog.Endpoints,
            DefaultIngress = NetworkAction.Deny,
            DefaultEgress = NetworkAction.Deny,
        };
        return new PolicyImport(policy, issues);
    }

    /// <summary>Creates an evaluator with the first NSG in the JSON on both the source NIC (outbound) and the destination NIC (inbound).</summary>
    /// <param name="nativeJson">The NSG JSON.</param>
    /// <returns>The evaluator.</returns>
    public INetworkFlowEvaluator CreateEvaluator(string nativeJson)
        => new AzureNsgEvaluator(new AzureNsgPath { SourceNicNsgJson = nativeJson, DestinationNicNsgJson = nativeJson, Environment = _options.Environment });

    /// <summary>Makes a rule name valid for Azure: letters, digits, '_', '.', '-', starting with a letter or digit, at most 80 characters.</summary>
    /// <param name="name">The name.</param>
    /// <returns>A valid name.</returns>
    public static string SanitizeName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            text.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-' ? c : '-');
        }

        var result = text.ToString().TrimStart('_', '.', '-').TrimEnd('.', '-');
        if (result.Length == 0)
        {
            result = "rule";
        }

        return result.Length > 80 ? result[..80].TrimEnd('.', '-') : result;
    }

    private static string Unique(string name, HashSet<string> used)
    {
        var unique = name;
        for (var i = 2; !used.Add(unique); i++)
        {
            unique = string.Create(CultureInfo.InvariantCulture, $"{name}-{i}");
        }

        return unique;
    }

    private static NetworkEndpoint Endpoint(NsgSide side, NetworkEndpointCatalog catalog)
        => side.Any ? catalog.GetOrAdd([IpCidr.AnyIPv4, IpCidr.AnyIPv6]) : catalog.GetOrAdd(side.Cidrs, side.ApplicationSecurityGroups, null, side.ServiceTags);

    private List<(string Kind, IReadOnlyList<string> Values)> Sides(NetworkEndpoint endpoint, string side, string path, List<TranslationIssue> issues, ref bool usesAsg)
    {
        if (endpoint.IsAny)
        {
            return [("prefix", ["*"])];
        }

        var result = new List<(string, IReadOnlyList<string>)>();
        if (endpoint.Cidrs.Count > 0)
        {
            result.Add(("prefix", endpoint.Cidrs.Select(c => c.ToString()).ToList()));
        }

        foreach (var tag in endpoint.ServiceTags)
        {
            result.Add(("prefix", [tag]));
        }

        if (endpoint.Tags.Count > 0)
        {
            usesAsg = true;
            result.Add(("asg", endpoint.Tags.Select(t => t.StartsWith('/') ? t : (_options.ApplicationSecurityGroupIdPrefix ?? string.Empty) + t).ToList()));
        }

        if (endpoint.ServiceAccounts.Count > 0)
        {
            issues.Add(new(IssueSeverity.Error, path,
                $"NSG rules cannot select by service account ({string.Join(", ", endpoint.ServiceAccounts)}); that part of the {side} '{endpoint.Name}' is not in the translation{(result.Count == 0 ? ", so neither is the rule" : string.Empty)}.",
                "Put those workloads' NICs in an application security group and use it as a tag."));
        }

        return result;
    }

    private static void Write(JsonObject properties, string side, (string Kind, IReadOnlyList<string> Values) value)
    {
        if (value.Kind == "asg")
        {
            properties[side + "ApplicationSecurityGroups"] = new JsonArray([.. value.Values.Select(id => (JsonNode)new JsonObject { ["id"] = id })]);
        }
        else if (value.Values.Count == 1)
        {
            properties[side + "AddressPrefix"] = value.Values[0];
        }
        else
        {
            properties[side + "AddressPrefixes"] = value.Values.ToJsonArray();
        }
    }
}
