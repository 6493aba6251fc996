namespace Polycloud.Billing;

/// <summary>Cost allocated to one tag value.</summary>
/// <param name="Value">Tag value.</param>
/// <param name="Cost">Cost carrying the value.</param>
public sealed record TagAllocationRow(string Value, decimal Cost);

/// <summary>Result of <see cref="CostAnalysis.AllocateByTagAsync(IAsyncEnumerable{FocusRecord}, string, CostMetric, CancellationToken)"/>.</summary>
/// <param name="TagKey">Tag key allocated by.</param>
/// <param name="Metric">Cost column.</param>
/// <param name="Allocations">Cost per tag value, largest first.</param>
/// <param name="UnallocatedCost">Cost of rows without the tag key.</param>
/// <param name="UntaggedCost">Cost of rows without any tag at all.</param>
/// <param name="TotalCost">All cost.</param>
public sealed record TagAllocation(string TagKey, CostMetric Metric, IReadOnlyList<TagAllocationRow> Allocations, decimal UnallocatedCost, decimal UntaggedCost, decimal TotalCost) : ITabularReport
{
    /// <summary>
    /// Share of cost that carries the tag key (the FinOps allocation coverage figure), 0–1; 1 when there is no cost.
    /// Computed over positive amounts, so credits and refunds cannot push it outside 0–1.
    /// </summary>
    public double Coverage { get; init; }

    /// <summary>Share of cost that carries no tag at all, 0–1 (over positive amounts, like <see cref="Coverage"/>).</summary>
    public double UntaggedShare { get; init; }

    /// <inheritdoc />
    public IReadOnlyList<string> Headers => [TagKey, Metric.ToString(), "Share"];

    /// <inheritdoc />
    public IEnumerable<IReadOnlyList<object?>> Rows =>
        Allocations.Select(a => (IReadOnlyList<object?>)[a.Value, a.Cost, Share(a.Cost)])
            .Append([$"(no {TagKey} tag)", UnallocatedCost, Share(UnallocatedCost)]);

    private double Share(decimal cost) => TotalCost == 0 ? 0 : Math.Round((double)(cost / TotalCost), 4);
}

/// <summary>Data transfer cost of one provider and kind.</summary>
/// <param name="Provider">ProviderName.</param>
/// <param name="Kind">Transfer kind.</param>
/// <param name="Currency">Billing currency.</param>
/// <param name="Cost">EffectiveCost.</param>
/// <param name="Gigabytes">Volume where the pricing unit is GB/GiB (0 when unknown).</param>
/// <param name="RowCount">Records.</param>
public sealed record DataTransferRow(string? Provider, DataTransferKind Kind, string? Currency, decimal Cost, decimal Gigabytes, long RowCount);

/// <summary>Result of <see cref="CostAnalysis.DataTransferAsync(IAsyncEnumerable{FocusRecord}, CancellationToken)"/>.</summary>
/// <param name="Items">Rows per provider and kind.</param>
public sealed record DataTransferReport(IReadOnlyList<DataTransferRow> Items) : ITabularReport
{
    /// <summary>Cost leaving the providers: internet egress (which includes transfer to other clouds) plus dedicated interconnects.</summary>
    public decimal EgressCost => Items.Where(i => i.Kind is DataTransferKind.InternetEgress or DataTransferKind.DedicatedInterconnect).Sum(i => i.Cost);

    /// <inheritdoc />
    public IReadOnlyList<string> Headers => ["ProviderName", "Kind", "Currency", "EffectiveCost", "Gigabytes", "Rows"];

    /// <inheritdoc />
    public IEnumerable<IReadOnlyList<object?>> Rows => Items.Select(i => (IReadOnlyList<object?>)[i.Provider, i.Kind.ToString(), i.Currency, i.Cost, i.Gigabytes, i.RowCount]);
}

/// <summary>Utilisation of one commitment discount.</summary>
/// <param name="CommitmentDiscountId">Commitment identifier.</param>
/// <param name="Provider">ProviderName.</param>
/// <param name="Category">Spend or Usage.</param>
/// <param name="Type">Provider label (Savings Plan, Reservation, ...).</param>
/// <param name="UsedCost">EffectiveCost of usage the commitment covered.</param>
/// <param name="UnusedCost">EffectiveCost of the unused part.</param>
public sealed record CommitmentUtilizationRow(string CommitmentDiscountId, string? Provider, string? Category, string? Type, decimal UsedCost, decimal UnusedCost)
{
    /// <summary>Used / (used + unused), 0–1; null when neither is known.</summary>
    public double? Utilization => UsedCost + UnusedCost == 0 ? null : (double)(UsedCost / (UsedCost + UnusedCost));
}

