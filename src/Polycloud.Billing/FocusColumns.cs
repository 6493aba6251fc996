namespace Polycloud.Billing;

/// <summary>Data type of a FOCUS column.</summary>
public enum FocusDataType
{
    /// <summary>Free text or an enumerated value (FOCUS "String").</summary>
    Text,
    /// <summary>A decimal number (FOCUS "Decimal").</summary>
    Number,
    /// <summary>An ISO 8601 UTC timestamp (FOCUS "Date/Time").</summary>
    Timestamp,
    /// <summary>A JSON object.</summary>
    Json,
}

/// <summary>FOCUS feature level of a column.</summary>
public enum FocusFeatureLevel
{
    /// <summary>Every FOCUS dataset must carry the column.</summary>
    Mandatory,
    /// <summary>Required when the provider supports the feature the column describes.</summary>
    Conditional,
    /// <summary>Providers should carry the column.</summary>
    Recommended,
}

/// <summary>One column of the FOCUS 1.2 specification.</summary>
/// <param name="Name">Column name.</param>
/// <param name="Level">Feature level.</param>
/// <param name="Type">Data type.</param>
/// <param name="AllowsNulls">Whether the column may hold nulls.</param>
/// <param name="Since">First FOCUS version that defines the column.</param>
public sealed record FocusColumn(string Name, FocusFeatureLevel Level, FocusDataType Type, bool AllowsNulls, string Since)
{
    internal Func<FocusRecord, object?> Value { get; init; } = _ => null;
}

/// <summary>The FOCUS 1.2 column list (from the specification's column and feature-level table).</summary>
public static class FocusColumns
{
    private const FocusFeatureLevel M = FocusFeatureLevel.Mandatory, C = FocusFeatureLevel.Conditional, R = FocusFeatureLevel.Recommended;
    private const FocusDataType S = FocusDataType.Text, D = FocusDataType.Number, T = FocusDataType.Timestamp, J = FocusDataType.Json;

