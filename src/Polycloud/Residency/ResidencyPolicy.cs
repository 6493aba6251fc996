using Microsoft.Extensions.Configuration;

namespace Polycloud.Residency;

/// <summary>What a residency check does with a resource whose region cannot be read.</summary>
public enum ResidencyUnknownAction
{
    /// <summary>The resource fails the check (the default): a region that cannot be read cannot be shown to comply.</summary>
    Fail = 0,

    /// <summary>The resource is logged as a warning and does not fail the check.</summary>
    Warn,
}

/// <summary>The outcome of checking one resource against a <see cref="ResidencyPolicy"/>.</summary>
public enum ResidencyStatus
{
    /// <summary>The region matches an allowed pattern.</summary>
    Allowed,

    /// <summary>The region matches no allowed pattern.</summary>
    Violation,

    /// <summary>The region could not be read; see <see cref="ResidencyPolicy.OnUnknown"/>.</summary>
    Unknown,

    /// <summary>No rule covers the resource (no default and no rule for its name).</summary>
    NoRule,
}

/// <summary>The result of checking one resource.</summary>
/// <param name="ResourceName">The configured resource name (for example <c>archive</c>).</param>
/// <param name="Kind">The kind of resource.</param>
/// <param name="Status">The outcome.</param>
/// <param name="Region">The region read, or <see langword="null"/> when unknown.</param>
/// <param name="Rule">The rule applied, for example <c>Residency:Default [eu-*, europe-*]</c>, or <see langword="null"/>.</param>
/// <param name="Message">A sentence for people: what was found and which rule it broke or met.</param>
public sealed record ResidencyCheck(string ResourceName, ResourceKind Kind, ResidencyStatus Status, string? Region, string? Rule, string Message)
{
    /// <summary><see langword="true"/> when the outcome fails a check under <paramref name="onUnknown"/>.</summary>
    /// <param name="onUnknown">What unknown regions do.</param>
    /// <returns>Whether this result fails the check.</returns>
    public bool Fails(ResidencyUnknownAction onUnknown)
        => Status == ResidencyStatus.Violation || (Status == ResidencyStatus.Unknown && onUnknown == ResidencyUnknownAction.Fail);
}

/// <summary>
/// Where resources may live: allowed region patterns by default and per configured resource name. Read from
/// configuration (<c>Polycloud:Residency</c>):
/// <code>
/// "Residency": {
///   "Default": [ "eu-*", "europe-*", "westeurope", "local" ],
///   "Resources": { "archive": [ "us-east-1" ] },
///   "OnUnknown": "Fail"
/// }
/// </code>
/// Patterns are compared with the resource's reported region case-insensitively; <c>*</c> matches any run of
/// characters and <c>?</c> one character. A region reported as a comma-separated list (a resource stored in several
/// regions) is allowed only when every region in it is. A rule for a resource's name replaces the default for it (it applies to
/// every kind configured under that name).
/// </summary>
public sealed class ResidencyPolicy
{
    /// <summary>The configuration section name under <c>Polycloud</c>: <c>Residency</c>.</summary>
    public const string SectionName = "Residency";

    private static readonly HashSet<string> KnownSettings = new(StringComparer.OrdinalIgnoreCase) { "Default", "Resources", "OnUnknown" };

    /// <summary>Allowed region patterns for resources without their own rule; empty: such resources are not checked.</summary>
    public IReadOnlyList<string> Default { get; init; } = [];

    /// <summary>Allowed region patterns per configured resource name (case-insensitive names).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Resources { get; init; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);

    /// <summary>What a region that cannot be read does. Default: <see cref="ResidencyUnknownAction.Fail"/>.</summary>
    public ResidencyUnknownAction OnUnknown { get; init; }

    /// <summary>Reads the policy from the <c>Residency</c> child of a <c>Polycloud</c> section.</summary>
    /// <param name="polycloudSection">The <c>Polycloud</c> section (or any section with a <c>Residency</c> child).</param>
    /// <returns>The policy, or <see langword="null"/> when there is no <c>Residency</c> section.</returns>
    /// <exception cref="CloudException">InvalidArgument when the section is malformed (an empty pattern, an unknown <c>OnUnknown</c>).</exception>
    public static ResidencyPolicy? FromConfiguration(IConfiguration? polycloudSection)
    {
        var section = polycloudSection?.GetSection(SectionName);
        if (section is null || !section.GetChildren().Any())
        {
            return null;
        }

        string path = section.Path;
        var resources = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetSection("Resources").GetChildren())
        {
            resources[child.Key] = Patterns(child, $"{path}:Resources:{child.Key}");
        }

        string? onUnknown = section["OnUnknown"];
        var action = onUnknown switch
        {
            null or "" => ResidencyUnknownAction.Fail,
            _ when onUnknown.Equals("Fail", StringComparison.OrdinalIgnoreCase) => ResidencyUnknownAction.Fail,
            _ when onUnknown.Equals("Warn", StringComparison.OrdinalIgnoreCase) => ResidencyUnknownAction.Warn,
            _ => throw CloudException.InvalidArgument($"{path}:OnUnknown", $"must be 'Fail' or 'Warn', not '{onUnknown}'."),
        };

