namespace Polycloud.Billing.Internal;

/// <summary>
/// A forward-only table of raw rows (CSV, Parquet or JSON lines) with typed accessors. Column lookups are
/// resolved once per file; per-row access is by index.
/// </summary>
internal abstract class RawTable : IAsyncDisposable
{
    /// <summary>Column names in file order.</summary>
    public abstract IReadOnlyList<string> Columns { get; }

    /// <summary>1-based data row number of the current row.</summary>
    public long RowNumber { get; protected set; }

    public abstract ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Tells the table which columns will be read (indexes; negative ones are ignored) so it can skip decoding the
    /// others; those then read as null. CSV needs no hint: Sep unescapes a column only when it is accessed.
    /// </summary>
    public virtual void Project(IEnumerable<int> columns)
    {
    }

    /// <summary>The raw text of a column, as written in the file (before null handling); null when the cell is a real null.</summary>
    public abstract string? GetRawText(int column);

    /// <summary>True when the value is empty, a real null, or a literal <c>NULL</c>.</summary>
    public abstract bool IsNull(int column);

    public abstract string? GetString(int column);

    public abstract decimal? GetDecimal(int column);

    public abstract DateTimeOffset? GetDateTime(int column);

    /// <summary>Index of a column by name (ordinal, ignoring case), or -1.</summary>
    public int IndexOf(string name)
    {
        var columns = Columns;
        for (int i = 0; i < columns.Count; i++)
        {
            if (string.Equals(columns[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Index of the first of several alternative names that exists, or -1.</summary>
    public int IndexOfAny(params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            int i = IndexOf(name);
            if (i >= 0)
            {
                return i;
            }
        }

        return -1;
    }

    public string? String(int column) => column < 0 ? null : GetString(column);

    public decimal? Decimal(int column) => column < 0 ? null : GetDecimal(column);

    public DateTimeOffset? DateTime(int column) => column < 0 ? null : GetDateTime(column);

    public abstract ValueTask DisposeAsync();

    protected FormatException Bad(int column, Exception inner) =>
        new($"Row {RowNumber}, column '{Columns[column]}': {inner.Message}", inner);
}
