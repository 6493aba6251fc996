using System.Globalization;
using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace Polycloud.Billing.Internal;

/// <summary>
/// Parquet rows, one row group in memory at a time. Flat columns of any primitive type are supported, and
/// string-to-string map columns (CUR 2.0 <c>resource_tags</c>, <c>product</c>) are exposed as JSON objects.
/// </summary>
internal sealed class ParquetRawTable : RawTable
{
    private readonly ParquetReader _reader;
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly List<string> _columns = [];
    private readonly List<Field> _fields = [];
    private readonly ColumnBuffer?[] _buffers;
    private int _rowGroup = -1;
    private long _rowInGroup;
    private long _rowsInGroup;

    private ParquetRawTable(ParquetReader reader, Stream stream, bool ownsStream)
    {
        _reader = reader;
        _stream = stream;
        _ownsStream = ownsStream;
        foreach (var field in reader.Schema.Fields)
        {
            if (field is DataField { MaxRepetitionLevel: 0 } ||
                (field is MapField map && map.Key is DataField && map.Value is DataField))
            {
                _columns.Add(field.Name);
                _fields.Add(field);
            }
        }

        _buffers = new ColumnBuffer?[_fields.Count];
    }

    public static async ValueTask<ParquetRawTable> OpenAsync(Stream stream, bool ownsStream, CancellationToken cancellationToken)
    {
        var reader = await ParquetReader.CreateAsync(stream, new ParquetOptions { TreatByteArrayAsString = true }, leaveStreamOpen: true, cancellationToken).ConfigureAwait(false);
        return new ParquetRawTable(reader, stream, ownsStream);
    }

    public override IReadOnlyList<string> Columns => _columns;

    public override async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        while (_rowInGroup + 1 >= _rowsInGroup)
        {
            if (_rowGroup + 1 >= _reader.RowGroupCount)
            {
                return false;
            }

            _rowGroup++;
            using var group = _reader.OpenRowGroupReader(_rowGroup);
            _rowsInGroup = group.RowCount;
            _rowInGroup = -1;
            Array.Clear(_buffers);
            if (_rowsInGroup == 0)
            {
                continue;
            }

            for (int i = 0; i < _fields.Count; i++)
            {
                _buffers[i] = _requested is null || _requested.Contains(i)
                    ? await ColumnBuffer.ReadAsync(group, _fields[i], checked((int)_rowsInGroup), cancellationToken).ConfigureAwait(false)
                    : null;
            }
        }

