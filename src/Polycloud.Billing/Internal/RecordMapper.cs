namespace Polycloud.Billing.Internal;

/// <summary>Turns the current row of a <see cref="RawTable"/> into FOCUS records. Column indexes are resolved once.</summary>
internal abstract class RecordMapper
{
    private readonly Dictionary<string, string>[] _normalized = new Dictionary<string, string>[8];
    private readonly Dictionary<string, int> _normalizedColumns = new(StringComparer.Ordinal);
    private readonly string?[] _lastRaw = new string?[8];
    private readonly string?[] _lastCanonical = new string?[8];

    /// <summary>Maps the current row; most formats produce one record per row, Google Cloud credits produce extra rows.</summary>
    public abstract void Map(RawTable table, List<FocusRecord> output);

    /// <summary>Spec spelling of an enumerated value, cached per distinct raw value.</summary>
    protected string? Normalize(string column, string? value) => value is null ? null : Normalize(NormalizeSlot(column), column, value);

    /// <summary>The cache slot of an enumerated column; resolve it once per file and pass it to <see cref="Normalize(int, string, string?)"/>.</summary>
    protected int NormalizeSlot(string column)
    {
        if (!_normalizedColumns.TryGetValue(column, out int slot))
        {
            slot = _normalizedColumns.Count;
            _normalizedColumns[column] = slot;
            _normalized[slot] = new Dictionary<string, string>(StringComparer.Ordinal);
        }

        return slot;
    }

    /// <summary>Spec spelling of an enumerated value, with the column's slot already resolved.</summary>
    protected string? Normalize(int slot, string column, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (ReferenceEquals(value, _lastRaw[slot]))
        {
            return _lastCanonical[slot];
        }

        var cache = _normalized[slot];
        if (!cache.TryGetValue(value, out var canonical))
        {
            canonical = FocusValues.Normalize(column, value)!;
            if (cache.Count < 4096)
            {
                cache[value] = canonical;
            }
        }

        _lastRaw[slot] = value;
        _lastCanonical[slot] = canonical;
        return canonical;
    }

    protected static InvalidDataException MissingColumn(BillingExportFormat format, string column) =>
        new($"The {format} data has no '{column}' column, which is required to read it.");
}
