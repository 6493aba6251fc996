using System.Globalization;
using nietras.SeparatedValues;
using Parquet;
using Parquet.Schema;

namespace Polycloud.Billing;

/// <summary>Options for <see cref="FocusWriter.WriteParquetAsync(IAsyncEnumerable{FocusRecord}, Stream, FocusParquetOptions?, CancellationToken)"/>.</summary>
public sealed class FocusParquetOptions
{
    /// <summary>Rows per Parquet row group (default 100 000); memory use is proportional to it.</summary>
    public int RowGroupSize { get; init; } = 100_000;

    /// <summary>Compression codec (default Snappy, which BigQuery, Athena and Synapse all read).</summary>
    public CompressionMethod Compression { get; init; } = CompressionMethod.Snappy;
}

/// <summary>Writes FOCUS records as a FOCUS 1.2 CSV or Parquet dataset, for example to load into a warehouse.</summary>
public static class FocusWriter
{
    /// <summary>Writes the records as FOCUS CSV (all 1.2 columns, ISO 8601 UTC timestamps, empty cells for nulls).</summary>
    /// <param name="records">Records to write, read with every column (not with <see cref="FocusReadOptions.Columns"/>).</param>
    /// <param name="destination">Writable stream; left open.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The number of rows written.</returns>
    public static async Task<long> WriteCsvAsync(IAsyncEnumerable<FocusRecord> records, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(destination);
        var columns = FocusColumns.All;
        var text = new StreamWriter(destination, leaveOpen: true);
        await using (text.ConfigureAwait(false))
        {
            long count = 0;
            using (var writer = Sep.New(',').Writer(o => o with { Escape = true }).To(text))
            {
                var guard = new Internal.ColumnGuard(FocusColumnSet.All, nameof(records), "FocusWriter (it writes every FOCUS column)");
                await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    guard.Check(record);

                    // Rows are formatted into Sep's buffer synchronously; cancellation is observed per record by the loop.
                    using (var row = writer.NewRow(CancellationToken.None))
                    {
                        foreach (var column in columns)
                        {
                            row[column.Name].Set(Format(column.Value(record)));
                        }
                    }

                    count++;
                }
            }

            await text.FlushAsync(cancellationToken).ConfigureAwait(false);
            return count;
        }
    }

    /// <summary>Writes the records as a FOCUS Parquet file: strings, <c>decimal(38,18)</c> money and UTC timestamps.</summary>
    /// <param name="records">Records to write, read with every column (not with <see cref="FocusReadOptions.Columns"/>).</param>
    /// <param name="destination">Writable, seekable stream; left open.</param>
    /// <param name="options">Row group size and compression.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The number of rows written.</returns>
    public static async Task<long> WriteParquetAsync(IAsyncEnumerable<FocusRecord> records, Stream destination, FocusParquetOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(destination);
        options ??= new FocusParquetOptions();
        if (options.RowGroupSize < 1)
        {
            throw CloudException.InvalidArgument(nameof(options), "RowGroupSize must be at least 1.");
        }

        var columns = FocusColumns.All;
        var fields = columns.Select(c => c.Type switch
        {
            FocusDataType.Number => (DataField)new DecimalDataField(c.Name, 38, 18, isNullable: true),
            FocusDataType.Timestamp => new DataField<DateTime?>(c.Name),
            _ => new DataField<string>(c.Name),
        }).ToArray();
        var schema = new ParquetSchema(fields);
        long count = 0;
        await using var writer = await ParquetWriter.CreateAsync(schema, destination, new ParquetOptions { CompressionMethod = options.Compression }, append: false, cancellationToken).ConfigureAwait(false);
        var batch = new List<FocusRecord>(Math.Min(options.RowGroupSize, 1 << 16));
        var guard = new Internal.ColumnGuard(FocusColumnSet.All, nameof(records), "FocusWriter (it writes every FOCUS column)");
        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            guard.Check(record);
            batch.Add(record);
            if (batch.Count == options.RowGroupSize)
            {
                await WriteGroupAsync(writer, columns, fields, batch, cancellationToken).ConfigureAwait(false);
                count += batch.Count;
                batch.Clear();
            }
        }

        if (batch.Count > 0 || count == 0)
        {
            await WriteGroupAsync(writer, columns, fields, batch, cancellationToken).ConfigureAwait(false);
            count += batch.Count;
        }

        return count;
    }

    private static async Task WriteGroupAsync(ParquetWriter writer, IReadOnlyList<FocusColumn> columns, DataField[] fields, List<FocusRecord> batch, CancellationToken ct)
    {
        using var group = writer.CreateRowGroup();
        for (int c = 0; c < columns.Count; c++)
        {
            var column = columns[c];
            switch (column.Type)
            {
                case FocusDataType.Number:
                    var decimals = new decimal?[batch.Count];
                    for (int i = 0; i < batch.Count; i++)
                    {
                        decimals[i] = (decimal?)column.Value(batch[i]);
                    }

                    await group.WriteAsync<decimal>(fields[c], decimals.AsMemory(), null, null, ct).ConfigureAwait(false);
                    break;
                case FocusDataType.Timestamp:
                    var dates = new DateTime?[batch.Count];
                    for (int i = 0; i < batch.Count; i++)
                    {
                        dates[i] = ((DateTimeOffset?)column.Value(batch[i]))?.UtcDateTime;
                    }

                    await group.WriteAsync<DateTime>(fields[c], dates.AsMemory(), null, null, ct).ConfigureAwait(false);
                    break;
                default:
                    var strings = new string?[batch.Count];
                    for (int i = 0; i < batch.Count; i++)
                    {
                        strings[i] = (string?)column.Value(batch[i]);
                    }

                    await group.WriteAsync(fields[c], strings, null).ConfigureAwait(false);
                    break;
            }
        }

        group.CompleteValidate();
    }

    internal static string Format(object? value) => value switch
    {
        null => string.Empty,
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        string s => s,
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };
}