        _rowInGroup++;
        RowNumber++;
        return true;
    }

    private HashSet<int>? _requested;

    /// <summary>Restricts reading to the given columns (the others read as null), saving I/O on wide files.</summary>
    public override void Project(IEnumerable<int> columns) => _requested = [.. columns.Where(c => c >= 0)];

    private int Row => (int)_rowInGroup;

    public override string? GetRawText(int column) => _buffers[column]?.GetText(Row);

    public override bool IsNull(int column)
    {
        var text = _buffers[column]?.GetText(Row);
        return text is null || ValueParser.IsNull(text.AsSpan().Trim());
    }

    public override string? GetString(int column) => IsNull(column) ? null : _buffers[column]!.GetText(Row)!.Trim();

    public override decimal? GetDecimal(int column)
    {
        try
        {
            return _buffers[column]?.GetDecimal(Row);
        }
        catch (FormatException ex)
        {
            throw Bad(column, ex);
        }
    }

    public override DateTimeOffset? GetDateTime(int column)
    {
        try
        {
            return _buffers[column]?.GetDateTime(Row);
        }
        catch (FormatException ex)
        {
            throw Bad(column, ex);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _reader.DisposeAsync().ConfigureAwait(false);
        if (_ownsStream)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private abstract class ColumnBuffer
    {
        public abstract string? GetText(int row);

        public virtual decimal? GetDecimal(int row) => ValueParser.ParseDecimal(GetText(row));

        public virtual DateTimeOffset? GetDateTime(int row) => ValueParser.ParseDateTime(GetText(row));

        public static async Task<ColumnBuffer> ReadAsync(ParquetRowGroupReader group, Field field, int rows, CancellationToken ct)
        {
            if (field is MapField map)
            {
                return await MapBuffer.ReadAsync(group, (DataField)map.Key, (DataField)map.Value, rows, ct).ConfigureAwait(false);
            }

            var df = (DataField)field;
            var t = df.ClrType;
            if (t == typeof(string) || t == typeof(ReadOnlyMemory<char>) || t == typeof(ReadOnlyMemory<byte>))
            {
                var values = new string?[rows];
                await group.ReadAsync(df, values.AsMemory(), null, ct).ConfigureAwait(false);
                return new TextBuffer(values);
            }

            if (t == typeof(decimal))
            {
                return new StructBuffer<decimal>(await ReadStructAsync<decimal>(group, df, rows, ct).ConfigureAwait(false), v => v);
            }

            if (t == typeof(double))
            {
                return new StructBuffer<double>(await ReadStructAsync<double>(group, df, rows, ct).ConfigureAwait(false), v => (decimal)v);
            }

            if (t == typeof(float))
            {
                return new StructBuffer<float>(await ReadStructAsync<float>(group, df, rows, ct).ConfigureAwait(false), v => (decimal)v);
            }

            if (t == typeof(long))
            {
                return new StructBuffer<long>(await ReadStructAsync<long>(group, df, rows, ct).ConfigureAwait(false), v => v);
            }

            if (t == typeof(int))
            {
                return new StructBuffer<int>(await ReadStructAsync<int>(group, df, rows, ct).ConfigureAwait(false), v => v);
            }

            if (t == typeof(global::System.DateTime))
            {
                return new DateBuffer(await ReadStructAsync<global::System.DateTime>(group, df, rows, ct).ConfigureAwait(false));
            }

            if (t == typeof(DateTimeOffset))
            {
                var raw = await ReadStructAsync<DateTimeOffset>(group, df, rows, ct).ConfigureAwait(false);
                return new DateBuffer([.. raw.Select(v => v?.UtcDateTime)]);
            }

            if (t == typeof(DateOnly))
            {
                var raw = await ReadStructAsync<DateOnly>(group, df, rows, ct).ConfigureAwait(false);
                return new DateBuffer([.. raw.Select(v => v?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc))]);
            }

            if (t == typeof(bool))
            {
                var raw = await ReadStructAsync<bool>(group, df, rows, ct).ConfigureAwait(false);
                return new TextBuffer([.. raw.Select(v => v?.ToString(CultureInfo.InvariantCulture))]);
            }

            throw new NotSupportedException($"Parquet column '{df.Name}' has type {t.Name}, which cost data does not use.");
        }

        private static async Task<T?[]> ReadStructAsync<T>(ParquetRowGroupReader group, DataField df, int rows, CancellationToken ct)
            where T : struct
        {
            var values = new T?[rows];
            await group.ReadAsync<T>(df, values.AsMemory(), null, ct).ConfigureAwait(false);
            return values;
        }
    }

    private sealed class TextBuffer(string?[] values) : ColumnBuffer
    {
        public override string? GetText(int row) => values[row];
    }

    private sealed class StructBuffer<T>(T?[] values, Func<T, decimal> toDecimal) : ColumnBuffer
        where T : struct, IFormattable
    {
        public override string? GetText(int row) => values[row]?.ToString(null, CultureInfo.InvariantCulture);

        public override decimal? GetDecimal(int row) => values[row] is { } v ? toDecimal(v) : null;
    }

    private sealed class DateBuffer(global::System.DateTime?[] values) : ColumnBuffer
    {
        public override string? GetText(int row) => values[row]?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

        public override DateTimeOffset? GetDateTime(int row) =>
            values[row] is { } v ? new DateTimeOffset(global::System.DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

        public override decimal? GetDecimal(int row) => throw new FormatException("a timestamp is not a number.");
    }

    /// <summary>A map column rebuilt from its key and value leaves into one JSON object per row.</summary>
    private sealed class MapBuffer(string?[] json) : ColumnBuffer
    {
        public override string? GetText(int row) => json[row];

        public static async Task<MapBuffer> ReadAsync(ParquetRowGroupReader group, DataField keyField, DataField valueField, int rows, CancellationToken ct)
        {
            int count = checked((int)(group.GetMetadata(keyField)?.MetaData?.NumValues ?? rows));
            var keyValues = new ReadOnlyMemory<char>[count];
            var valValues = new ReadOnlyMemory<char>[count];
            var keyDef = new int[count];
            var keyRep = new int[count];
            var valDef = new int[count];
            var valRep = new int[count];
            await group.ReadRawAsync<ReadOnlyMemory<char>>(keyField, keyValues.AsMemory(), keyDef.AsMemory(), keyRep.AsMemory(), ct).ConfigureAwait(false);
            await group.ReadRawAsync<ReadOnlyMemory<char>>(valueField, valValues.AsMemory(), valDef.AsMemory(), valRep.AsMemory(), ct).ConfigureAwait(false);
            var result = new string?[rows];
            int row = -1;
            var buffer = new ArrayBufferWriterStream();
            Utf8JsonWriter? writer = null;
            int keyIndex = 0, valueIndex = 0;
            for (int i = 0; i < count; i++)
            {
                if (keyRep[i] == 0)
                {
                    Flush(writer, buffer, result, row);
                    row++;
                    writer = null;
                }

                // Values are stored densely: only entries at the maximum definition level carry a value.
                bool hasKey = keyDef[i] == keyField.MaxDefinitionLevel;
                bool hasValue = valDef[i] == valueField.MaxDefinitionLevel;
                if (hasKey)
                {
                    if (writer is null)
                    {
                        buffer.Reset();
                        writer = new Utf8JsonWriter(buffer);
                        writer.WriteStartObject();
                    }

                    writer.WriteString(keyValues[keyIndex].Span, hasValue ? valValues[valueIndex].Span : default);
                    keyIndex++;
                }

                if (hasValue)
                {
                    valueIndex++;
                }
            }

            Flush(writer, buffer, result, row);
            return new MapBuffer(result);
        }

        private static void Flush(Utf8JsonWriter? writer, ArrayBufferWriterStream buffer, string?[] result, int row)
        {
            if (writer is null || row < 0)
            {
                return;
            }

            writer.WriteEndObject();
            writer.Flush();
            result[row] = Encoding.UTF8.GetString(buffer.WrittenSpan);
            writer.Dispose();
        }
    }

    private sealed class ArrayBufferWriterStream : System.Buffers.IBufferWriter<byte>
    {
        private readonly System.Buffers.ArrayBufferWriter<byte> _inner = new();

        public ReadOnlySpan<byte> WrittenSpan => _inner.WrittenSpan;

        public void Reset() => _inner.ResetWrittenCount();

        public void Advance(int count) => _inner.Advance(count);

        public Memory<byte> GetMemory(int sizeHint = 0) => _inner.GetMemory(sizeHint);

        public Span<byte> GetSpan(int sizeHint = 0) => _inner.GetSpan(sizeHint);
    }
}