    /// <summary>All FOCUS 1.2 columns, in alphabetical order.</summary>
    public static IReadOnlyList<FocusColumn> All { get; } =
    [
        new("AvailabilityZone", R, S, true, "0.5") { Value = r => r.AvailabilityZone },
        new("BilledCost", M, D, false, "0.5") { Value = r => r.BilledCost },
        new("BillingAccountId", M, S, false, "0.5") { Value = r => r.BillingAccountId },
        new("BillingAccountName", M, S, true, "0.5") { Value = r => r.BillingAccountName },
        new("BillingAccountType", C, S, false, "1.2") { Value = r => r.BillingAccountType },
        new("BillingCurrency", M, S, false, "0.5") { Value = r => r.BillingCurrency },
        new("BillingPeriodEnd", M, T, false, "0.5") { Value = r => r.BillingPeriodEnd },
        new("BillingPeriodStart", M, T, false, "0.5") { Value = r => r.BillingPeriodStart },
        new("CapacityReservationId", C, S, true, "1.1") { Value = r => r.CapacityReservationId },
        new("CapacityReservationStatus", C, S, true, "1.1") { Value = r => r.CapacityReservationStatus },
        new("ChargeCategory", M, S, false, "0.5") { Value = r => r.ChargeCategory },
        new("ChargeClass", M, S, true, "1.0") { Value = r => r.ChargeClass },
        new("ChargeDescription", M, S, true, "1.0-preview") { Value = r => r.ChargeDescription },
        new("ChargeFrequency", R, S, false, "1.0-preview") { Value = r => r.ChargeFrequency },
        new("ChargePeriodEnd", M, T, false, "0.5") { Value = r => r.ChargePeriodEnd },
        new("ChargePeriodStart", M, T, false, "0.5") { Value = r => r.ChargePeriodStart },
        new("CommitmentDiscountCategory", C, S, true, "1.0-preview") { Value = r => r.CommitmentDiscountCategory },
        new("CommitmentDiscountId", C, S, true, "1.0-preview") { Value = r => r.CommitmentDiscountId },
        new("CommitmentDiscountName", C, S, true, "1.0-preview") { Value = r => r.CommitmentDiscountName },
        new("CommitmentDiscountQuantity", C, D, true, "1.1") { Value = r => r.CommitmentDiscountQuantity },
        new("CommitmentDiscountStatus", C, S, true, "1.0") { Value = r => r.CommitmentDiscountStatus },
        new("CommitmentDiscountType", C, S, true, "1.0-preview") { Value = r => r.CommitmentDiscountType },
        new("CommitmentDiscountUnit", C, S, true, "1.1") { Value = r => r.CommitmentDiscountUnit },
        new("ConsumedQuantity", C, D, true, "1.0") { Value = r => r.ConsumedQuantity },
        new("ConsumedUnit", C, S, true, "1.0") { Value = r => r.ConsumedUnit },
        new("ContractedCost", M, D, false, "1.0") { Value = r => r.ContractedCost },
        new("ContractedUnitPrice", C, D, true, "1.0") { Value = r => r.ContractedUnitPrice },
        new("EffectiveCost", M, D, false, "0.5") { Value = r => r.EffectiveCost },
        new("InvoiceId", R, S, true, "1.2") { Value = r => r.InvoiceId },
        new("InvoiceIssuerName", M, S, false, "0.5") { Value = r => r.InvoiceIssuerName },
        new("ListCost", M, D, false, "1.0-preview") { Value = r => r.ListCost },
        new("ListUnitPrice", C, D, true, "1.0-preview") { Value = r => r.ListUnitPrice },
        new("PricingCategory", C, S, true, "1.0-preview") { Value = r => r.PricingCategory },
        new("PricingCurrency", C, S, true, "1.2") { Value = r => r.PricingCurrency },
        new("PricingCurrencyContractedUnitPrice", C, D, true, "1.2") { Value = r => r.PricingCurrencyContractedUnitPrice },
        new("PricingCurrencyEffectiveCost", C, D, true, "1.2") { Value = r => r.PricingCurrencyEffectiveCost },
        new("PricingCurrencyListUnitPrice", C, D, true, "1.2") { Value = r => r.PricingCurrencyListUnitPrice },
        new("PricingQuantity", M, D, true, "1.0-preview") { Value = r => r.PricingQuantity },
        new("PricingUnit", M, S, true, "1.0-preview") { Value = r => r.PricingUnit },
        new("ProviderName", M, S, false, "0.5") { Value = r => r.ProviderName },
        new("PublisherName", M, S, false, "0.5") { Value = r => r.PublisherName },
        new("RegionId", C, S, true, "1.0") { Value = r => r.RegionId },
        new("RegionName", C, S, true, "1.0") { Value = r => r.RegionName },
        new("ResourceId", C, S, true, "0.5") { Value = r => r.ResourceId },
        new("ResourceName", C, S, true, "0.5") { Value = r => r.ResourceName },
        new("ResourceType", C, S, true, "1.0-preview") { Value = r => r.ResourceType },
        new("ServiceCategory", M, S, false, "0.5") { Value = r => r.ServiceCategory },
        new("ServiceName", M, S, false, "0.5") { Value = r => r.ServiceName },
        new("ServiceSubcategory", R, S, false, "1.1") { Value = r => r.ServiceSubcategory },
        new("SkuId", C, S, true, "1.0-preview") { Value = r => r.SkuId },
        new("SkuMeter", C, S, true, "1.1") { Value = r => r.SkuMeter },
        new("SkuPriceDetails", C, J, true, "1.1") { Value = r => r.SkuPriceDetails },
        new("SkuPriceId", C, S, true, "1.0-preview") { Value = r => r.SkuPriceId },
        new("SubAccountId", C, S, true, "0.5") { Value = r => r.SubAccountId },
        new("SubAccountName", C, S, true, "0.5") { Value = r => r.SubAccountName },
        new("SubAccountType", C, S, true, "1.2") { Value = r => r.SubAccountType },
        new("Tags", C, J, true, "1.0-preview") { Value = r => r.TagsJson },
    ];

    /// <summary>Looks a column up by name (ordinal, ignoring case).</summary>
    /// <param name="name">Column name.</param>
    /// <returns>The column, or null when FOCUS does not define it.</returns>
    public static FocusColumn? Find(string name)
    {
        foreach (var c in All)
        {
            if (string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return c;
            }
        }

        return null;
    }

    /// <summary>True when <paramref name="column"/> exists in FOCUS <paramref name="version"/> (for example <c>1.0</c>).</summary>
    internal static bool DefinedIn(FocusColumn column, string version) => Rank(column.Since) <= Rank(version);

    private static int Rank(string version) => version switch
    {
        "0.5" => 0,
        "1.0-preview" => 1,
        "1.0" => 2,
        "1.1" => 3,
        _ => 4,
    };
}
