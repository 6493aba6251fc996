using System.Runtime.CompilerServices;
using System.Text.Json;
using Polycloud.Billing.Internal;

namespace Polycloud.Billing.Validation;

/// <summary>
/// Checks FOCUS data: mandatory columns, data types, nullability, allowed values (and their exact spelling), literal
/// <c>NULL</c> strings, currency codes, and cost consistency rules. Reports each rule with a count and example rows.
/// </summary>
public static class FocusValidator
{
    private static readonly (string Id, string Description, FocusRuleSeverity Severity)[] RuleCatalog =
    [
        ("COL-MANDATORY-MISSING", "Every mandatory column of the FOCUS version is present.", FocusRuleSeverity.Error),
        ("COL-CUSTOM-PREFIX", "Columns FOCUS does not define are prefixed with x_.", FocusRuleSeverity.Warning),
        ("VAL-NULL-LITERAL", "Nulls are empty values, not the text NULL.", FocusRuleSeverity.Warning),
        ("VAL-NOT-NULLABLE", "Columns that do not allow nulls have a value.", FocusRuleSeverity.Error),
        ("VAL-TYPE-DECIMAL", "Decimal columns hold plain numbers.", FocusRuleSeverity.Error),
        ("VAL-TYPE-DATETIME", "Date/time columns hold valid timestamps.", FocusRuleSeverity.Error),
        ("VAL-DATETIME-FORMAT", "Timestamps use ISO 8601 in UTC (YYYY-MM-DDTHH:mm:ssZ).", FocusRuleSeverity.Warning),
        ("VAL-TYPE-JSON", "JSON columns (Tags, SkuPriceDetails) hold a JSON object.", FocusRuleSeverity.Error),
        ("VAL-ALLOWED-VALUE", "Enumerated columns hold an allowed value.", FocusRuleSeverity.Error),
        ("VAL-ALLOWED-VALUE-CASE", "Allowed values are spelled exactly as the specification spells them.", FocusRuleSeverity.Warning),
        ("VAL-CURRENCY-CODE", "Currencies are ISO 4217 three-letter upper-case codes.", FocusRuleSeverity.Error),
        ("COST-PERIOD-ORDER", "Charge and billing periods start before they end.", FocusRuleSeverity.Error),
        ("COST-CHARGE-IN-BILLING-PERIOD", "The charge period starts inside the billing period.", FocusRuleSeverity.Warning),
        ("COST-LIST", "ListCost = ListUnitPrice × PricingQuantity.", FocusRuleSeverity.Warning),
        ("COST-CONTRACTED", "ContractedCost = ContractedUnitPrice × PricingQuantity.", FocusRuleSeverity.Warning),
        ("CD-STATUS", "Usage covered by a commitment discount has a CommitmentDiscountStatus, and a status has a CommitmentDiscountId.", FocusRuleSeverity.Error),
        ("CD-COMMITTED-PRICING", "PricingCategory Committed rows name the CommitmentDiscountId.", FocusRuleSeverity.Warning),
    ];