/// <summary>Result of <see cref="CostAnalysis.CommitmentUtilizationAsync(IAsyncEnumerable{FocusRecord}, CancellationToken)"/>.</summary>
/// <param name="Items">One row per commitment discount.</param>
public sealed record CommitmentUtilizationReport(IReadOnlyList<CommitmentUtilizationRow> Items) : ITabularReport
{
    /// <summary>Utilisation across all commitments, weighted by cost.</summary>
    public double? OverallUtilization
    {
        get
        {
            var used = Items.Sum(i => i.UsedCost);
            var unused = Items.Sum(i => i.UnusedCost);
            return used + unused == 0 ? null : (double)(used / (used + unused));
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Headers => ["CommitmentDiscountId", "ProviderName", "Category", "Type", "UsedCost", "UnusedCost", "Utilization"];

    /// <inheritdoc />
    public IEnumerable<IReadOnlyList<object?>> Rows => Items.Select(i => (IReadOnlyList<object?>)
        [i.CommitmentDiscountId, i.Provider, i.Category, i.Type, i.UsedCost, i.UnusedCost, i.Utilization is { } u ? Math.Round(u, 4) : null]);
}

/// <summary>Effective unit price of one service category at one provider, region and unit.</summary>
/// <param name="ServiceCategory">FOCUS service category.</param>
/// <param name="Provider">ProviderName.</param>
/// <param name="Region">RegionId.</param>
/// <param name="PricingUnit">Unit of the quantity.</param>
/// <param name="Currency">Billing currency.</param>
/// <param name="Cost">EffectiveCost.</param>
/// <param name="Quantity">PricingQuantity (ConsumedQuantity when the source has no pricing quantity).</param>
public sealed record UnitPriceRow(string? ServiceCategory, string? Provider, string? Region, string PricingUnit, string? Currency, decimal Cost, decimal Quantity)
{
    /// <summary>Cost / quantity.</summary>
    public decimal UnitPrice => Quantity == 0 ? 0 : Cost / Quantity;
}

/// <summary>Result of <see cref="CostAnalysis.EffectiveUnitPricesAsync(IAsyncEnumerable{FocusRecord}, CancellationToken)"/>.</summary>
/// <param name="Items">Rows sorted by category, unit and price.</param>
public sealed record UnitPriceReport(IReadOnlyList<UnitPriceRow> Items) : ITabularReport
{
    /// <inheritdoc />
    public IReadOnlyList<string> Headers => ["ServiceCategory", "ProviderName", "RegionId", "PricingUnit", "Currency", "EffectiveCost", "Quantity", "UnitPrice"];

    /// <inheritdoc />
    public IEnumerable<IReadOnlyList<object?>> Rows => Items.Select(i => (IReadOnlyList<object?>)
        [i.ServiceCategory, i.Provider, i.Region, i.PricingUnit, i.Currency, i.Cost, i.Quantity, Math.Round(i.UnitPrice, 8)]);
}

/// <summary>One group's cost in a month and the month before.</summary>
/// <param name="Key">Group value.</param>
/// <param name="Currency">Billing currency.</param>
/// <param name="Month">First day of the month.</param>
/// <param name="Cost">Cost in the month.</param>
/// <param name="PreviousCost">Cost in the previous month; null for the first month in the data.</param>
public sealed record MonthOverMonthRow(string? Key, string? Currency, DateOnly Month, decimal Cost, decimal? PreviousCost)
{
    /// <summary>Cost − previous cost.</summary>
    public decimal? Change => PreviousCost is { } p ? Cost - p : null;

    /// <summary>Relative change (0.25 = +25 %); null when there is no previous cost to compare with.</summary>
    public double? ChangeRatio => PreviousCost is { } p && p != 0 ? (double)((Cost - p) / p) : null;
}

/// <summary>Result of <see cref="CostAnalysis.MonthOverMonthAsync(IAsyncEnumerable{FocusRecord}, CostDimension, CostMetric, CancellationToken)"/>.</summary>
/// <param name="Dimension">Grouping name.</param>
/// <param name="Items">Rows by month.</param>
public sealed record MonthOverMonthReport(string Dimension, IReadOnlyList<MonthOverMonthRow> Items) : ITabularReport
{
    /// <inheritdoc />
    public IReadOnlyList<string> Headers => ["Month", Dimension, "Currency", "Cost", "PreviousCost", "Change", "ChangeRatio"];

    /// <inheritdoc />
    public IEnumerable<IReadOnlyList<object?>> Rows => Items.Select(i => (IReadOnlyList<object?>)
        [i.Month, i.Key, i.Currency, i.Cost, i.PreviousCost, i.Change, i.ChangeRatio is { } r ? Math.Round(r, 4) : null]);
}

/// <summary>Options for <see cref="CostAnalysis.DetectAnomaliesAsync(IAsyncEnumerable{FocusRecord}, AnomalyOptions?, CancellationToken)"/>.</summary>
public sealed class AnomalyOptions
{
    /// <summary>Days before the checked day that form the baseline (default 14).</summary>
    public int WindowDays { get; init; } = 14;

    /// <summary>Days of history needed before a day is checked (default 7).</summary>
    public int MinimumHistoryDays { get; init; } = 7;

    /// <summary>Robust z-score (deviation / scaled MAD) at or above which a day is anomalous (default 3.5).</summary>
    public double Threshold { get; init; } = 3.5;

    /// <summary>Smallest absolute deviation from the baseline worth reporting (default 1.00 in the billing currency).</summary>
    public decimal MinimumAmount { get; init; } = 1m;

    /// <summary>Floor for the scale as a fraction of the baseline, so a perfectly flat history does not flag cent-level noise (default 5 %).</summary>
    public decimal MinimumScaleFraction { get; init; } = 0.05m;

    /// <summary>Also report drops below the baseline (default false: only spikes).</summary>
    public bool IncludeDrops { get; init; }
}

/// <summary>A day whose cost departs from its baseline.</summary>
/// <param name="Day">UTC day.</param>
/// <param name="Provider">ProviderName.</param>
/// <param name="Service">ServiceName.</param>
/// <param name="Currency">Billing currency.</param>
/// <param name="Cost">EffectiveCost of the day.</param>
/// <param name="Baseline">Median daily cost of the window.</param>
/// <param name="Score">Robust z-score.</param>
public sealed record AnomalyRow(DateOnly Day, string? Provider, string? Service, string? Currency, decimal Cost, decimal Baseline, double Score);

/// <summary>Result of <see cref="CostAnalysis.DetectAnomaliesAsync(IAsyncEnumerable{FocusRecord}, AnomalyOptions?, CancellationToken)"/>.</summary>
/// <param name="Items">Anomalies, largest deviation first.</param>
public sealed record AnomalyReport(IReadOnlyList<AnomalyRow> Items) : ITabularReport
{
    /// <inheritdoc />
    public IReadOnlyList<string> Headers => ["Day", "ProviderName", "ServiceName", "Currency", "EffectiveCost", "Baseline", "Score"];

    /// <inheritdoc />
    public IEnumerable<IReadOnlyList<object?>> Rows => Items.Select(i => (IReadOnlyList<object?>)
        [i.Day, i.Provider, i.Service, i.Currency, i.Cost, i.Baseline, Math.Round(i.Score, 2)]);
}

/// <summary>Forecast of one month's cost.</summary>
/// <param name="Currency">Billing currency.</param>
/// <param name="PeriodStart">First day of the month.</param>
/// <param name="PeriodEnd">First day of the next month (exclusive).</param>
/// <param name="LastDay">Last day with data.</param>
/// <param name="ActualToDate">Cost from the start of the month to <paramref name="LastDay"/>.</param>
/// <param name="DailyRunRate">Average daily cost over the run-rate window.</param>
/// <param name="RemainingDays">Days after <paramref name="LastDay"/> until the end of the month.</param>
/// <param name="Forecast">ActualToDate + DailyRunRate × RemainingDays.</param>
public sealed record CostForecast(string? Currency, DateOnly PeriodStart, DateOnly PeriodEnd, DateOnly LastDay, decimal ActualToDate, decimal DailyRunRate, int RemainingDays, decimal Forecast);

/// <summary>Result of <see cref="CostAnalysis.ForecastToPeriodEndAsync(IAsyncEnumerable{FocusRecord}, int, CancellationToken)"/>.</summary>
/// <param name="Items">One forecast per currency.</param>
public sealed record CostForecastReport(IReadOnlyList<CostForecast> Items) : ITabularReport
{
    /// <inheritdoc />
    public IReadOnlyList<string> Headers => ["Currency", "PeriodStart", "PeriodEnd", "LastDay", "ActualToDate", "DailyRunRate", "RemainingDays", "Forecast"];

    /// <inheritdoc />
    public IEnumerable<IReadOnlyList<object?>> Rows => Items.Select(i => (IReadOnlyList<object?>)
        [i.Currency, i.PeriodStart, i.PeriodEnd, i.LastDay, i.ActualToDate, i.DailyRunRate, i.RemainingDays, i.Forecast]);
}
