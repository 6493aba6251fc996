using Polycloud.Billing.Internal;

namespace Polycloud.Billing;

/// <summary>
/// FinOps analyses over a FOCUS record stream: tag allocation and coverage, data transfer, commitment utilisation,
/// effective unit prices, month-over-month change, anomalies and forecasts. Each runs in one pass and keeps only
/// aggregates in memory.
/// </summary>
/// <remarks>
/// Each analysis has an overload that takes a file path: it reads only the FOCUS columns the analysis uses from a
/// FOCUS dataset (see <see cref="FocusReadOptions.Columns"/>), which is much faster than reading every column of a
/// wide CSV. The overloads over records reject records read with a column projection that lacks a column they use.
/// </remarks>
/// <example>
/// <code>
/// DataTransferReport transfer = await CostAnalysis.DataTransferAsync("focus-2024-09.csv");
/// TagAllocation byTeam = await CostAnalysis.AllocateByTagAsync("focus-2024-09.csv", "team");
/// </code>
/// </example>
public static class CostAnalysis
{
    private static readonly FocusColumnSet DataTransferColumns = FocusColumnSet.Of(
        "ChargeCategory", "ChargeDescription", "SkuMeter", "ServiceName", "ProviderName", "BillingCurrency", "EffectiveCost", "PricingUnit", "PricingQuantity");

    private static readonly FocusColumnSet CommitmentColumns = FocusColumnSet.Of(
        "CommitmentDiscountId", "CommitmentDiscountStatus", "CommitmentDiscountCategory", "CommitmentDiscountType", "ProviderName", "EffectiveCost");

    private static readonly FocusColumnSet UnitPriceColumns = FocusColumnSet.Of(
        "ChargeCategory", "PricingQuantity", "PricingUnit", "ConsumedQuantity", "ConsumedUnit", "ServiceCategory", "ProviderName", "RegionId",
        "BillingCurrency", "EffectiveCost");

    private static FocusColumnSet TagColumns(CostMetric metric) => FocusColumnSet.Of("Tags", CostMetrics.ColumnOf(metric));

    /// <summary>Allocates cost by the values of one tag key, reading only Tags and the cost column of a FOCUS file.</summary>
    /// <param name="path">Path of a cost export (CSV, Parquet or JSON lines, optionally gzip-compressed).</param>
    /// <param name="tagKey">Tag key, for example <c>team</c>.</param>
    /// <param name="metric">Cost column (EffectiveCost by default).</param>
    /// <param name="options">Format overrides.</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    /// <returns>Cost per tag value, unallocated cost and coverage.</returns>
    public static Task<TagAllocation> AllocateByTagAsync(string path, string tagKey, CostMetric metric = CostMetric.EffectiveCost, FocusReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateTagKey(tagKey);
        return AllocateByTagAsync(FocusReader.ReadAsync(path, FocusReader.WithColumns(options, TagColumns(metric)), cancellationToken), tagKey, metric, cancellationToken);
    }

    private static void ValidateTagKey(string tagKey)
    {
        if (string.IsNullOrEmpty(tagKey))
        {
            throw CloudException.InvalidArgument(nameof(tagKey), "A tag key is required.");
        }
    }

    /// <summary>Data transfer cost per provider and kind, reading only the nine columns it uses from a FOCUS file.</summary>
    /// <param name="path">Path of a cost export.</param>
    /// <param name="options">Format overrides.</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    /// <returns>Rows per provider and transfer kind.</returns>
    public static Task<DataTransferReport> DataTransferAsync(string path, FocusReadOptions? options = null, CancellationToken cancellationToken = default) =>
        DataTransferAsync(FocusReader.ReadAsync(path, FocusReader.WithColumns(options, DataTransferColumns), cancellationToken), cancellationToken);

    /// <summary>Utilisation of each commitment discount, reading only the columns it uses from a FOCUS file.</summary>
    /// <param name="path">Path of a cost export.</param>
    /// <param name="options">Format overrides.</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    /// <returns>One row per commitment discount.</returns>
    public static Task<CommitmentUtilizationReport> CommitmentUtilizationAsync(string path, FocusReadOptions? options = null, CancellationToken cancellationToken = default) =>
        CommitmentUtilizationAsync(FocusReader.ReadAsync(path, FocusReader.WithColumns(options, CommitmentColumns), cancellationToken), cancellationToken);

