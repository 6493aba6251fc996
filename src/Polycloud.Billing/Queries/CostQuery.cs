namespace Polycloud.Billing;

/// <summary>
/// Totals and group-bys over a FOCUS record stream in one pass and bounded memory (one accumulator per group).
/// Amounts are never summed across currencies: the billing currency is always part of the group.
/// </summary>
/// <example>
/// <code>
/// var table = await new CostQuery()
///     .GroupBy(CostDimension.Provider, CostDimension.ServiceCategory)
///     .Per(CostGranularity.Month)
///     .Between(new DateTimeOffset(2024, 9, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 10, 1, 0, 0, 0, TimeSpan.Zero))
///     .ExecuteAsync(FocusReader.ReadAsync("focus.csv"));
/// Console.WriteLine(table.ToMarkdown());
/// </code>
/// </example>
public sealed class CostQuery
{
    private readonly List<CostDimension> _dimensions = [];
    private readonly List<Func<FocusRecord, bool>> _filters = [];
    private CostGranularity _granularity = CostGranularity.None;
    private CostMetric _metric = CostMetric.EffectiveCost;

    /// <summary>Adds group-by dimensions (in order).</summary>
    /// <param name="dimensions">Dimensions to group by.</param>
    /// <returns>This query.</returns>
    public CostQuery GroupBy(params IEnumerable<CostDimension> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        _dimensions.AddRange(dimensions);
        return this;
    }

    /// <summary>Buckets the charge period by day or month.</summary>
    /// <param name="granularity">Time bucket.</param>
    /// <returns>This query.</returns>
    public CostQuery Per(CostGranularity granularity)
    {
        _granularity = granularity;
        return this;
    }

    /// <summary>Chooses the cost column to sum (EffectiveCost by default).</summary>
    /// <param name="metric">Cost column.</param>
    /// <returns>This query.</returns>
    public CostQuery Measure(CostMetric metric)
    {
        _metric = metric;
        return this;
    }

    /// <summary>Keeps rows whose ChargePeriodStart lies in [<paramref name="from"/>, <paramref name="to"/>).</summary>
    /// <param name="from">Inclusive start.</param>
    /// <param name="to">Exclusive end.</param>
    /// <returns>This query.</returns>
    public CostQuery Between(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            throw CloudException.InvalidArgument(nameof(to), "The end of the time range must be after its start.");
        }

        _filters.Add(r => r.ChargePeriodStart >= from && r.ChargePeriodStart < to);
        return this;
    }

    /// <summary>Keeps rows matching a predicate.</summary>
    /// <param name="predicate">Row filter.</param>
    /// <returns>This query.</returns>
    public CostQuery Where(Func<FocusRecord, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        _filters.Add(predicate);
        return this;
    }

    /// <summary>Runs the query over a record stream.</summary>
    /// <param name="records">Records, for example from <see cref="FocusReader.ReadAsync(string, FocusReadOptions?, CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The grouped totals.</returns>
    public async Task<CostTable> ExecuteAsync(IAsyncEnumerable<FocusRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var acc = new Accumulator(this);
        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            acc.Add(record);
        }

        return acc.ToTable();
    }

    /// <summary>Runs the query over records already in memory.</summary>
    /// <param name="records">Records.</param>
    /// <returns>The grouped totals.</returns>
    public CostTable Execute(IEnumerable<FocusRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var acc = new Accumulator(this);
        foreach (var record in records)
        {
            acc.Add(record);
        }

        return acc.ToTable();
    }

    private sealed class Accumulator(CostQuery query)
    {
        private readonly Dictionary<GroupKey, (decimal Cost, long Rows)> _groups = [];
        private readonly CostDimension[] _dims = [.. query._dimensions];
        private readonly Func<FocusRecord, bool>[] _filters = [.. query._filters];

        public void Add(FocusRecord r)
        {
            foreach (var f in _filters)
            {
                if (!f(r))
                {
                    return;
                }
            }

            var keys = new string?[_dims.Length];
            for (int i = 0; i < keys.Length; i++)
            {
                keys[i] = _dims[i].Selector(r);
            }

            DateOnly? period = query._granularity == CostGranularity.None ? null : CostMetrics.Bucket(r.ChargePeriodStart, query._granularity);
            var key = new GroupKey(keys, period, r.BillingCurrency);
            _groups.TryGetValue(key, out var current);
            _groups[key] = (current.Cost + CostMetrics.Of(r, query._metric), current.Rows + 1);
        }

        public CostTable ToTable()
        {
            var rows = _groups
                .Select(g => new CostRow(g.Key.Keys, g.Key.Period, g.Key.Currency, g.Value.Cost, g.Value.Rows))
                .OrderBy(r => r.Period)
                .ThenByDescending(r => r.Cost)
                .ToList();
            return new CostTable([.. _dims.Select(d => d.Name)], query._granularity, query._metric, rows);
        }
    }

    private sealed class GroupKey(string?[] keys, DateOnly? period, string? currency) : IEquatable<GroupKey>
    {
        public string?[] Keys { get; } = keys;
        public DateOnly? Period { get; } = period;
        public string? Currency { get; } = currency;

        public bool Equals(GroupKey? other) =>
            other is not null && Period == other.Period && Currency == other.Currency && Keys.AsSpan().SequenceEqual(other.Keys);

        public override bool Equals(object? obj) => Equals(obj as GroupKey);

        public override int GetHashCode()
        {
            var h = new HashCode();
            h.Add(Period);
            h.Add(Currency);
            foreach (var k in Keys)
            {
                h.Add(k);
            }

            return h.ToHashCode();
        }
    }
}

