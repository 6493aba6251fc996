using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Polycloud.Networking;

/// <summary>
/// Reads and writes a <see cref="NetworkPolicy"/> as a JSON or YAML document. The two formats have the same shape and
/// round-trip: <c>name</c>, <c>defaults</c> (<c>ingress</c>/<c>egress</c>: allow or deny), <c>endpoints</c> (a map from
/// name to <c>cidrs</c>, <c>tags</c>, <c>serviceAccounts</c>, <c>serviceTags</c>) and <c>rules</c> (each with
/// <c>name</c>, <c>direction</c>, <c>action</c>, <c>protocol</c>, <c>ports</c>, <c>source</c>, <c>destination</c>,
/// <c>priority</c>, <c>description</c>). A rule's source or destination is an endpoint name, <c>any</c>, or a CIDR.
/// </summary>
public static class NetworkPolicyDocument
{
    // YamlDotNet's SerializerBuilder/DeserializerBuilder use reflection that needs code generated at run time
    // (IL3050), so the YAML readers are built on first use by the YAML methods only, which carry the same annotation;
    // the JSON methods use a source-generated System.Text.Json context and stay safe under Native AOT.
    private const string YamlDynamicCodeMessage = "YamlDotNet's reflection-based serializer needs code generated at run time; under Native AOT read and write the policy as JSON (FromJson/ToJson).";
    private static ISerializer? s_yamlWriter;
    private static IDeserializer? s_yamlReader;

