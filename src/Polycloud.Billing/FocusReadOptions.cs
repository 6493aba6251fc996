namespace Polycloud.Billing;

/// <summary>Options for <see cref="FocusReader"/>.</summary>
public sealed class FocusReadOptions
{
    /// <summary>Export format; <see cref="BillingExportFormat.Auto"/> (default) detects it from the header.</summary>
    public BillingExportFormat Format { get; init; } = BillingExportFormat.Auto;

    /// <summary>Container format; <see cref="BillingFileKind.Auto"/> (default) detects gzip, Parquet, JSON lines or CSV from the bytes.</summary>
    public BillingFileKind FileKind { get; init; } = BillingFileKind.Auto;

    /// <summary>Whether Azure cost details hold actual or amortized cost. Default: decide from the file name.</summary>
    public AzureCostDataset AzureDataset { get; init; } = AzureCostDataset.Auto;

    /// <summary>
    /// Called for a row whose values cannot be read (for example a timestamp of <c>2023-02-01T30:00:00Z</c>); the row is
    /// then skipped. When null (the default) such a row stops the read with a <see cref="FormatException"/>.
    /// </summary>
    public Action<FocusReadError>? OnInvalidRow { get; init; }

    /// <summary>Name of the source, used in error messages and to recognise amortized Azure files when reading a stream.</summary>
    public string? SourceName { get; init; }

    /// <summary>
    /// The FOCUS columns to read (column projection); null (the default) reads every column. For a FOCUS dataset
    /// (CSV, JSON lines or Parquet) the reader then unescapes, parses and stores only these columns: the others are
    /// null on the record (<see cref="FocusRecord.Tags"/> is empty; <see cref="FocusRecord.BilledCost"/> and
    /// <see cref="FocusRecord.EffectiveCost"/> are 0 and <see cref="FocusRecord.ChargePeriodStart"/> /
    /// <see cref="FocusRecord.ChargePeriodEnd"/> are <see langword="default"/>, as they are not nullable), and
    /// <see cref="FocusRecord.Columns"/> is this set. Native AWS, Azure and Google Cloud exports derive FOCUS columns
    /// from several native columns, so they are read in full whatever this says (<see cref="FocusRecord.Columns"/> is
    /// then <see cref="FocusColumnSet.All"/>).
    /// </summary>
    /// <remarks>
    /// Use it when only some columns matter, for example the five a cost total by provider, service and day needs:
    /// reading fewer columns is what makes a CSV read fast. <see cref="CostQuery.ExecuteAsync(string, FocusReadOptions?, CancellationToken)"/>
    /// and the path overloads of <see cref="CostAnalysis"/> choose the columns themselves. A value in a column that
    /// is not read is not checked either, so <see cref="OnInvalidRow"/> is not called for it.
    /// </remarks>
    public FocusColumnSet? Columns { get; init; }

    /// <summary>A copy with another source name and column set (every other option the same).</summary>
    internal FocusReadOptions With(string? sourceName, FocusColumnSet? columns) => new()
    {
        Format = Format,
        FileKind = FileKind,
        AzureDataset = AzureDataset,
        OnInvalidRow = OnInvalidRow,
        SourceName = sourceName,
        Columns = columns,
    };
}

/// <summary>What <see cref="FocusReader.DetectAsync(string, CancellationToken)"/> found out about a file.</summary>
/// <param name="Format">The export format.</param>
/// <param name="FileKind">The container format.</param>
/// <param name="Compressed">True when the file is gzip-compressed.</param>
/// <param name="Columns">Column names from the header (flattened names for JSON lines).</param>
public sealed record BillingExportInfo(BillingExportFormat Format, BillingFileKind FileKind, bool Compressed, IReadOnlyList<string> Columns);

/// <summary>A row <see cref="FocusReader"/> could not read.</summary>
/// <param name="SourceName">File name or <see cref="FocusReadOptions.SourceName"/>.</param>
/// <param name="RowNumber">1-based data row number.</param>
/// <param name="Message">What was wrong, naming the column.</param>
public sealed record FocusReadError(string? SourceName, long RowNumber, string Message);
