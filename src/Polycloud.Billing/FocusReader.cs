using System.IO.Compression;
using System.Runtime.CompilerServices;
using Polycloud.Billing.Internal;

namespace Polycloud.Billing;

/// <summary>
/// Reads FOCUS datasets and native AWS, Azure and Google Cloud cost exports as one stream of <see cref="FocusRecord"/>.
/// Streaming and constant-memory for CSV and JSON lines (one Parquet row group at a time); gzip is accepted everywhere.
/// </summary>
/// <example>
/// <code>
/// await foreach (var row in FocusReader.ReadAsync("cur-2024-09.csv.gz"))
/// {
///     total += row.EffectiveCost;
/// }
/// </code>
/// </example>
public static class FocusReader
{
    /// <summary>Reads a cost export file; the container and export format are detected unless set in <paramref name="options"/>.</summary>
    /// <param name="path">Path of a CSV, Parquet or JSON lines file, optionally gzip-compressed.</param>
    /// <param name="options">Format overrides.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The rows as FOCUS 1.2 records.</returns>
    public static IAsyncEnumerable<FocusRecord> ReadAsync(string path, FocusReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ValidatePath(path);
        return ReadPathCore(path, options ?? new FocusReadOptions(), cancellationToken);
    }

    /// <summary>Reads a cost export from a stream. The stream is read to the end and left open.</summary>
    /// <param name="stream">A readable stream positioned at the start of the export.</param>
    /// <param name="options">Format overrides.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The rows as FOCUS 1.2 records.</returns>
    public static IAsyncEnumerable<FocusRecord> ReadAsync(Stream stream, FocusReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead)
        {
            throw CloudException.InvalidArgument(nameof(stream), "The stream must be readable.");
        }