    private static ISerializer YamlWriter
    {
        [RequiresDynamicCode(YamlDynamicCodeMessage)]
        get => s_yamlWriter ??= new SerializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull | DefaultValuesHandling.OmitEmptyCollections)
            .DisableAliases()
            .Build();
    }

    private static IDeserializer YamlReader
    {
        [RequiresDynamicCode(YamlDynamicCodeMessage)]
        get => s_yamlReader ??= new DeserializerBuilder()
            .WithNamingConvention(CamelCaseNamingConvention.Instance)
            .Build();
    }

    /// <summary>Writes the policy as indented JSON.</summary>
    /// <param name="policy">The policy.</param>
    /// <returns>The JSON text.</returns>
    public static string ToJson(NetworkPolicy policy) => JsonSerializer.Serialize(ToDocument(policy), NetworkDocumentJsonContext.Default.PolicyDocument);

    /// <summary>Writes the policy as YAML.</summary>
    /// <param name="policy">The policy.</param>
    /// <returns>The YAML text.</returns>
    /// <remarks>Not available under Native AOT (YamlDotNet's serializer needs code generated at run time); use
    /// <see cref="ToJson"/> there.</remarks>
    [RequiresDynamicCode(YamlDynamicCodeMessage)]
    public static string ToYaml(NetworkPolicy policy) => YamlWriter.Serialize(ToDocument(policy));

    /// <summary>Reads a policy from JSON, checking every field; all problems are reported together.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="CloudException">InvalidArgument naming the field path and the rule broken.</exception>
    public static NetworkPolicy FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        PolicyDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, NetworkDocumentJsonContext.Default.PolicyDocument);
        }
        catch (JsonException ex)
        {
            throw new CloudException(CloudErrorCode.InvalidArgument, $"Invalid argument '{ex.Path ?? "$"}': the policy document is not valid JSON of the expected shape: {ex.Message}", null, ex);
        }

        return FromDocument(document ?? throw CloudException.InvalidArgument("$", "the document is empty (null)."));
    }

    /// <summary>Reads a policy from YAML, checking every field; all problems are reported together.</summary>
    /// <param name="yaml">The YAML text.</param>
    /// <returns>The policy.</returns>
    /// <exception cref="CloudException">InvalidArgument naming the field path (or line) and the rule broken.</exception>
    /// <remarks>Not available under Native AOT (YamlDotNet's deserializer needs code generated at run time); use
    /// <see cref="FromJson"/> there.</remarks>
    [RequiresDynamicCode(YamlDynamicCodeMessage)]
    public static NetworkPolicy FromYaml(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        PolicyDocument? document;
        try
        {
            document = YamlReader.Deserialize<PolicyDocument>(yaml);
        }
        catch (YamlException ex)
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"line {ex.Start.Line}, column {ex.Start.Column}");
            throw new CloudException(CloudErrorCode.InvalidArgument, $"Invalid argument '{where}': the policy document is not valid YAML of the expected shape: {(ex.InnerException ?? ex).Message}", null, ex);
        }

        return FromDocument(document ?? throw CloudException.InvalidArgument("$", "the document is empty."));
    }

    private static PolicyDocument ToDocument(NetworkPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var endpoints = new Dictionary<string, EndpointDocument>(StringComparer.Ordinal);
        var seen = new Dictionary<string, NetworkEndpoint>(StringComparer.Ordinal);
        string Reference(NetworkEndpoint endpoint)
        {
            if (ReferenceEquals(endpoint, NetworkEndpoint.Any) || (endpoint.Name == NetworkEndpoint.AnyName && endpoint.IsAny))
            {
                return NetworkEndpoint.AnyName;
            }

            var name = endpoint.Name;
            for (var i = 2; seen.TryGetValue(name, out var other) && !ReferenceEquals(other, endpoint) && !(other.Equals(endpoint) && other.Cidrs.Count == endpoint.Cidrs.Count); i++)
            {
                name = $"{endpoint.Name}-{i}";
            }

            if (seen.TryAdd(name, endpoint))
            {
                endpoints[name] = new EndpointDocument
                {
                    Cidrs = endpoint.Cidrs.Count == 0 ? null : endpoint.Cidrs.Select(c => c.ToString()).ToList(),
                    Tags = endpoint.Tags.Count == 0 ? null : [.. endpoint.Tags],
                    ServiceAccounts = endpoint.ServiceAccounts.Count == 0 ? null : [.. endpoint.ServiceAccounts],
                    ServiceTags = endpoint.ServiceTags.Count == 0 ? null : [.. endpoint.ServiceTags],
                };
            }

            return name;
        }

        foreach (var endpoint in policy.Endpoints)
        {
            Reference(endpoint);
        }

        var rules = policy.Rules.Select(rule => new RuleDocument
        {
            Name = rule.Name,
            Direction = rule.Direction.ToText(),
            Action = rule.Action.ToText(),
            Protocol = rule.Protocol.ToText(),
            Ports = rule.Ports.Count == 0 ? null : rule.Ports.Select(p => p.ToString()).ToList(),
            Source = Reference(rule.Source),
            Destination = Reference(rule.Destination),
            Priority = rule.Priority,
            Description = rule.Description,
        }).ToList();

        return new PolicyDocument
        {
            Name = policy.Name,
            Defaults = new DefaultsDocument { Ingress = policy.DefaultIngress.ToText(), Egress = policy.DefaultEgress.ToText() },
            Endpoints = endpoints,
            Rules = rules,
        };
    }

    private static NetworkPolicy FromDocument(PolicyDocument document)
    {
        var problems = new List<NetworkValidationProblem>();
        var endpoints = new Dictionary<string, NetworkEndpoint>(StringComparer.Ordinal);
        foreach (var (name, definition) in document.Endpoints ?? [])
        {
            var path = $"endpoints.{name}";
            if (definition is null)
            {
                problems.Add(new(path, "the endpoint has no definition."));
                continue;
            }

            var cidrs = new List<IpCidr>();
            for (var i = 0; i < (definition.Cidrs?.Count ?? 0); i++)
            {
                if (IpCidr.TryParse(definition.Cidrs![i], out var cidr, out var error))
                {
                    cidrs.Add(cidr);
                }
                else
                {
                    problems.Add(new($"{path}.cidrs[{i}]", error));
                }
            }

            var endpoint = new NetworkEndpoint(name)
            {
                Cidrs = cidrs,
                Tags = definition.Tags ?? [],
                ServiceAccounts = definition.ServiceAccounts ?? [],
                ServiceTags = definition.ServiceTags ?? [],
            };
            if (endpoint.IsEmpty && (definition.Cidrs?.Count ?? 0) == 0)
            {
                problems.Add(new(path, "the endpoint selects nothing: give it cidrs, tags, serviceAccounts or serviceTags."));
            }

            endpoints[name] = endpoint;
        }

        NetworkEndpoint? Resolve(string? reference, string path)
        {
            if (string.IsNullOrWhiteSpace(reference))
            {
                problems.Add(new(path, "an endpoint is required: an endpoint name, 'any', or a CIDR."));
                return null;
            }

            if (endpoints.TryGetValue(reference, out var named))
            {
                return named;
            }

            if (reference.Equals(NetworkEndpoint.AnyName, StringComparison.OrdinalIgnoreCase) || reference == "*")
            {
                return NetworkEndpoint.Any;
            }

            if (IpCidr.TryParse(reference, out var cidr, out var error))
            {
                var inline = new NetworkEndpoint(reference) { Cidrs = [cidr] };
                endpoints[reference] = inline;
                return inline;
            }

            problems.Add(new(path, reference.Contains('/', StringComparison.Ordinal) || reference.Contains(':', StringComparison.Ordinal) || char.IsAsciiDigit(reference[0])
                ? error
                : $"unknown endpoint '{reference}': define it under endpoints, use 'any', or write a CIDR."));
            return null;
        }

        var rules = new List<NetworkRule>();
        var ruleDocuments = document.Rules ?? [];
        for (var i = 0; i < ruleDocuments.Count; i++)
        {
            var dto = ruleDocuments[i];
            var path = dto?.Name is { Length: > 0 } n ? $"rules[{i}] ({n})" : $"rules[{i}]";
            if (dto is null)
            {
                problems.Add(new(path, "the rule is empty."));
                continue;
            }

            var before = problems.Count;
            if (string.IsNullOrWhiteSpace(dto.Name))
            {
                problems.Add(new(path + ".name", "every rule needs a name."));
            }

            var direction = dto.Direction?.Trim().ToUpperInvariant() switch
            {
                "INGRESS" or "INBOUND" => NetworkDirection.Ingress,
                "EGRESS" or "OUTBOUND" => NetworkDirection.Egress,
                _ => (NetworkDirection?)null,
            };
            if (direction is null)
            {
                problems.Add(new(path + ".direction", $"'{dto.Direction}' is not a direction: use ingress or egress."));
            }

            var action = dto.Action?.Trim().ToUpperInvariant() switch
            {
                "ALLOW" => NetworkAction.Allow,
                "DENY" => NetworkAction.Deny,
                _ => (NetworkAction?)null,
            };
            if (action is null)
            {
                problems.Add(new(path + ".action", $"'{dto.Action}' is not an action: use allow or deny."));
            }

            NetworkProtocol protocol = NetworkProtocol.All;
            if (dto.Protocol is not null && !NetworkNames.TryParseProtocol(dto.Protocol, out protocol))
            {
                problems.Add(new(path + ".protocol", $"unknown protocol '{dto.Protocol}': use tcp, udp, icmp or all."));
            }

            var ports = new List<PortRange>();
            for (var p = 0; p < (dto.Ports?.Count ?? 0); p++)
            {
                if (PortRange.TryParse(dto.Ports![p], out var range, out var error))
                {
                    ports.Add(range);
                }
                else
                {
                    problems.Add(new($"{path}.ports[{p}]", error));
                }
            }

            if (ports.Count == 1 && ports[0].IsAll)
            {
                ports.Clear();
            }

            var source = Resolve(dto.Source, path + ".source");
            var destination = Resolve(dto.Destination, path + ".destination");
            if (problems.Count == before && direction is { } d && action is { } a && source is not null && destination is not null)
            {
                rules.Add(new NetworkRule(dto.Name!, d, a, protocol, source, destination)
                {
                    Ports = ports,
                    Priority = dto.Priority ?? NetworkRule.DefaultPriority,
                    Description = dto.Description,
                });
            }
        }

        var defaults = document.Defaults;
        var defaultIngress = ParseDefault(defaults?.Ingress, NetworkAction.Deny, "defaults.ingress", problems);
        var defaultEgress = ParseDefault(defaults?.Egress, NetworkAction.Allow, "defaults.egress", problems);
        if (string.IsNullOrWhiteSpace(document.Name))
        {
            problems.Add(new("name", "the policy needs a name."));
        }

        if (problems.Count > 0)
        {
            new NetworkValidationResult(problems).ThrowIfInvalid();
        }

        var policy = new NetworkPolicy(document.Name!, rules)
        {
            Endpoints = [.. endpoints.Values],
            DefaultIngress = defaultIngress,
            DefaultEgress = defaultEgress,
        };

        // Rule-level checks (unique names, priority range, ports only for tcp/udp) with the same paths.
        policy.Validate().ThrowIfInvalid();
        return policy;
    }

    private static NetworkAction ParseDefault(string? text, NetworkAction fallback, string path, List<NetworkValidationProblem> problems)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case null: return fallback;
            case "ALLOW": return NetworkAction.Allow;
            case "DENY": return NetworkAction.Deny;
            default:
                problems.Add(new(path, $"'{text}' is not an action: use allow or deny."));
                return fallback;
        }
    }
}

