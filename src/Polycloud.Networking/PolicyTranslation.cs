namespace Polycloud.Networking;

/// <summary>
/// Something a translation or import could not do exactly, or that the user must know: which rule, why, and what to do.
/// </summary>
/// <param name="Severity">How serious it is; an <see cref="IssueSeverity.Error"/> means the rule (or the part named) is not in the result.</param>
/// <param name="RulePath">The rule it is about: a portable rule name (<c>rules[3] (ssh)</c>) on translation, a native path (<c>SecurityGroups[0].IpPermissions[2]</c>) on import.</param>
/// <param name="Message">What happened and why, in the provider's terms.</param>
/// <param name="Hint">What the user can do, or <see langword="null"/>.</param>
public sealed record TranslationIssue(IssueSeverity Severity, string RulePath, string Message, string? Hint = null)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Severity.ToString().ToUpperInvariant()} {RulePath}: {Message}{(Hint is null ? string.Empty : " Hint: " + Hint)}";
}

/// <summary>The native rules a policy translates to, as the JSON the provider's API and CLI take, with every issue.</summary>
public sealed class PolicyTranslation
{
    /// <summary>Creates a translation result.</summary>
    /// <param name="provider">The provider name.</param>
    /// <param name="json">The native JSON.</param>
    /// <param name="issues">The issues.</param>
    public PolicyTranslation(string provider, string json, IReadOnlyList<TranslationIssue> issues)
    {
        Provider = provider;
        Json = json;
        Issues = issues;
    }

    /// <summary>The provider name, for example <c>aws-sg</c>.</summary>
    public string Provider { get; }

    /// <summary>The native rules as JSON (the shape the provider's describe/list commands print, which is also what its create APIs take).</summary>
    public string Json { get; }

    /// <summary>Every issue: rules that could not be expressed (errors), and things to know (warnings, information).</summary>
    public IReadOnlyList<TranslationIssue> Issues { get; }

    /// <summary><see langword="true"/> when no issue is an error: the native rules implement the policy exactly.</summary>
    public bool Succeeded => !Issues.Any(i => i.Severity == IssueSeverity.Error);

    /// <summary>Throws <see cref="CloudException"/> (NotSupported) listing every error when the translation did not succeed.</summary>
    /// <exception cref="CloudException">When some rule could not be translated.</exception>
    public void ThrowIfFailed()
    {
        if (Succeeded)
        {
            return;
        }

        var errors = Issues.Where(i => i.Severity == IssueSeverity.Error).ToList();
        throw CloudException.NotSupported(Provider, $"the policy as written: {string.Join(" | ", errors)}");
    }
}

/// <summary>A portable policy imported from a provider's JSON, with the provider's implicit rules made explicit, and every issue.</summary>
public sealed class PolicyImport
{
    /// <summary>Creates an import result.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="issues">The issues.</param>
    public PolicyImport(NetworkPolicy policy, IReadOnlyList<TranslationIssue> issues)
    {
        Policy = policy;
        Issues = issues;
    }

    /// <summary>The imported policy.</summary>
    public NetworkPolicy Policy { get; }

    /// <summary>Native features the portable model cannot hold (errors: the rule was left out and the policy is narrower than what is deployed), and notes.</summary>
    public IReadOnlyList<TranslationIssue> Issues { get; }

    /// <summary><see langword="true"/> when no issue is an error.</summary>
    public bool IsExact => !Issues.Any(i => i.Severity == IssueSeverity.Error);
}

/// <summary>
/// Translates a portable policy to one provider's native rules, imports that provider's JSON, and evaluates flows in its
/// semantics. Implementations are offline: they read and write JSON only.
/// </summary>
public interface INetworkPolicyTranslator
{
    /// <summary>The provider name, for example <c>aws-sg</c>, <c>aws-nacl</c>, <c>azure-nsg</c>, <c>gcp-firewall</c>.</summary>
    string Provider { get; }

    /// <summary>Translates a policy. Rules the provider cannot express are reported as <see cref="IssueSeverity.Error"/> issues, never dropped or widened silently.</summary>
    /// <param name="policy">The policy (validated first).</param>
    /// <returns>The native JSON and the issues.</returns>
    /// <exception cref="CloudException">InvalidArgument when the policy is not valid.</exception>
    PolicyTranslation Translate(NetworkPolicy policy);

    /// <summary>Imports the JSON the provider's CLI prints, with implicit rules made explicit.</summary>
    /// <param name="nativeJson">The JSON.</param>
    /// <returns>The policy and the issues.</returns>
    /// <exception cref="CloudException">InvalidArgument naming the JSON path when the document is malformed.</exception>
    PolicyImport Import(string nativeJson);