        return ReadStreamCore(stream, options ?? new FocusReadOptions(), cancellationToken);
    }

    /// <summary>Reports the container and export format of a file without reading its rows.</summary>
    /// <param name="path">Path of the export.</param>
    /// <param name="cancellationToken">Cancels the detection.</param>
    /// <returns>Format, container, compression and column names.</returns>
    public static async Task<BillingExportInfo> DetectAsync(string path, CancellationToken cancellationToken = default)
    {
        ValidatePath(path);
        var options = new FocusReadOptions { SourceName = path };
        var opened = await OpenAsync(File.OpenRead(path), ownsStream: true, options, cancellationToken, localFile: true).ConfigureAwait(false);
        await using (opened.Table.ConfigureAwait(false))
        {
            return new BillingExportInfo(DetectFormat(opened.Table, options), opened.Kind, opened.Compressed, [.. opened.Table.Columns]);
        }
    }

    private static void ValidatePath(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw CloudException.InvalidArgument(nameof(path), "A file path is required.");
        }

        if (!File.Exists(path))
        {
            throw CloudException.InvalidArgument(nameof(path), $"The file '{path}' does not exist.");
        }
    }

    private static IAsyncEnumerable<FocusRecord> ReadPathCore(string path, FocusReadOptions options, CancellationToken cancellationToken) =>
        ReadCore(
            () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan),
            ownsStream: true,
            CloneWithName(options, path),
            cancellationToken);

    private static IAsyncEnumerable<FocusRecord> ReadStreamCore(Stream stream, FocusReadOptions options, CancellationToken cancellationToken) =>
        ReadCore(() => stream, ownsStream: false, options, cancellationToken);

    private static FocusReadOptions CloneWithName(FocusReadOptions o, string name)
    {
        return o.With(o.SourceName ?? name, o.Columns);
    }

    /// <summary>A copy of <paramref name="options"/> that reads at least <paramref name="required"/> (plus any columns it already asks for).</summary>
    internal static FocusReadOptions WithColumns(FocusReadOptions? options, FocusColumnSet required)
    {
        var source = options ?? new FocusReadOptions();
        return source.With(source.SourceName, source.Columns is { } asked ? asked.Union(required) : required);
    }

    private static async IAsyncEnumerable<FocusRecord> ReadCore(Func<Stream> open, bool ownsStream, FocusReadOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A file the reader opened itself (ownsStream) may also be read synchronously; a caller's stream only asynchronously.
        var opened = await OpenAsync(open(), ownsStream, options, cancellationToken, localFile: ownsStream).ConfigureAwait(false);
        await using (opened.Table.ConfigureAwait(false))
        {
            var mapper = CreateMapper(opened.Table, options);
            if (mapper is FocusColumnMapper focus && options.OnInvalidRow is null)
            {
                // One record per row: no intermediate list.
                while (await opened.Table.MoveNextAsync(cancellationToken).ConfigureAwait(false))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return focus.MapOne(opened.Table);
                }

                yield break;
            }

            var buffer = new List<FocusRecord>(4);
            while (await opened.Table.MoveNextAsync(cancellationToken).ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                buffer.Clear();
                if (options.OnInvalidRow is null)
                {
                    mapper.Map(opened.Table, buffer);
                }
                else
                {
                    try
                    {
                        mapper.Map(opened.Table, buffer);
                    }
                    catch (Exception ex) when (ex is FormatException or InvalidDataException)
                    {
                        options.OnInvalidRow(new FocusReadError(options.SourceName, opened.Table.RowNumber, ex.Message));
                        continue;
                    }
                }
                foreach (var record in buffer)
                {
                    yield return record;
                }
            }
        }
    }

    internal static RecordMapper CreateMapper(RawTable table, FocusReadOptions options)
    {
        var format = DetectFormat(table, options);
        RecordMapper mapper = format switch
        {
            BillingExportFormat.Focus => new FocusColumnMapper(table, options.Columns),
            BillingExportFormat.AwsCurLegacy or BillingExportFormat.AwsCur2 => new AwsCurMapper(table, format),
            BillingExportFormat.AzureCostDetails => new AzureCostMapper(table, IsAmortized(options)),
            BillingExportFormat.GcpBigQuery => new GcpBillingMapper(table),
            _ => throw new InvalidDataException("Unknown export format."),
        };

        if (mapper is FocusColumnMapper focus)
        {
            table.Project(focus.UsedColumns);
        }

        return mapper;
    }

    private static bool IsAmortized(FocusReadOptions options) => options.AzureDataset switch
    {
        AzureCostDataset.Amortized => true,
        AzureCostDataset.Actual => false,
        _ => options.SourceName is { } name && Path.GetFileName(name).Contains("amortized", StringComparison.OrdinalIgnoreCase),
    };

    internal static BillingExportFormat DetectFormat(RawTable table, FocusReadOptions options)
    {
        if (options.Format != BillingExportFormat.Auto)
        {
            return options.Format;
        }

        if (AwsCurMapper.LooksLikeCur(table.Columns, out var cur))
        {
            return cur;
        }

        if (table.IndexOf("BilledCost") >= 0 && table.IndexOf("ChargePeriodStart") >= 0)
        {
            return BillingExportFormat.Focus;
        }

        if (AzureCostMapper.LooksLikeAzure(table))
        {
            return BillingExportFormat.AzureCostDetails;
        }

        if (GcpBillingMapper.LooksLikeGcp(table))
        {
            return BillingExportFormat.GcpBigQuery;
        }

        var preview = string.Join(", ", table.Columns.Take(8));
        throw new InvalidDataException(
            $"'{options.SourceName ?? "stream"}' is not a recognised cost export (columns: {preview}...). Expected FOCUS, AWS CUR, Azure cost details or a Google Cloud BigQuery billing export.");
    }

    internal sealed record OpenedTable(RawTable Table, BillingFileKind Kind, bool Compressed);

    /// <summary>Detects the container and opens the table.</summary>
    /// <param name="stream">The source.</param>
    /// <param name="ownsStream">Dispose the source with the table.</param>
    /// <param name="options">Read options.</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <param name="localFile">
    /// The source is a local file that may also be read synchronously: CSV is then parsed synchronously over an
    /// asynchronously filled read-ahead buffer (<see cref="CsvRawTable"/>). Other streams are only read asynchronously.
    /// </param>
    internal static async Task<OpenedTable> OpenAsync(Stream stream, bool ownsStream, FocusReadOptions options, CancellationToken cancellationToken, bool localFile = false)
    {
        var peek = new PeekableStream(stream, ownsStream);
        var head = await peek.PeekAsync(4, cancellationToken).ConfigureAwait(false);
        bool compressed = head.Length >= 2 && head.Span[0] == 0x1F && head.Span[1] == 0x8B;
        Stream content = peek;
        PeekableStream contentPeek = peek;
        if (compressed)
        {
            contentPeek = new PeekableStream(new GZipStream(peek, CompressionMode.Decompress, leaveOpen: false), ownsInner: true);
            content = contentPeek;
            head = await contentPeek.PeekAsync(4, cancellationToken).ConfigureAwait(false);
        }

        var kind = options.FileKind;
        if (kind == BillingFileKind.Auto)
        {
            kind = head.Span.StartsWith("PAR1"u8) ? BillingFileKind.Parquet : BillingFileKind.Csv;
            if (kind == BillingFileKind.Csv)
            {
                var text = await contentPeek.PeekAsync(512, cancellationToken).ConfigureAwait(false);
                var span = text.Span;
                if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
                {
                    span = span[3..];
                }

                span = span.TrimStart(" \t\r\n"u8);
                if (!span.IsEmpty && span[0] == (byte)'{')
                {
                    kind = BillingFileKind.JsonLines;
                }
            }
        }

        RawTable table = kind switch
        {
            BillingFileKind.Parquet => await OpenParquetAsync(stream, content, compressed, ownsStream, cancellationToken).ConfigureAwait(false),
            BillingFileKind.JsonLines => await JsonLinesRawTable.OpenAsync(content, GcpBillingMapper.KnownColumns, cancellationToken).ConfigureAwait(false),
            _ => await CsvRawTable.OpenAsync(content, ownsStream: true, readAhead: localFile, cancellationToken).ConfigureAwait(false),
        };
        return new OpenedTable(table, kind, compressed);
    }

    private static async Task<RawTable> OpenParquetAsync(Stream original, Stream content, bool compressed, bool ownsStream, CancellationToken cancellationToken)
    {
        if (!compressed && original.CanSeek)
        {
            original.Position = 0;
            return await ParquetRawTable.OpenAsync(original, ownsStream, cancellationToken).ConfigureAwait(false);
        }

        // Parquet needs random access: spool a compressed or forward-only source to a temporary file.
        var temp = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        await content.CopyToAsync(temp, cancellationToken).ConfigureAwait(false);
        await content.DisposeAsync().ConfigureAwait(false);
        temp.Position = 0;
        return await ParquetRawTable.OpenAsync(temp, ownsStream: true, cancellationToken).ConfigureAwait(false);
    }
}