internal sealed class PolicyDocument
{
    public string? Name { get; set; }

    public DefaultsDocument? Defaults { get; set; }

    public Dictionary<string, EndpointDocument>? Endpoints { get; set; }

    public List<RuleDocument>? Rules { get; set; }
}

internal sealed class DefaultsDocument
{
    public string? Ingress { get; set; }

    public string? Egress { get; set; }
}

internal sealed class EndpointDocument
{
    public List<string>? Cidrs { get; set; }

    public List<string>? Tags { get; set; }

    public List<string>? ServiceAccounts { get; set; }

    public List<string>? ServiceTags { get; set; }
}

internal sealed class RuleDocument
{
    public string? Name { get; set; }

    public string? Direction { get; set; }

    public string? Action { get; set; }

    public string? Protocol { get; set; }

    [JsonConverter(typeof(PortListConverter))]
    public List<string>? Ports { get; set; }

    public string? Source { get; set; }

    public string? Destination { get; set; }

    public int? Priority { get; set; }

    public string? Description { get; set; }
}

/// <summary>Reads ports written as numbers (22) or strings ("8000-8080") in JSON.</summary>
internal sealed class PortListConverter : JsonConverter<List<string>>
{
    public override List<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("ports must be an array of port numbers or ranges, for example [22, \"8000-8080\"].");
        }

        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            list.Add(reader.TokenType switch
            {
                JsonTokenType.Number => reader.TryGetInt64(out var n) ? n.ToString(CultureInfo.InvariantCulture) : reader.GetDouble().ToString(CultureInfo.InvariantCulture),
                JsonTokenType.String => reader.GetString() ?? string.Empty,
                _ => throw new JsonException("each port must be a number or a string such as \"8000-8080\"."),
            });
        }

        return list;
    }

    public override void Write(Utf8JsonWriter writer, List<string> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value)
        {
            if (int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                writer.WriteNumberValue(port);
            }
            else
            {
                writer.WriteStringValue(item);
            }
        }

        writer.WriteEndArray();
    }
}

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(PolicyDocument))]
internal sealed partial class NetworkDocumentJsonContext : JsonSerializerContext;
