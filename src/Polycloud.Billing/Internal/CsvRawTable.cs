using nietras.SeparatedValues;

namespace Polycloud.Billing.Internal;

/// <summary>CSV rows through Sep: values are read as spans and parsed without intermediate strings.</summary>
internal sealed class CsvRawTable : RawTable
{
    private readonly SepReader _reader;
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly StringPool _pool = new();
    private readonly string[] _columns;
    private int _colCount;

    // Per-column cache of the last parsed timestamp: billing rows repeat the same hour many times.
    private readonly DateTimeOffset[] _lastDate;

    // Per-column, direct-mapped cache of recent strings, keyed by the cell's text: repeated values (provider, region,
    // service, currency, category, tags) come back as the same string without hashing the whole text or allocating.
    // Bounded: CacheSlots entries a column, each at most CacheMaxLength characters.
    private const int CacheSlots = 128;
    private const int CacheMaxLength = 256;
    private readonly string?[][] _strings;
    private readonly char[][] _lastDateChars;
    private readonly int[] _lastDateLength;

    private CsvRawTable(SepReader reader, Stream stream, bool ownsStream)
    {
        _reader = reader;
        _stream = stream;
        _ownsStream = ownsStream;
        _columns = [.. reader.Header.ColNames.Select(c => c.Trim().TrimStart('\uFEFF'))];
        _lastDate = new DateTimeOffset[_columns.Length];
        _strings = new string?[_columns.Length][];
        _lastDateChars = new char[_columns.Length][];
        _lastDateLength = new int[_columns.Length];
    }

    public static async ValueTask<CsvRawTable> OpenAsync(Stream stream, bool ownsStream, CancellationToken cancellationToken)
    {
        var reader = await Sep.Reader(o => o with { Unescape = true, DisableColCountCheck = true, DisableFastFloat = true })
            .FromAsync(stream, cancellationToken).ConfigureAwait(false);
        return new CsvRawTable(reader, stream, ownsStream);
    }

    public override IReadOnlyList<string> Columns => _columns;

    public override async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        while (await _reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
        {
            _colCount = _reader.Current.ColCount;
            if (_colCount <= 1 && _reader.Current[0].Span.Trim().IsEmpty)
            {
                continue; // blank line
            }

            RowNumber++;
            return true;
        }

        return false;
    }

    /// <summary>Synchronous variant used on the hot path when the underlying data is already buffered.</summary>
    public bool MoveNext()
    {
        while (_reader.MoveNext())
        {
            _colCount = _reader.Current.ColCount;
            if (_colCount <= 1 && _reader.Current[0].Span.Trim().IsEmpty)
            {
                continue;
            }

            RowNumber++;
            return true;
        }

        return false;
    }

    private ReadOnlySpan<char> Span(int column) => column < _colCount ? _reader.Current[column].Span : default;

    public override string? GetRawText(int column) => column < _colCount ? Cached(column, _reader.Current[column].Span) : null;

    public override bool IsNull(int column) => ValueParser.IsNull(Span(column).Trim());

    public override string? GetString(int column)
    {
        var span = Span(column).Trim();
        if (ValueParser.IsNull(span))
        {
            return null;
        }

        return Cached(column, span);
    }

    /// <summary>A string equal to <paramref name="span"/>: from the column's cache, else from the pool (or a new string).</summary>
    private string Cached(int column, ReadOnlySpan<char> span)
    {
        if (span.Length > CacheMaxLength)
        {
            return _pool.Get(span);
        }

        var slots = _strings[column] ??= new string?[CacheSlots];
        ref var slot = ref slots[SlotOf(span)];
        var cached = slot;
        if (cached is not null && span.SequenceEqual(cached))
        {
            return cached;
        }

        return slot = _pool.Get(span);
    }

    /// <summary>A cheap hash of the length and a few characters; collisions only cost a cache miss.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static int SlotOf(ReadOnlySpan<char> s)
    {
        int n = s.Length;
        if (n == 0)
        {
            return 0;
        }

        uint h = (uint)n;
        h = (h * 31) + s[0];
        h = (h * 31) + s[n - 1];
        h = (h * 31) + s[n >> 1];
        h = (h * 31) + s[n >> 2];
        h = (h * 31) + s[(n * 3) >> 2];
        h ^= h >> 15;
        h *= 0x2C1B3C6D;
        h ^= h >> 12;
        return (int)(h & (CacheSlots - 1));
    }

    public override decimal? GetDecimal(int column)
    {
        try
        {
            return ValueParser.ParseDecimal(Span(column));
        }
        catch (FormatException ex)
        {
            throw Bad(column, ex);
        }
    }

    public override DateTimeOffset? GetDateTime(int column)
    {
        var span = Span(column).Trim();
        if (ValueParser.IsNull(span))
        {
            return null;
        }

        var cached = _lastDateChars[column];
        if (cached is not null && span.SequenceEqual(cached.AsSpan(0, _lastDateLength[column])))
        {
            return _lastDate[column];
        }

        if (!ValueParser.TryParseDateTime(span, out var value))
        {
            throw Bad(column, new FormatException($"'{span}' is not a date/time."));
        }

        if (cached is null || cached.Length < span.Length)
        {
            cached = _lastDateChars[column] = new char[Math.Max(32, span.Length)];
        }

        span.CopyTo(cached);
        _lastDateLength[column] = span.Length;
        _lastDate[column] = value;
        return value;
    }

    public override async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        if (_ownsStream)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
