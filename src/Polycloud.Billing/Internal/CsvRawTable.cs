using nietras.SeparatedValues;

namespace Polycloud.Billing.Internal;

/// <summary>
/// CSV rows through Sep: values are read as spans and parsed without intermediate strings. Only the columns that are
/// accessed are unescaped and converted (Sep unescapes on access), which is what makes column projection cheap.
/// </summary>
/// <remarks>
/// A local file is read asynchronously in large blocks into a <see cref="ReadAheadStream"/>, and Sep parses it
/// synchronously row by row from there: per row there is no asynchronous state machine, only a check that enough
/// data is buffered for Sep's next fill (a row longer than the margin is completed with a synchronous read of the
/// file). Any other stream is parsed with Sep's asynchronous reader, so it is never read synchronously.
/// </remarks>
internal sealed class CsvRawTable : RawTable
{
    // Read-ahead window, and the data kept buffered before each synchronous step. Sep fills its character buffer
    // (24,576 characters at first) in one go through a StreamReader with a 16 KiB byte buffer: at most ~90 KiB of
    // UTF-8 per fill, so a 160 KiB margin covers a fill; a step that consumed more (a row longer than Sep's buffer,
    // read synchronously once) raises the margin to twice that step for the rest of the file. The window is small
    // enough to stay in the core's cache between the read and the parse.
    private const int ReadAheadBytes = 256 << 10;
    private const int MinimumMargin = 160 << 10;
    private const int DecodeBufferBytes = 16 << 10;

    private readonly SepReader _reader;
    private readonly ReadAheadStream? _readAhead;
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private int _margin = MinimumMargin;
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

    private CsvRawTable(SepReader reader, ReadAheadStream? readAhead, Stream stream, bool ownsStream)
    {
        _reader = reader;
        _readAhead = readAhead;
        _stream = stream;
        _ownsStream = ownsStream;
        _columns = [.. reader.Header.ColNames.Select(c => c.Trim().TrimStart('\uFEFF'))];
        _lastDate = new DateTimeOffset[_columns.Length];
        _strings = new string?[_columns.Length][];
        _lastDateChars = new char[_columns.Length][];
        _lastDateLength = new int[_columns.Length];
    }

    public static async ValueTask<CsvRawTable> OpenAsync(Stream stream, bool ownsStream, bool readAhead, CancellationToken cancellationToken)
    {
        if (!readAhead)
        {
            var asyncReader = await Sep.Reader(o => o with { Unescape = true, DisableColCountCheck = true, DisableFastFloat = true })
                .FromAsync(stream, cancellationToken).ConfigureAwait(false);
            return new CsvRawTable(asyncReader, null, stream, ownsStream);
        }

        return await OpenWithReadAheadAsync(stream, ownsStream, cancellationToken).ConfigureAwait(false);
    }

    private static async ValueTask<CsvRawTable> OpenWithReadAheadAsync(Stream stream, bool ownsStream, CancellationToken cancellationToken)
    {
        var readAhead = new ReadAheadStream(stream, ReadAheadBytes);
        try
        {
            await readAhead.FillAsync(MinimumMargin, cancellationToken).ConfigureAwait(false);
            var text = new StreamReader(readAhead, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: DecodeBufferBytes, leaveOpen: false);
            var reader = Sep.Reader(o => o with { Unescape = true, DisableColCountCheck = true, DisableFastFloat = true }).From(text);
            return new CsvRawTable(reader, readAhead, stream, ownsStream);
        }
        catch
        {
            await readAhead.DisposeAsync().ConfigureAwait(false);
            if (ownsStream)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }
    }

    public override IReadOnlyList<string> Columns => _columns;

    public override ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        if (_readAhead is null)
        {
            return MoveNextSepAsync(cancellationToken);
        }

        return _readAhead.Buffered < _margin && !_readAhead.SourceCompleted
            ? FillAndMoveNextAsync(_readAhead, cancellationToken)
            : new ValueTask<bool>(MoveNext(_readAhead));
    }

    private async ValueTask<bool> FillAndMoveNextAsync(ReadAheadStream readAhead, CancellationToken cancellationToken)
    {
        await readAhead.FillAsync(_margin, cancellationToken).ConfigureAwait(false);
        return MoveNext(readAhead);
    }

    private async ValueTask<bool> MoveNextSepAsync(CancellationToken cancellationToken)
    {
        while (await _reader.MoveNextAsync(cancellationToken).ConfigureAwait(false))
        {
            _colCount = _reader.Current.ColCount;
            if (_colCount > 1 || !_reader.Current[0].Span.Trim().IsEmpty)
            {
                RowNumber++;
                return true;
            }
        }

        return false;
    }

    /// <summary>Moves to the next non-blank row, synchronously over the read-ahead buffer.</summary>
    private bool MoveNext(ReadAheadStream readAhead)
    {
        long before = readAhead.Position;
        bool moved;
        while (moved = _reader.MoveNext())
        {
            _colCount = _reader.Current.ColCount;
            if (_colCount > 1 || !_reader.Current[0].Span.Trim().IsEmpty)
            {
                RowNumber++;
                break;
            }
        }

        // Sep consumed more in one step than half the margin: keep more buffered from now on.
        long step = readAhead.Position - before;
        if (step * 2 > _margin)
        {
            _margin = (int)Math.Min(int.MaxValue / 2, step * 2);
        }

        return moved;
    }

    private ReadOnlySpan<char> Span(int column) => column < _colCount ? _reader.Current[column].Span : default;

    public override string? GetRawText(int column) => column < _colCount ? Cached(column, _reader.Current[column].Span) : null;

    public override bool IsNull(int column) => ValueParser.IsNull(ValueParser.Trim(Span(column)));

    public override string? GetString(int column)
    {
        var span = ValueParser.Trim(Span(column));
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
        var span = ValueParser.Trim(Span(column));
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
        _reader.Dispose(); // and the StreamReader and read-ahead buffer under it
        if (_ownsStream)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}