    /// <summary>Checks a file. FOCUS files are checked value by value as written; native exports are checked after conversion.</summary>
    /// <param name="path">CSV, Parquet or JSON lines file, optionally gzip-compressed.</param>
    /// <param name="options">Version and reporting options.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The report.</returns>
    public static async Task<FocusValidationReport> ValidateAsync(string path, FocusValidationOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(path) || !File.Exists(path))
        {
            throw CloudException.InvalidArgument(nameof(path), $"The file '{path}' does not exist.");
        }

        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return await ValidateCoreAsync(stream, path, options ?? new FocusValidationOptions(), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Checks an export read from a stream (left open).</summary>
    /// <param name="stream">Readable stream.</param>
    /// <param name="options">Version and reporting options.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The report.</returns>
    public static Task<FocusValidationReport> ValidateAsync(Stream stream, FocusValidationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ValidateCoreAsync(stream, null, options ?? new FocusValidationOptions(), cancellationToken);
    }

    /// <summary>Checks records already read (value-level and consistency rules; column presence is not known here).</summary>
    /// <param name="records">Records to check, read with every column (not with <see cref="FocusReadOptions.Columns"/>).</param>
    /// <param name="options">Version and reporting options.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The report.</returns>
    public static async Task<FocusValidationReport> ValidateAsync(IAsyncEnumerable<FocusRecord> records, FocusValidationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        options ??= new FocusValidationOptions();
        var acc = new Accumulator(options);
        var guard = new ColumnGuard(FocusColumnSet.All, nameof(records), "validation (it checks every FOCUS column)");
        long rows = 0;
        await foreach (var record in records.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            guard.Check(record);
            rows++;
            CheckRecordValues(record, acc, options);
            CheckConsistency(record, acc, options);
        }

        return acc.ToReport(null, BillingExportFormat.Focus, options.Version, rows);
    }

    private static async Task<FocusValidationReport> ValidateCoreAsync(Stream stream, string? source, FocusValidationOptions options, CancellationToken ct)
    {
        if (options.Version is not ("1.0" or "1.1" or "1.2"))
        {
            throw CloudException.InvalidArgument(nameof(options), "Version must be 1.0, 1.1 or 1.2.");
        }

        var readOptions = new FocusReadOptions { SourceName = source };
        var opened = await FocusReader.OpenAsync(stream, ownsStream: false, readOptions, ct, localFile: source is not null).ConfigureAwait(false);
        await using (opened.Table.ConfigureAwait(false))
        {
            var table = opened.Table;
            var format = FocusReader.DetectFormat(table, readOptions);
            var acc = new Accumulator(options);
            long rows = 0;
            if (format != BillingExportFormat.Focus)
            {
                var mapper = FocusReader.CreateMapper(table, readOptions);
                var buffer = new List<FocusRecord>(4);
                while (await table.MoveNextAsync(ct).ConfigureAwait(false))
                {
                    buffer.Clear();
                    try
                    {
                        mapper.Map(table, buffer);
                    }
                    catch (Exception ex) when (ex is FormatException or InvalidDataException)
                    {
                        acc.Add("VAL-TYPE-DATETIME", new FocusViolation(table.RowNumber, null, null, ex.Message));
                        continue;
                    }

                    foreach (var record in buffer)
                    {
                        rows++;
                        CheckRecordValues(record, acc, options);
                        CheckConsistency(record, acc, options);
                    }
                }

                return acc.ToReport(source, format, options.Version, rows);
            }

            var columns = new (int Index, FocusColumn Spec)[table.Columns.Count];
            int n = 0;
            for (int i = 0; i < table.Columns.Count; i++)
            {
                var name = table.Columns[i];
                var spec = FocusColumns.Find(name);
                if (spec is not null)
                {
                    columns[n++] = (i, spec);
                }
                else if (!name.StartsWith("x_", StringComparison.OrdinalIgnoreCase))
                {
                    acc.Add("COL-CUSTOM-PREFIX", new FocusViolation(0, name, null, $"Column '{name}' is not a FOCUS column and lacks the x_ prefix."));
                }
            }

            foreach (var spec in FocusColumns.All)
            {
                if (spec.Level == FocusFeatureLevel.Mandatory && FocusColumns.DefinedIn(spec, options.Version) && table.IndexOf(spec.Name) < 0)
                {
                    acc.Add("COL-MANDATORY-MISSING", new FocusViolation(0, spec.Name, null, $"Mandatory column '{spec.Name}' is missing."));
                }
            }

            var focusMapper = new FocusColumnMapper(table);
            while (await table.MoveNextAsync(ct).ConfigureAwait(false))
            {
                rows++;
                bool typesOk = true;
                for (int c = 0; c < n; c++)
                {
                    typesOk &= CheckRawValue(table, columns[c].Index, columns[c].Spec, acc);
                }

                if (typesOk)
                {
                    try
                    {
                        CheckConsistency(focusMapper.MapOne(table), acc, options);
                    }
                    catch (Exception ex) when (ex is FormatException or InvalidDataException)
                    {
                        // Already reported by the value checks.
                    }
                }
            }

            return acc.ToReport(source, format, options.Version, rows);
        }
    }

    private static bool CheckRawValue(RawTable table, int index, FocusColumn spec, Accumulator acc)
    {
        long row = table.RowNumber;
        var raw = table.GetRawText(index);
        var trimmed = raw.AsSpan().Trim();
        if (ValueParser.IsNullLiteral(trimmed))
        {
            acc.Add("VAL-NULL-LITERAL", new FocusViolation(row, spec.Name, raw, $"{spec.Name} holds the text '{raw}' instead of an empty value."));
        }

        if (ValueParser.IsNull(trimmed))
        {
            if (!spec.AllowsNulls)
            {
                acc.Add("VAL-NOT-NULLABLE", new FocusViolation(row, spec.Name, raw, $"{spec.Name} must not be null."));
            }

            return true;
        }

        string value = trimmed.ToString();
        switch (spec.Type)
        {
            case FocusDataType.Number:
                if (!ValueParser.IsPlainNumber(value))
                {
                    acc.Add("VAL-TYPE-DECIMAL", new FocusViolation(row, spec.Name, raw, $"{spec.Name} value '{raw}' is not a plain decimal number."));
                    return ValueParser.TryParseDecimal(value, out _);
                }

                return true;
            case FocusDataType.Timestamp:
                if (!ValueParser.TryParseDateTime(value, out _))
                {
                    acc.Add("VAL-TYPE-DATETIME", new FocusViolation(row, spec.Name, raw, $"{spec.Name} value '{raw}' is not a valid date/time."));
                    return false;
                }

                if (!IsIsoUtc(value))
                {
                    acc.Add("VAL-DATETIME-FORMAT", new FocusViolation(row, spec.Name, raw, $"{spec.Name} value '{raw}' is not ISO 8601 UTC (YYYY-MM-DDTHH:mm:ssZ)."));
                }

                return true;
            case FocusDataType.Json:
                if (!IsJsonObject(value))
                {
                    acc.Add("VAL-TYPE-JSON", new FocusViolation(row, spec.Name, raw, $"{spec.Name} value is not a JSON object."));
                }

                return true;
            default:
                CheckText(spec.Name, value, row, acc);
                return true;
        }
    }

    private static void CheckText(string column, string value, long row, Accumulator acc)
    {
        if (FocusValues.AllowedValues(column) is not null)
        {
            if (!FocusValues.IsAllowed(column, value))
            {
                if (FocusValues.IsAllowedIgnoringCase(column, value))
                {
                    acc.Add("VAL-ALLOWED-VALUE-CASE", new FocusViolation(row, column, value,
                        $"{column} '{value}' should be spelled '{FocusValues.Normalize(column, value)}'."));
                }
                else
                {
                    acc.Add("VAL-ALLOWED-VALUE", new FocusViolation(row, column, value, $"{column} '{value}' is not an allowed value."));
                }
            }
        }
        else if (column is "BillingCurrency" or "PricingCurrency" && !IsCurrencyCode(value))
        {
            acc.Add("VAL-CURRENCY-CODE", new FocusViolation(row, column, value, $"{column} '{value}' is not an ISO 4217 code."));
        }
    }

    private static void CheckRecordValues(FocusRecord record, Accumulator acc, FocusValidationOptions options)
    {
        foreach (var spec in FocusColumns.All)
        {
            if (!FocusColumns.DefinedIn(spec, options.Version))
            {
                continue;
            }

            var value = spec.Value(record);
            if (value is null)
            {
                if (!spec.AllowsNulls && spec.Level == FocusFeatureLevel.Mandatory)
                {
                    acc.Add("VAL-NOT-NULLABLE", new FocusViolation(record.SourceRowNumber, spec.Name, null, $"{spec.Name} is null (the source does not carry it)."));
                }
            }
            else if (value is string s && spec.Type == FocusDataType.Text)
            {
                CheckText(spec.Name, s, record.SourceRowNumber, acc);
            }
        }
    }

    private static void CheckConsistency(FocusRecord r, Accumulator acc, FocusValidationOptions options)
    {
        long row = r.SourceRowNumber;
        if (r.ChargePeriodStart >= r.ChargePeriodEnd)
        {
            acc.Add("COST-PERIOD-ORDER", new FocusViolation(row, "ChargePeriodEnd", FocusWriter.Format(r.ChargePeriodEnd), "ChargePeriodEnd is not after ChargePeriodStart."));
        }

        if (r.BillingPeriodStart is { } bs && r.BillingPeriodEnd is { } be)
        {
            if (bs >= be)
            {
                acc.Add("COST-PERIOD-ORDER", new FocusViolation(row, "BillingPeriodEnd", FocusWriter.Format(be), "BillingPeriodEnd is not after BillingPeriodStart."));
            }
            else if (r.ChargePeriodStart < bs || r.ChargePeriodStart >= be)
            {
                acc.Add("COST-CHARGE-IN-BILLING-PERIOD", new FocusViolation(row, "ChargePeriodStart", FocusWriter.Format(r.ChargePeriodStart),
                    $"ChargePeriodStart {FocusWriter.Format(r.ChargePeriodStart)} lies outside the billing period {FocusWriter.Format(bs)}–{FocusWriter.Format(be)}."));
            }
        }

        if (r.ListCost is { } list && r.ListUnitPrice is { } listPrice && r.PricingQuantity is { } q1 && !Close(list, listPrice * q1, options))
        {
            acc.Add("COST-LIST", new FocusViolation(row, "ListCost", FocusWriter.Format(list), $"ListCost {list} ≠ ListUnitPrice {listPrice} × PricingQuantity {q1}."));
        }

        if (r.ContractedCost is { } contracted && r.ContractedUnitPrice is { } contractedPrice && r.PricingQuantity is { } q2 && !Close(contracted, contractedPrice * q2, options))
        {
            acc.Add("COST-CONTRACTED", new FocusViolation(row, "ContractedCost", FocusWriter.Format(contracted),
                $"ContractedCost {contracted} ≠ ContractedUnitPrice {contractedPrice} × PricingQuantity {q2}."));
        }

        if (r.ChargeCategory == "Usage" && r.CommitmentDiscountId is not null && r.CommitmentDiscountStatus is null)
        {
            acc.Add("CD-STATUS", new FocusViolation(row, "CommitmentDiscountStatus", null, "Usage with a CommitmentDiscountId has no CommitmentDiscountStatus."));
        }
        else if (r.CommitmentDiscountStatus is not null && r.CommitmentDiscountId is null)
        {
            acc.Add("CD-STATUS", new FocusViolation(row, "CommitmentDiscountId", null, "CommitmentDiscountStatus is set but CommitmentDiscountId is null."));
        }

        if (r.PricingCategory == "Committed" && r.CommitmentDiscountId is null)
        {
            acc.Add("CD-COMMITTED-PRICING", new FocusViolation(row, "CommitmentDiscountId", null, "PricingCategory is Committed but CommitmentDiscountId is null."));
        }
    }

    private static bool Close(decimal actual, decimal expected, FocusValidationOptions options) =>
        Math.Abs(actual - expected) <= 0.01m + (options.CostTolerance * Math.Abs(expected));

    private static bool IsIsoUtc(string s) =>
        s.Length >= 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && (s[^1] == 'Z' || s.EndsWith("+00:00", StringComparison.Ordinal));

    private static bool IsCurrencyCode(string s) => s.Length == 3 && s.All(char.IsAsciiLetterUpper);

    private static bool IsJsonObject(string s)
    {
        try
        {
            using var doc = JsonDocument.Parse(s);
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private sealed class Accumulator(FocusValidationOptions options)
    {
        private readonly Dictionary<string, (long Count, List<FocusViolation> Examples)> _results = new(StringComparer.Ordinal);

        [MethodImpl(MethodImplOptions.NoInlining)]
        public void Add(string ruleId, FocusViolation violation)
        {
            if (!_results.TryGetValue(ruleId, out var entry))
            {
                entry = (0, []);
            }

            if (entry.Examples.Count < options.MaxExamplesPerRule)
            {
                entry.Examples.Add(violation);
            }

            _results[ruleId] = (entry.Count + 1, entry.Examples);
        }

        public FocusValidationReport ToReport(string? source, BillingExportFormat format, string version, long rows) =>
            new(source, format, version, rows, [.. RuleCatalog.Select(r => _results.TryGetValue(r.Id, out var e)
                ? new FocusRuleResult(r.Id, r.Description, r.Severity, e.Count, e.Examples)
                : new FocusRuleResult(r.Id, r.Description, r.Severity, 0, []))]);
    }
}
