namespace Polycloud.Billing;

/// <summary>A column to group cost by.</summary>
public sealed class CostDimension
{
    private CostDimension(string name, Func<FocusRecord, string?> selector, FocusColumnSet columns)
    {
        Name = name;
        Selector = selector;
        Columns = columns;
    }

    private CostDimension(string column, Func<FocusRecord, string?> selector)
        : this(column, selector, FocusColumnSet.Of(column))
    {
    }

    /// <summary>Name used as the column header.</summary>
    public string Name { get; }

    /// <summary>The FOCUS columns the dimension reads (<see cref="FocusColumnSet.All"/> for a custom dimension that does not say).</summary>
    public FocusColumnSet Columns { get; }

    internal Func<FocusRecord, string?> Selector { get; }

    /// <summary>ProviderName (AWS, Microsoft, Google Cloud, ...).</summary>
    public static CostDimension Provider { get; } = new("ProviderName", r => r.ProviderName);

    /// <summary>FOCUS ServiceCategory.</summary>
    public static CostDimension ServiceCategory { get; } = new("ServiceCategory", r => r.ServiceCategory);

    /// <summary>ServiceName.</summary>
    public static CostDimension Service { get; } = new("ServiceName", r => r.ServiceName);

    /// <summary>RegionId.</summary>
    public static CostDimension Region { get; } = new("RegionId", r => r.RegionId);

    /// <summary>SubAccountId (AWS account, Azure subscription, Google Cloud project).</summary>
    public static CostDimension SubAccount { get; } = new("SubAccountId", r => r.SubAccountId);

    /// <summary>SubAccountName.</summary>
    public static CostDimension SubAccountName { get; } = new("SubAccountName", r => r.SubAccountName);

    /// <summary>BillingAccountId.</summary>
    public static CostDimension BillingAccount { get; } = new("BillingAccountId", r => r.BillingAccountId);

    /// <summary>ChargeCategory (Usage, Purchase, Tax, Credit, Adjustment).</summary>
    public static CostDimension ChargeCategory { get; } = new("ChargeCategory", r => r.ChargeCategory);

    /// <summary>PricingCategory (Standard, Dynamic, Committed, Other).</summary>
    public static CostDimension PricingCategory { get; } = new("PricingCategory", r => r.PricingCategory);

    /// <summary>ResourceId.</summary>
    public static CostDimension Resource { get; } = new("ResourceId", r => r.ResourceId);

    /// <summary>The value of one tag key; rows without the key group under null.</summary>
    /// <param name="key">Tag key, for example <c>team</c>.</param>
    /// <returns>The dimension.</returns>
    public static CostDimension Tag(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw CloudException.InvalidArgument(nameof(key), "A tag key is required.");
        }

        return new CostDimension("tag:" + key, r => r.Tags.TryGetValue(key, out var v) ? v : null, FocusColumnSet.Of("Tags"));
    }

    /// <summary>
    /// Any value computed from a record. The dimension may read any column, so a query that uses it reads every column;
    /// say which columns the selector reads with <see cref="Custom(string, Func{FocusRecord, string?}, FocusColumnSet)"/>
    /// to let a query over a file read only those.
    /// </summary>
    /// <param name="name">Column header.</param>
    /// <param name="selector">Computes the group key.</param>
    /// <returns>The dimension.</returns>
    public static CostDimension Custom(string name, Func<FocusRecord, string?> selector) => Custom(name, selector, FocusColumnSet.All);

    /// <summary>A value computed from the given columns of a record.</summary>
    /// <param name="name">Column header.</param>
    /// <param name="selector">Computes the group key; it must read only <paramref name="columns"/>.</param>
    /// <param name="columns">The FOCUS columns <paramref name="selector"/> reads.</param>
    /// <returns>The dimension.</returns>
    public static CostDimension Custom(string name, Func<FocusRecord, string?> selector, FocusColumnSet columns)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(columns);
        return new CostDimension(name, selector, columns);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>Which cost column a query sums.</summary>
public enum CostMetric
{
    /// <summary>EffectiveCost: amortized, after discounts (the default for FinOps reporting).</summary>
    EffectiveCost,
    /// <summary>BilledCost: what the invoice shows.</summary>
    BilledCost,
    /// <summary>ListCost: at public prices (null values count as zero).</summary>
    ListCost,
    /// <summary>ContractedCost: at negotiated prices (null values count as zero).</summary>
    ContractedCost,
}

/// <summary>Time bucket of the charge period.</summary>
public enum CostGranularity
{
    /// <summary>No time bucket: one total per group.</summary>
    None,
    /// <summary>UTC calendar day of ChargePeriodStart.</summary>
    Day,
    /// <summary>UTC calendar month of ChargePeriodStart.</summary>
    Month,
}

internal static class CostMetrics
{
    /// <summary>The FOCUS column a metric sums.</summary>
    public static string ColumnOf(CostMetric metric) => metric switch
    {
        CostMetric.BilledCost => "BilledCost",
        CostMetric.ListCost => "ListCost",
        CostMetric.ContractedCost => "ContractedCost",
        _ => "EffectiveCost",
    };

    public static decimal Of(FocusRecord r, CostMetric metric) => metric switch
    {
        CostMetric.BilledCost => r.BilledCost,
        CostMetric.ListCost => r.ListCost ?? 0m,
        CostMetric.ContractedCost => r.ContractedCost ?? 0m,
        _ => r.EffectiveCost,
    };

    public static DateOnly Bucket(DateTimeOffset start, CostGranularity granularity)
    {
        var d = DateOnly.FromDateTime(start.UtcDateTime);
        return granularity == CostGranularity.Month ? new DateOnly(d.Year, d.Month, 1) : d;
    }
}
