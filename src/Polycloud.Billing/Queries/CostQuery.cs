using Polycloud.Billing.Internal;

namespace Polycloud.Billing;

/// <summary>
/// Totals and group-bys over a FOCUS record stream in one pass and bounded memory (one accumulator per group).
/// Amounts are never summed across currencies: the billing currency is always part of the group.
/// </summary>
/// <remarks>
/// A query knows the FOCUS columns it reads (<see cref="RequiredColumns"/>): run over a file path,
/// <see cref="ExecuteAsync(string, FocusReadOptions?, CancellationToken)"/> reads only those columns, which is much
/// faster than reading every column of a wide CSV. Records read with a column projection that lacks a needed column
/// are rejected rather than summed as nulls.
/// </remarks>
/// <example>
/// <code>
/// var table = await new CostQuery()
///     .GroupBy(CostDimension.Provider, CostDimension.ServiceCategory)
///     .Per(CostGranularity.Month)
///     .Between(new DateTimeOffset(2024, 9, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 10, 1, 0, 0, 0, TimeSpan.Zero))
///     .ExecuteAsync("focus.csv"); // reads ProviderName, ServiceCategory, ChargePeriodStart, BillingCurrency, EffectiveCost
/// Console.WriteLine(table.ToMarkdown());
/// </code>
/// </example>
public sealed class CostQuery
{
    private readonly List<CostDimension> _dimensions = [];
    private readonly List<Func<FocusRecord, bool>> _filters = [];
    private FocusColumnSet _filterColumns = FocusColumnSet.Empty;
    private CostGranularity _granularity = CostGranularity.None;
    private CostMetric _metric = CostMetric.EffectiveCost;

    /// <summary>
    /// The FOCUS columns the query reads: BillingCurrency, the measured cost column, ChargePeriodStart when bucketing
    /// by time or filtering by <see cref="Between"/>, the columns of each dimension and of each filter
    /// (every column for a <see cref="Where(Func{FocusRecord, bool})"/> filter that does not name its columns).
    /// Pass it as <see cref="FocusReadOptions.Columns"/> to read records for this query yourself.
    /// </summary>
    public FocusColumnSet RequiredColumns
    {
        get
        {
            var columns = FocusColumnSet.Of("BillingCurrency", CostMetrics.ColumnOf(_metric)).Union(_filterColumns);
            if (_granularity != CostGranularity.None)
            {
                columns = columns.Union("ChargePeriodStart");
            }

            foreach (var d in _dimensions)
            {
                columns = columns.Union(d.Columns);
            }

            return columns;
        }
    }

    /// <summary>Adds group-by dimensions (in order).</summary>
    /// <param name="dimensions">Dimensions to group by.</param>
    /// <returns>This query.</returns>
    public CostQuery GroupBy(params IEnumerable<CostDimension> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        foreach (var d in dimensions)
        {
            ArgumentNullException.ThrowIfNull(d, nameof(dimensions));
            _dimensions.Add(d);
        }

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
        _filterColumns = _filterColumns.Union("ChargePeriodStart");
        return this;
    }

    /// <summary>
    /// Keeps rows matching a predicate. The predicate may read any column, so the query then reads every column; use
    /// <see cref="Where(Func{FocusRecord, bool}, FocusColumnSet)"/> to name the columns it reads.
    /// </summary>
    /// <param name="predicate">Row filter.</param>
    /// <returns>This query.</returns>
    public CostQuery Where(Func<FocusRecord, bool> predicate) => Where(predicate, FocusColumnSet.All);

    /// <summary>Keeps rows matching a predicate that reads only the given columns.</summary>
    /// <param name="predicate">Row filter; it must read only <paramref name="columns"/>.</param>
    /// <param name="columns">The FOCUS columns <paramref name="predicate"/> reads, for example <c>FocusColumnSet.Of("RegionId")</c>.</param>
    /// <returns>This query.</returns>
    public CostQuery Where(Func<FocusRecord, bool> predicate, FocusColumnSet columns)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentNullException.ThrowIfNull(columns);
        _filters.Add(predicate);
        _filterColumns = _filterColumns.Union(columns);
        return this;
    }

    /// <summary>
    /// Runs the query over a cost export file, reading only the columns the query needs (<see cref="RequiredColumns"/>)
    /// from a FOCUS dataset. Native AWS, Azure and Google Cloud exports are read in full.
    /// </summary>
    /// <param name="path">Path of a CSV, Parquet or JSON lines export, optionally gzip-compressed.</param>
    /// <param name="options">Format overrides; columns in <see cref="FocusReadOptions.Columns"/> are read in addition to the query's.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The grouped totals.</returns>
    public Task<CostTable> ExecuteAsync(string path, FocusReadOptions? options = null, CancellationToken cancellationToken = default) =>
        ExecuteAsync(FocusReader.ReadAsync(path, FocusReader.WithColumns(options, RequiredColumns), cancellationToken), cancellationToken);

    /// <summary>Runs the query over a record stream.</summary>
    /// <param name="records">
    /// Records, for example from <see cref="FocusReader.ReadAsync(string, FocusReadOptions?, CancellationToken)"/>; when read with
    /// <see cref="FocusReadOptions.Columns"/>, the set must hold <see cref="RequiredColumns"/>.
    /// </param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The grouped totals.</returns>
    /// <exception cref="CloudException">
    /// <see cref="CloudErrorCode.InvalidArgument"/> when a record was read without a column the query needs.
    /// </exception>
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
        private readonly Dictionary<GroupKey, GroupTotal> _groups = [];
        private readonly CostDimension[] _dims = [.. query._dimensions];
        private readonly Func<FocusRecord, bool>[] _filters = [.. query._filters];
        private readonly CostGranularity _granularity = query._granularity;
        private readonly CostMetric _metric = query._metric;
        private readonly ColumnGuard _guard = new(query.RequiredColumns, "records", "this query");

        // The key of the current row is filled into this probe; it is only kept (and replaced) when it starts a new group.
        private GroupKey _probe = new(new string?[query._dimensions.Count]);

        public void Add(FocusRecord r)
        {
            _guard.Check(r);
            foreach (var f in _filters)
            {
                if (!f(r))
                {
                    return;
                }
            }

            var probe = _probe;
            var keys = probe.Keys;
            for (int i = 0; i < keys.Length; i++)
            {
                keys[i] = _dims[i].Selector(r);
            }

            probe.Set(_granularity == CostGranularity.None ? null : CostMetrics.Bucket(r.ChargePeriodStart, _granularity), r.BillingCurrency);
            if (!_groups.TryGetValue(probe, out var group))
            {
                _groups.Add(probe, group = new GroupTotal());
                _probe = new GroupKey(new string?[keys.Length]);
            }

            group.Cost += CostMetrics.Of(r, _metric);
            group.Rows++;
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

    private sealed class GroupTotal
    {
        public decimal Cost;
        public long Rows;
    }

    /// <summary>A group's key. Mutable only while it is the probe; once stored in the dictionary it never changes.</summary>
    private sealed class GroupKey(string?[] keys) : IEquatable<GroupKey>
    {
        public string?[] Keys { get; } = keys;
        public DateOnly? Period { get; private set; }
        public string? Currency { get; private set; }

        public void Set(DateOnly? period, string? currency)
        {
            Period = period;
            Currency = currency;
        }

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