    /// <summary>Effective unit prices of usage, reading only the columns they need from a FOCUS file.</summary>
    /// <param name="path">Path of a cost export.</param>
    /// <param name="options">Format overrides.</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    /// <returns>Rows sorted by service category, unit and price.</returns>
    public static Task<UnitPriceReport> EffectiveUnitPricesAsync(string path, FocusReadOptions? options = null, CancellationToken cancellationToken = default) =>
        EffectiveUnitPricesAsync(FocusReader.ReadAsync(path, FocusReader.WithColumns(options, UnitPriceColumns), cancellationToken), cancellationToken);

    /// <summary>Month-over-month change per group, reading only the columns the grouping needs from a FOCUS file.</summary>
    /// <param name="path">Path of a cost export.</param>
    /// <param name="dimension">Grouping (for example <see cref="CostDimension.Provider"/>).</param>
    /// <param name="metric">Cost column.</param>
    /// <param name="options">Format overrides.</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    /// <returns>One row per group and month.</returns>
    public static async Task<MonthOverMonthReport> MonthOverMonthAsync(string path, CostDimension dimension, CostMetric metric = CostMetric.EffectiveCost, FocusReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dimension);
        var table = await MonthlyQuery(dimension, metric).ExecuteAsync(path, options, cancellationToken).ConfigureAwait(false);
        return MonthOverMonth(table, dimension);
    }

    /// <summary>Flags anomalous days per provider and service, reading only the five columns it needs from a FOCUS file.</summary>
    /// <param name="path">Path of a cost export.</param>
    /// <param name="options">Window, threshold and minimum amount.</param>
    /// <param name="readOptions">Format overrides.</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    /// <returns>The anomalous days, most severe first.</returns>
    public static async Task<AnomalyReport> DetectAnomaliesAsync(string path, AnomalyOptions? options = null, FocusReadOptions? readOptions = null, CancellationToken cancellationToken = default)
    {
        options = ValidateAnomalyOptions(options);
        var table = await AnomalyQuery().ExecuteAsync(path, readOptions, cancellationToken).ConfigureAwait(false);
        return Anomalies(table, options);
    }

    /// <summary>Forecasts the cost of the current billing month, reading only three columns from a FOCUS file.</summary>
    /// <param name="path">Path of a cost export.</param>
    /// <param name="runRateDays">Days averaged for the run rate (default 7).</param>
    /// <param name="options">Format overrides.</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    /// <returns>The forecast per currency.</returns>
    public static async Task<CostForecastReport> ForecastToPeriodEndAsync(string path, int runRateDays = 7, FocusReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidateRunRateDays(runRateDays);
        var table = await new CostQuery().Per(CostGranularity.Day).ExecuteAsync(path, options, cancellationToken).ConfigureAwait(false);
        return Forecast(table, runRateDays);
    }

    /// <summary>Allocates cost by the values of one tag key and reports how much cost the key does not cover.</summary>
    /// <param name="records">Records.</param>
    /// <param name="tagKey">Tag key, for example <c>team</c>.</param>
    /// <param name="metric">Cost column (EffectiveCost by default).</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    /// <returns>Cost per tag value, unallocated cost and coverage.</returns>
    public static async Task<TagAllocation> AllocateByTagAsync(IAsyncEnumerable<FocusRecord> records, string tagKey, CostMetric metric = CostMetric.EffectiveCost, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ValidateTagKey(tagKey);
        var guard = new ColumnGuard(TagColumns(metric), nameof(records), "tag allocation");
        var byValue = new Dictionary<string, decimal>(StringComparer.Ordinal);
        decimal total = 0, withoutKey = 0, untagged = 0, positive = 0, positiveCovered = 0, positiveUntagged = 0;
        await foreach (var r in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            guard.Check(r);
            var cost = CostMetrics.Of(r, metric);
            total += cost;
            positive += Math.Max(cost, 0m);
            var tags = r.Tags;
            if (tags.Count == 0)
            {
                untagged += cost;
                positiveUntagged += Math.Max(cost, 0m);
            }

            if (tags.TryGetValue(tagKey, out var value))
            {
                byValue[value] = byValue.GetValueOrDefault(value) + cost;
                positiveCovered += Math.Max(cost, 0m);
            }
            else
            {
                withoutKey += cost;
            }
        }

        return new TagAllocation(tagKey, metric, [.. byValue.OrderByDescending(p => p.Value).Select(p => new TagAllocationRow(p.Key, p.Value))], withoutKey, untagged, total)
        {
            Coverage = positive == 0 ? 1 : (double)(positiveCovered / positive),
            UntaggedShare = positive == 0 ? 0 : (double)(positiveUntagged / positive),
        };
    }

    /// <summary>Data transfer cost per provider and kind (internet egress, inter-region, interconnect, ...).</summary>
    /// <param name="records">Records.</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    /// <returns>Rows per provider and transfer kind.</returns>
    public static async Task<DataTransferReport> DataTransferAsync(IAsyncEnumerable<FocusRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var guard = new ColumnGuard(DataTransferColumns, nameof(records), "the data transfer analysis");
        var groups = new Dictionary<(string?, DataTransferKind, string?), (decimal Cost, decimal Quantity, long Rows)>();
        await foreach (var r in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            guard.Check(r);
            if (DataTransferClassifier.Classify(r) is not { } kind)
            {
                continue;
            }

            var key = (r.ProviderName, kind, r.BillingCurrency);
            var g = groups.GetValueOrDefault(key);
            groups[key] = (g.Cost + r.EffectiveCost, g.Quantity + (IsGigabytes(r.PricingUnit) ? r.PricingQuantity ?? 0m : 0m), g.Rows + 1);
        }

        return new DataTransferReport([.. groups.OrderBy(g => g.Key.Item1, StringComparer.Ordinal).ThenBy(g => g.Key.Item2)
            .Select(g => new DataTransferRow(g.Key.Item1, g.Key.Item2, g.Key.Item3, g.Value.Cost, g.Value.Quantity, g.Value.Rows))]);
    }

    private static bool IsGigabytes(string? unit) => unit is not null &&
        (unit.Equals("GB", StringComparison.OrdinalIgnoreCase) || unit.Equals("gibibyte", StringComparison.OrdinalIgnoreCase) ||
         unit.Equals("1 GB", StringComparison.OrdinalIgnoreCase) || unit.Equals("GiB", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Utilisation of each commitment discount: the effective cost of usage it covered (status Used) against the
    /// effective cost of the commitment left unused (status Unused).
    /// </summary>
    /// <param name="records">Records.</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    /// <returns>One row per commitment discount.</returns>
    public static async Task<CommitmentUtilizationReport> CommitmentUtilizationAsync(IAsyncEnumerable<FocusRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var guard = new ColumnGuard(CommitmentColumns, nameof(records), "the commitment utilisation analysis");
        var groups = new Dictionary<string, (string? Provider, string? Category, string? Type, decimal Used, decimal Unused)>(StringComparer.Ordinal);
        await foreach (var r in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            guard.Check(r);
            if (r.CommitmentDiscountId is not { } id || r.CommitmentDiscountStatus is not { } status)
            {
                continue;
            }

            var g = groups.GetValueOrDefault(id);
            g.Provider ??= r.ProviderName;
            g.Category ??= r.CommitmentDiscountCategory;
            g.Type ??= r.CommitmentDiscountType;
            if (status == "Used")
            {
                g.Used += r.EffectiveCost;
            }
            else if (status == "Unused")
            {
                g.Unused += r.EffectiveCost;
            }

            groups[id] = g;
        }

        return new CommitmentUtilizationReport([.. groups.OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CommitmentUtilizationRow(g.Key, g.Value.Provider, g.Value.Category, g.Value.Type, g.Value.Used, g.Value.Unused))]);
    }

    /// <summary>
    /// Effective unit price (sum of EffectiveCost / sum of PricingQuantity) of usage per service category, provider,
    /// region and pricing unit, for comparing where a workload is cheapest to place.
    /// </summary>
    /// <param name="records">Records.</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    /// <returns>Rows sorted by service category, unit and price.</returns>
    public static async Task<UnitPriceReport> EffectiveUnitPricesAsync(IAsyncEnumerable<FocusRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var guard = new ColumnGuard(UnitPriceColumns, nameof(records), "the unit price analysis");
        var groups = new Dictionary<(string?, string?, string?, string?, string?), (decimal Cost, decimal Quantity)>();
        await foreach (var r in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            guard.Check(r);
            var quantity = r.PricingQuantity ?? r.ConsumedQuantity;
            var unit = r.PricingQuantity is not null ? r.PricingUnit : r.ConsumedUnit;
            if (r.ChargeCategory != "Usage" || quantity is not > 0m || unit is null)
            {
                continue;
            }

            var key = (r.ServiceCategory, r.ProviderName, r.RegionId, unit, r.BillingCurrency);
            var g = groups.GetValueOrDefault(key);
            groups[key] = (g.Cost + r.EffectiveCost, g.Quantity + quantity.Value);
        }

        return new UnitPriceReport([.. groups
            .Select(g => new UnitPriceRow(g.Key.Item1, g.Key.Item2, g.Key.Item3, g.Key.Item4!, g.Key.Item5, g.Value.Cost, g.Value.Quantity))
            .OrderBy(r => r.ServiceCategory, StringComparer.Ordinal).ThenBy(r => r.PricingUnit, StringComparer.Ordinal).ThenBy(r => r.UnitPrice)]);
    }

    /// <summary>Month-over-month change per group: each month against the month before.</summary>
    /// <param name="records">Records.</param>
    /// <param name="dimension">Grouping (for example <see cref="CostDimension.Provider"/>).</param>
    /// <param name="metric">Cost column.</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    /// <returns>One row per group and month.</returns>
    public static async Task<MonthOverMonthReport> MonthOverMonthAsync(IAsyncEnumerable<FocusRecord> records, CostDimension dimension, CostMetric metric = CostMetric.EffectiveCost, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dimension);
        var table = await MonthlyQuery(dimension, metric).ExecuteAsync(records, cancellationToken).ConfigureAwait(false);
        return MonthOverMonth(table, dimension);
    }

    private static CostQuery MonthlyQuery(CostDimension dimension, CostMetric metric) =>
        new CostQuery().GroupBy(dimension).Per(CostGranularity.Month).Measure(metric);

    private static MonthOverMonthReport MonthOverMonth(CostTable table, CostDimension dimension)
    {
        var byKey = table.Items.GroupBy(r => (r.Keys[0], r.Currency));
        var rows = new List<MonthOverMonthRow>();
        foreach (var group in byKey)
        {
            var months = group.ToDictionary(r => r.Period!.Value, r => r.Cost);
            var first = months.Keys.Min();
            var last = table.Items.Max(r => r.Period!.Value);
            for (var m = first; m <= last; m = m.AddMonths(1))
            {
                decimal current = months.GetValueOrDefault(m);
                decimal? previous = m == first ? null : months.GetValueOrDefault(m.AddMonths(-1));
                rows.Add(new MonthOverMonthRow(group.Key.Item1, group.Key.Currency, m, current, previous));
            }
        }

        return new MonthOverMonthReport(dimension.Name, [.. rows.OrderBy(r => r.Month).ThenByDescending(r => r.Cost)]);
    }

    /// <summary>
    /// Flags days whose cost for a provider and service departs from a robust baseline: the median of the preceding
    /// days in the window, with the median absolute deviation (MAD) as the scale.
    /// </summary>
    /// <param name="records">Records.</param>
    /// <param name="options">Window, threshold and minimum amount.</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    /// <returns>The anomalous days, most severe first.</returns>
    public static async Task<AnomalyReport> DetectAnomaliesAsync(IAsyncEnumerable<FocusRecord> records, AnomalyOptions? options = null, CancellationToken cancellationToken = default)
    {
        options = ValidateAnomalyOptions(options);
        var table = await AnomalyQuery().ExecuteAsync(records, cancellationToken).ConfigureAwait(false);
        return Anomalies(table, options);
    }

    private static AnomalyOptions ValidateAnomalyOptions(AnomalyOptions? options)
    {
        options ??= new AnomalyOptions();
        if (options.WindowDays < 3 || options.MinimumHistoryDays < 2 || options.MinimumHistoryDays > options.WindowDays)
        {
            throw CloudException.InvalidArgument(nameof(options), "WindowDays must be at least 3 and MinimumHistoryDays between 2 and WindowDays.");
        }

        return options;
    }

    private static CostQuery AnomalyQuery() =>
        new CostQuery().GroupBy(CostDimension.Provider, CostDimension.Service).Per(CostGranularity.Day);

    private static AnomalyReport Anomalies(CostTable table, AnomalyOptions options)
    {
        var anomalies = new List<AnomalyRow>();
        foreach (var series in table.Items.GroupBy(r => (Provider: r.Keys[0], Service: r.Keys[1], r.Currency)))
        {
            var daily = series.ToDictionary(r => r.Period!.Value, r => r.Cost);
            var firstDay = daily.Keys.Min();
            var lastDay = daily.Keys.Max();
            for (var day = firstDay.AddDays(options.MinimumHistoryDays); day <= lastDay; day = day.AddDays(1))
            {
                var history = new List<decimal>(options.WindowDays);
                for (var h = day.AddDays(-options.WindowDays); h < day; h = h.AddDays(1))
                {
                    if (h >= firstDay)
                    {
                        history.Add(daily.GetValueOrDefault(h));
                    }
                }

                if (history.Count < options.MinimumHistoryDays)
                {
                    continue;
                }

                decimal cost = daily.GetValueOrDefault(day);
                decimal median = Median(history);
                decimal mad = Median([.. history.Select(v => Math.Abs(v - median))]) * 1.4826m;
                decimal deviation = cost - median;
                decimal scale = Math.Max(mad, Math.Max(options.MinimumScaleFraction * Math.Abs(median), 0.000001m));
                decimal score = deviation / scale;
                if (Math.Abs(deviation) >= options.MinimumAmount && (double)Math.Abs(score) >= options.Threshold && (deviation > 0 || options.IncludeDrops))
                {
                    anomalies.Add(new AnomalyRow(day, series.Key.Provider, series.Key.Service, series.Key.Currency, cost, median, (double)score));
                }
            }
        }

        return new AnomalyReport([.. anomalies.OrderByDescending(a => Math.Abs(a.Cost - a.Baseline)).ThenBy(a => a.Day)]);
    }

    /// <summary>
    /// Forecasts the cost of the billing month that contains the last charge in the data: actual cost to date plus the
    /// average daily cost of the last <paramref name="runRateDays"/> complete days times the days remaining.
    /// </summary>
    /// <param name="records">Records.</param>
    /// <param name="runRateDays">Days averaged for the run rate (default 7).</param>
    /// <param name="cancellationToken">Cancels the analysis.</param>
    /// <returns>The forecast per currency.</returns>
    public static async Task<CostForecastReport> ForecastToPeriodEndAsync(IAsyncEnumerable<FocusRecord> records, int runRateDays = 7, CancellationToken cancellationToken = default)
    {
        ValidateRunRateDays(runRateDays);
        var table = await new CostQuery().Per(CostGranularity.Day).ExecuteAsync(records, cancellationToken).ConfigureAwait(false);
        return Forecast(table, runRateDays);
    }

    private static void ValidateRunRateDays(int runRateDays)
    {
        if (runRateDays < 1)
        {
            throw CloudException.InvalidArgument(nameof(runRateDays), "At least one day is needed for a run rate.");
        }
    }

    private static CostForecastReport Forecast(CostTable table, int runRateDays)
    {
        var rows = new List<CostForecast>();
        foreach (var currency in table.Items.GroupBy(r => r.Currency))
        {
            var daily = currency.ToDictionary(r => r.Period!.Value, r => r.Cost);
            var lastDay = daily.Keys.Max();
            var monthStart = new DateOnly(lastDay.Year, lastDay.Month, 1);
            var monthEnd = monthStart.AddMonths(1);
            decimal toDate = daily.Where(d => d.Key >= monthStart).Sum(d => d.Value);
            var window = Enumerable.Range(0, runRateDays).Select(i => lastDay.AddDays(-i)).Where(d => d >= daily.Keys.Min()).ToList();
            decimal rate = window.Count == 0 ? 0 : window.Sum(d => daily.GetValueOrDefault(d)) / window.Count;
            int remaining = monthEnd.DayNumber - lastDay.DayNumber - 1;
            rows.Add(new CostForecast(currency.Key, monthStart, monthEnd, lastDay, toDate, rate, remaining, toDate + (rate * remaining)));
        }

        return new CostForecastReport(rows);
    }

    private static decimal Median(List<decimal> values)
    {
        values.Sort();
        int n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[(n / 2) - 1] + values[n / 2]) / 2;
    }
}
