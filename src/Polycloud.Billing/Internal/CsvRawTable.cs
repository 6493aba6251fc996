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
    private readonly string?[] _lastString;
    private readonly char[][] _lastDateChars;
    private readonly int[] _lastDateLength;

    private CsvRawTable(SepReader reader, Stream stream, bool ownsStream)
    {
        _reader = reader;
        _stream = stream;
        _ownsStream = ownsStream;
        _columns = [.. reader.Header.ColNames.Select(c => c.Trim().TrimStart('\uFEFF'))];
        _lastDate = new DateTimeOffset[_columns.Length];
        _lastString = new string?[_columns.Length];
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

    public override string? GetRawText(int column) => column < _colCount ? _reader.Current[column].ToString() : null;

    public override bool IsNull(int column) => ValueParser.IsNull(Span(column).Trim());

    public override string? GetString(int column)
    {
        var span = Span(column).Trim();
        if (ValueParser.IsNull(span))
        {
            return null;
        }

        // Consecutive rows usually repeat account, provider, service, region and unit: compare with the previous value first.
        var last = _lastString[column];
        if (last is not null && span.SequenceEqual(last))
        {
            return last;
        }

        return _lastString[column] = _pool.Get(span);
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