/// <summary>One group of a <see cref="CostTable"/>.</summary>
/// <param name="Keys">Group values, in the order of <see cref="CostTable.Dimensions"/>.</param>
/// <param name="Period">First day of the day/month bucket, or null without a time bucket.</param>
/// <param name="Currency">Billing currency of the amounts.</param>
/// <param name="Cost">Sum of the measured cost column.</param>
/// <param name="RowCount">Records in the group.</param>
public sealed record CostRow(IReadOnlyList<string?> Keys, DateOnly? Period, string? Currency, decimal Cost, long RowCount);

/// <summary>Result of a <see cref="CostQuery"/>.</summary>
public sealed class CostTable : ITabularReport
{
    internal CostTable(IReadOnlyList<string> dimensions, CostGranularity granularity, CostMetric metric, IReadOnlyList<CostRow> rows)
    {
        Dimensions = dimensions;
        Granularity = granularity;
        Metric = metric;
        Items = rows;
    }

    /// <summary>Names of the group-by dimensions.</summary>
    public IReadOnlyList<string> Dimensions { get; }

    /// <summary>Time bucket used.</summary>
    public CostGranularity Granularity { get; }

    /// <summary>Cost column summed.</summary>
    public CostMetric Metric { get; }

    /// <summary>Groups, by period then by descending cost.</summary>
    public IReadOnlyList<CostRow> Items { get; }

    /// <summary>Total per currency.</summary>
    public IReadOnlyDictionary<string, decimal> TotalsByCurrency =>
        Items.GroupBy(r => r.Currency ?? string.Empty).ToDictionary(g => g.Key, g => g.Sum(r => r.Cost));

    /// <summary>Total across all groups (meaningful when the data has one currency).</summary>
    public decimal Total => Items.Sum(r => r.Cost);

    /// <inheritdoc />
    public IReadOnlyList<string> Headers =>
        [.. Granularity == CostGranularity.None ? [] : new[] { Granularity == CostGranularity.Day ? "Day" : "Month" }, .. Dimensions, "Currency", Metric.ToString(), "Rows"];

    /// <inheritdoc />
    public IEnumerable<IReadOnlyList<object?>> Rows => Items.Select(r => (IReadOnlyList<object?>)
        [.. Granularity == CostGranularity.None ? [] : new object?[] { r.Period }, .. r.Keys, r.Currency, r.Cost, r.RowCount]);
}
