using System.Collections.Frozen;

namespace Polycloud.Billing;

/// <summary>The allowed values FOCUS 1.2 defines for its enumerated columns, and helpers to normalise them.</summary>
public static class FocusValues
{
    /// <summary>Allowed <see cref="FocusRecord.ChargeCategory"/> values.</summary>
    public static IReadOnlyList<string> ChargeCategories { get; } = ["Usage", "Purchase", "Tax", "Credit", "Adjustment"];

    /// <summary>Allowed non-null <see cref="FocusRecord.ChargeClass"/> values.</summary>
    public static IReadOnlyList<string> ChargeClasses { get; } = ["Correction"];

    /// <summary>Allowed <see cref="FocusRecord.ChargeFrequency"/> values.</summary>
    public static IReadOnlyList<string> ChargeFrequencies { get; } = ["One-Time", "Recurring", "Usage-Based"];

    /// <summary>Allowed non-null <see cref="FocusRecord.PricingCategory"/> values.</summary>
    public static IReadOnlyList<string> PricingCategories { get; } = ["Standard", "Dynamic", "Committed", "Other"];

    /// <summary>Allowed non-null <see cref="FocusRecord.CommitmentDiscountCategory"/> values.</summary>
    public static IReadOnlyList<string> CommitmentDiscountCategories { get; } = ["Spend", "Usage"];

    /// <summary>Allowed non-null <see cref="FocusRecord.CommitmentDiscountStatus"/> and <see cref="FocusRecord.CapacityReservationStatus"/> values.</summary>
    public static IReadOnlyList<string> UsageStatuses { get; } = ["Used", "Unused"];

    /// <summary>Allowed <see cref="FocusRecord.ServiceCategory"/> values.</summary>
    public static IReadOnlyList<string> ServiceCategories { get; } =
    [
        "AI and Machine Learning", "Analytics", "Business Applications", "Compute", "Databases", "Developer Tools",
        "Multicloud", "Identity", "Integration", "Internet of Things", "Management and Governance", "Media", "Migration",
        "Mobile", "Networking", "Security", "Storage", "Web", "Other",
    ];

    private static readonly FrozenDictionary<string, FrozenDictionary<string, string>> Canonical = new Dictionary<string, FrozenDictionary<string, string>>
    {
        ["ChargeCategory"] = Index(ChargeCategories),
        ["ChargeClass"] = Index(ChargeClasses),
        ["ChargeFrequency"] = Index(ChargeFrequencies),
        ["PricingCategory"] = Index(PricingCategories),
        ["CommitmentDiscountCategory"] = Index(CommitmentDiscountCategories),
        ["CommitmentDiscountStatus"] = Index(UsageStatuses),
        ["CapacityReservationStatus"] = Index(UsageStatuses),
        ["ServiceCategory"] = Index(ServiceCategories),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Names of the columns whose values FOCUS restricts to a fixed list.</summary>
    public static IEnumerable<string> EnumeratedColumns => Canonical.Keys;

    /// <summary>The allowed values of an enumerated column, or null when the column is free text.</summary>
    public static IReadOnlyCollection<string>? AllowedValues(string column) =>
        Canonical.TryGetValue(column, out var map) ? map.Values : null;

    /// <summary>
    /// Returns the spec spelling of <paramref name="value"/> for an enumerated column when it matches ignoring case and
    /// separators (<c>Usage-based</c> and <c>UsageBased</c> become <c>Usage-Based</c>); otherwise the value unchanged.
    /// </summary>
    public static string? Normalize(string column, string? value)
    {
        if (value is null || !Canonical.TryGetValue(column, out var map))
        {
            return value;
        }

        return map.TryGetValue(Key(value), out var canonical) ? canonical : value;
    }

    /// <summary>True when <paramref name="value"/> is exactly an allowed value of the enumerated column.</summary>
    public static bool IsAllowed(string column, string value) =>
        Canonical.TryGetValue(column, out var map) && map.TryGetValue(Key(value), out var canonical) && canonical == value;

    /// <summary>True when <paramref name="value"/> matches an allowed value only when case and separators are ignored.</summary>
    public static bool IsAllowedIgnoringCase(string column, string value) =>
        Canonical.TryGetValue(column, out var map) && map.ContainsKey(Key(value));

    private static FrozenDictionary<string, string> Index(IReadOnlyList<string> values) =>
        values.ToFrozenDictionary(Key, v => v, StringComparer.Ordinal);

    private static string Key(string value)
    {
        Span<char> buffer = value.Length <= 128 ? stackalloc char[value.Length] : new char[value.Length];
        int n = 0;
        foreach (var c in value)
        {
            if (char.IsLetterOrDigit(c))
            {
                buffer[n++] = char.ToLowerInvariant(c);
            }
        }

        return new string(buffer[..n]);
    }
}
