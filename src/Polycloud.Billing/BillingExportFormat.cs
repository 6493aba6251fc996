namespace Polycloud.Billing;

/// <summary>Cost export formats <see cref="FocusReader"/> understands.</summary>
public enum BillingExportFormat
{
    /// <summary>Not determined yet; <see cref="FocusReader"/> detects the format from the header.</summary>
    Auto = 0,
    /// <summary>A FOCUS 1.0, 1.1 or 1.2 dataset (CSV or Parquet), as AWS Data Exports, Azure Cost Management and others write it.</summary>
    Focus,
    /// <summary>AWS Cost and Usage Report, legacy CSV with <c>lineItem/UnblendedCost</c>-style columns.</summary>
    AwsCurLegacy,
    /// <summary>AWS CUR 2.0 (Data Exports) with snake_case columns such as <c>line_item_unblended_cost</c>, CSV or Parquet.</summary>
    AwsCur2,
    /// <summary>Azure Cost Management cost details (EA or MCA, actual or amortized) CSV.</summary>
    AzureCostDetails,
    /// <summary>Google Cloud Billing export to BigQuery (standard or detailed), as newline-delimited JSON or CSV.</summary>
    GcpBigQuery,
}

/// <summary>Physical container of an export file.</summary>
public enum BillingFileKind
{
    /// <summary>Detect from the content (gzip, Parquet magic bytes, JSON or CSV).</summary>
    Auto = 0,
    /// <summary>Comma (or other) separated values with a header row.</summary>
    Csv,
    /// <summary>Apache Parquet.</summary>
    Parquet,
    /// <summary>Newline-delimited JSON (one object per line), as BigQuery exports it.</summary>
    JsonLines,
}

/// <summary>Which Azure cost details dataset a file holds.</summary>
public enum AzureCostDataset
{
    /// <summary>Decide from the file name (<c>amortized</c> in the name means amortized), otherwise actual.</summary>
    Auto = 0,
    /// <summary>Actual cost: purchases appear when billed; reservation-covered usage costs zero.</summary>
    Actual,
    /// <summary>Amortized cost: purchases are spread over the usage they cover; unused commitment appears as its own row.</summary>
    Amortized,
}