        foreach (var child in section.GetChildren())
        {
            if (!KnownSettings.Contains(child.Key))
            {
                throw CloudException.InvalidArgument($"{path}:{child.Key}", "is not a residency setting; use 'Default', 'Resources' or 'OnUnknown'.");
            }
        }

        return new ResidencyPolicy
        {
            Default = Patterns(section.GetSection("Default"), $"{path}:Default"),
            Resources = resources,
            OnUnknown = action,
        };
    }

    /// <summary>The allowed patterns for a resource and where they come from, or <see langword="null"/> when no rule covers it.</summary>
    /// <param name="resourceName">The configured resource name.</param>
    /// <returns>The patterns and the rule's name.</returns>
    public (IReadOnlyList<string> Patterns, string Rule)? RuleFor(string resourceName)
    {
        foreach (var (name, own) in Resources)
        {
            if (string.Equals(name, resourceName, StringComparison.OrdinalIgnoreCase))
            {
                return (own, $"Residency:Resources:{name} [{string.Join(", ", own)}]");
            }
        }

        return Default.Count > 0 ? (Default, $"Residency:Default [{string.Join(", ", Default)}]") : null;
    }

    /// <summary>Checks a resource's location against the policy.</summary>
    /// <param name="resourceName">The configured resource name.</param>
    /// <param name="location">Its location.</param>
    /// <returns>The result.</returns>
    public ResidencyCheck Check(string resourceName, ResourceLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        var rule = RuleFor(resourceName);
        if (rule is null)
        {
            return new ResidencyCheck(resourceName, location.Kind, ResidencyStatus.NoRule, location.Region.Value, null, $"'{resourceName}': no residency rule applies.");
        }

        var (patterns, ruleName) = rule.Value;
        if (!location.Region.IsKnown)
        {
            return new ResidencyCheck(resourceName, location.Kind, ResidencyStatus.Unknown, null, ruleName,
                $"'{resourceName}' ({location.Kind}, {location.Service}): its region is unknown ({location.Region.UnknownReason}); rule {ruleName}.");
        }

        string region = location.Region.Value!;

        // A resource stored in several regions (listed with commas) is allowed only when every one of them is.
        if (region.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).All(r => patterns.Any(p => Matches(p, r))))
        {
            return new ResidencyCheck(resourceName, location.Kind, ResidencyStatus.Allowed, region, ruleName, $"'{resourceName}' is in '{region}', allowed by {ruleName}.");
        }

        return new ResidencyCheck(resourceName, location.Kind, ResidencyStatus.Violation, region, ruleName,
            $"'{resourceName}' ({location.Kind}, {location.Service}) is in '{region}', which breaks {ruleName}.");
    }

    /// <summary>Whether a region matches a pattern: case-insensitive, <c>*</c> any run, <c>?</c> one character.</summary>
    /// <param name="pattern">The pattern, for example <c>eu-*</c>.</param>
    /// <param name="region">The region, for example <c>eu-west-1</c>.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    public static bool Matches(string pattern, string region)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(region);
        return Match(pattern.AsSpan(), region.AsSpan());

        static bool Match(ReadOnlySpan<char> p, ReadOnlySpan<char> s)
        {
            int pi = 0, si = 0, star = -1, mark = 0;
            while (si < s.Length)
            {
                if (pi < p.Length && (p[pi] == '?' || char.ToLowerInvariant(p[pi]) == char.ToLowerInvariant(s[si])))
                {
                    pi++;
                    si++;
                }
                else if (pi < p.Length && p[pi] == '*')
                {
                    star = pi++;
                    mark = si;
                }
                else if (star >= 0)
                {
                    pi = star + 1;
                    si = ++mark;
                }
                else
                {
                    return false;
                }
            }

            while (pi < p.Length && p[pi] == '*')
            {
                pi++;
            }

            return pi == p.Length;
        }
    }

    private static List<string> Patterns(IConfigurationSection section, string path)
    {
        var list = new List<string>();
        if (section.Value is { } single)
        {
            // A single string instead of an array: "Default": "eu-*".
            list.Add(single);
        }

        foreach (var child in section.GetChildren())
        {
            list.Add(child.Value ?? string.Empty);
        }

        foreach (string p in list)
        {
            if (string.IsNullOrWhiteSpace(p))
            {
                throw CloudException.InvalidArgument(path, "a residency rule lists region patterns such as 'eu-*'; an empty pattern is not allowed.");
            }
        }

        return list;
    }
}

/// <summary>Thrown at startup when configured resources break the residency policy: one exception listing every violation.</summary>
public sealed class ResidencyViolationException : CloudException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="violations">Every failing resource.</param>
    public ResidencyViolationException(IReadOnlyList<ResidencyCheck> violations)
        : base(CloudErrorCode.PreconditionFailed, Describe(violations))
    {
        Violations = violations;
    }

    /// <summary>Every failing resource: name, region and the rule it broke.</summary>
    public IReadOnlyList<ResidencyCheck> Violations { get; }

    private static string Describe(IReadOnlyList<ResidencyCheck> violations)
        => $"{violations.Count} configured resource(s) break the residency policy:" + Environment.NewLine
            + string.Join(Environment.NewLine, violations.Select(v => "  - " + v.Message));
}