    /// <summary>Creates an evaluator over the provider's JSON, in the provider's semantics, with the default placement (see each implementation).</summary>
    /// <param name="nativeJson">The JSON.</param>
    /// <returns>The evaluator.</returns>
    /// <exception cref="CloudException">InvalidArgument naming the JSON path when the document is malformed.</exception>
    INetworkFlowEvaluator CreateEvaluator(string nativeJson);
}

/// <summary>
/// Collects the endpoints of an imported or generated policy, giving endpoints with the same members the same object
/// and a readable, unique name (<c>any</c>, <c>10.0.0.0/16</c>, <c>tag:web</c>, …).
/// </summary>
public sealed class NetworkEndpointCatalog
{
    private readonly List<NetworkEndpoint> _endpoints = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NetworkEndpoint> _byKey = new(StringComparer.Ordinal);

    /// <summary>The endpoints collected so far.</summary>
    public IReadOnlyList<NetworkEndpoint> Endpoints => _endpoints;

    /// <summary>Returns the endpoint with these members, creating it if needed.</summary>
    /// <param name="cidrs">Address blocks.</param>
    /// <param name="tags">Tags.</param>
    /// <param name="serviceAccounts">Service accounts.</param>
    /// <param name="serviceTags">Service tags.</param>
    /// <param name="preferredName">A name to use when creating it, or <see langword="null"/> to derive one.</param>
    /// <returns>The endpoint.</returns>
    public NetworkEndpoint GetOrAdd(IReadOnlyList<IpCidr>? cidrs = null, IReadOnlyList<string>? tags = null, IReadOnlyList<string>? serviceAccounts = null, IReadOnlyList<string>? serviceTags = null, string? preferredName = null)
    {
        var candidate = new NetworkEndpoint("candidate")
        {
            Cidrs = cidrs ?? [],
            Tags = tags ?? [],
            ServiceAccounts = serviceAccounts ?? [],
            ServiceTags = serviceTags ?? [],
        };
        if (candidate.IsAny && candidate.Tags.Count + candidate.ServiceAccounts.Count + candidate.ServiceTags.Count == 0 && candidate.Cidrs.Count == 2)
        {
            Add(NetworkEndpoint.Any);
            return NetworkEndpoint.Any;
        }

        var key = CanonicalKey(candidate);
        if (_byKey.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var name = preferredName ?? candidate.Describe().Replace("tag:", "tag-", StringComparison.Ordinal).Replace(", ", "+", StringComparison.Ordinal);
        if (name.Length > 80)
        {
            name = name[..80];
        }

        var unique = name;
        for (var i = 2; _names.Contains(unique); i++)
        {
            unique = $"{name}-{i}";
        }

        var endpoint = new NetworkEndpoint(unique)
        {
            Cidrs = candidate.Cidrs,
            Tags = candidate.Tags,
            ServiceAccounts = candidate.ServiceAccounts,
            ServiceTags = candidate.ServiceTags,
        };
        Add(endpoint);
        _byKey[key] = endpoint;
        return endpoint;
    }

    private static string CanonicalKey(NetworkEndpoint endpoint)
    {
        if (endpoint.Tags.Count + endpoint.ServiceAccounts.Count + endpoint.ServiceTags.Count == 0 && endpoint.Cidrs.Count == 1)
        {
            return endpoint.Cidrs[0].ToString() + "###";
        }

        if (endpoint.Cidrs.Count + endpoint.ServiceAccounts.Count + endpoint.ServiceTags.Count == 0 && endpoint.Tags.Count == 1)
        {
            return "#" + endpoint.Tags[0].ToUpperInvariant() + "##";
        }

        static IEnumerable<string> Sorted(IEnumerable<string> items) => items.Select(i => i.ToUpperInvariant()).Distinct().Order(StringComparer.Ordinal);
        return string.Join("|", Sorted(endpoint.Cidrs.Select(c => c.ToString())))
            + "#" + string.Join("|", Sorted(endpoint.Tags))
            + "#" + string.Join("|", Sorted(endpoint.ServiceAccounts))
            + "#" + string.Join("|", Sorted(endpoint.ServiceTags));
    }

    /// <summary>Adds an endpoint as is (its name must be unused).</summary>
    /// <param name="endpoint">The endpoint.</param>
    public void Add(NetworkEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (_names.Add(endpoint.Name))
        {
            _endpoints.Add(endpoint);
            _byKey.TryAdd(CanonicalKey(endpoint), endpoint);
        }
    }
}
