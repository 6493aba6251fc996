using System.Globalization;
using System.Text.Json;

namespace Polycloud.Billing.Internal;

/// <summary>
/// Google Cloud Billing BigQuery export (standard or detailed usage cost) → FOCUS. Nested fields arrive flattened
/// (<c>service.description</c>, or <c>service_description</c> from a flattened CSV); <c>credits</c> and
/// <c>labels</c> arrive as JSON arrays. Each credit becomes its own FOCUS record with ChargeCategory <c>Credit</c>.
/// </summary>
internal sealed class GcpBillingMapper : RecordMapper
{
    /// <summary>Columns of the standard and detailed export schema, flattened.</summary>
    internal static readonly string[] KnownColumns =
    [
        "billing_account_id", "service.id", "service.description", "sku.id", "sku.description", "usage_start_time", "usage_end_time",
        "project.id", "project.number", "project.name", "project.labels", "project.ancestry_numbers", "labels", "system_labels",
        "location.location", "location.country", "location.region", "location.zone", "resource.name", "resource.global_name",
        "tags", "price.effective_price", "price.tier_start_amount", "price.unit", "price.pricing_unit_quantity", "price.list_price",
        "cost", "currency", "currency_conversion_rate", "usage.amount", "usage.unit", "usage.amount_in_pricing_units",
        "usage.pricing_unit", "credits", "invoice.month", "invoice.publisher_type", "cost_type", "adjustment_info.id",
        "adjustment_info.description", "adjustment_info.mode", "adjustment_info.type", "cost_at_list", "transaction_type",
        "seller_name", "export_time",
    ];

    private static readonly TimeZoneInfo? Pacific = FindPacific();

    private readonly int _account, _serviceId, _serviceDescription, _skuId, _skuDescription, _start, _end, _projectId, _projectName,
        _projectLabels, _labels, _tags, _location, _region, _zone, _resourceName, _resourceGlobalName, _effectivePrice, _listPrice,
        _cost, _currency, _usageAmount, _usageUnit, _pricingAmount, _pricingUnit, _credits, _invoiceMonth, _costType, _costAtList,
        _sellerName;

    public GcpBillingMapper(RawTable t)
    {
        int Col(string dotted) => t.IndexOfAny(dotted, dotted.Replace('.', '_'));
        _account = Col("billing_account_id");
        _serviceId = Col("service.id");
        _serviceDescription = Col("service.description");
        _skuId = Col("sku.id");
        _skuDescription = Col("sku.description");
        _start = Col("usage_start_time");
        _end = Col("usage_end_time");
        _projectId = Col("project.id");
        _projectName = Col("project.name");
        _projectLabels = Col("project.labels");
        _labels = Col("labels");
        _tags = Col("tags");
        _location = Col("location.location");
        _region = Col("location.region");
        _zone = Col("location.zone");
        _resourceName = Col("resource.name");
        _resourceGlobalName = Col("resource.global_name");
        _effectivePrice = Col("price.effective_price");
        _listPrice = Col("price.list_price");
        _cost = Col("cost");
        _currency = Col("currency");
        _usageAmount = Col("usage.amount");
        _usageUnit = Col("usage.unit");
        _pricingAmount = Col("usage.amount_in_pricing_units");
        _pricingUnit = Col("usage.pricing_unit");
        _credits = Col("credits");
        _invoiceMonth = Col("invoice.month");
        _costType = Col("cost_type");
        _costAtList = Col("cost_at_list");
        _sellerName = Col("seller_name");

        if (_cost < 0)
        {
            throw MissingColumn(BillingExportFormat.GcpBigQuery, "cost");
        }

        if (_start < 0 || _end < 0)
        {
            throw MissingColumn(BillingExportFormat.GcpBigQuery, "usage_start_time/usage_end_time");
        }
    }

    internal static bool LooksLikeGcp(RawTable t) =>
        t.IndexOf("cost") >= 0 && t.IndexOf("usage_start_time") >= 0 && t.IndexOfAny("service.description", "service_description", "sku.id", "sku_id") >= 0;

    private static TimeZoneInfo? FindPacific()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
        }
        catch (TimeZoneNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Invoice month <c>YYYYMM</c> → billing period bounds at Pacific-time midnight (Google invoices on Pacific time), in UTC.</summary>
    internal static (DateTimeOffset? Start, DateTimeOffset? End) InvoicePeriod(string? month)
    {
        if (month is null || month.Length != 6 ||
            !int.TryParse(month.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out int year) ||
            !int.TryParse(month.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int mon) || mon is < 1 or > 12)
        {
            return (null, null);
        }

        DateTimeOffset At(DateTime local) => Pacific is null
            ? new DateTimeOffset(local, TimeSpan.Zero)
            : new DateTimeOffset(local, Pacific.GetUtcOffset(local)).ToUniversalTime();
        var first = new DateTime(year, mon, 1, 0, 0, 0, DateTimeKind.Unspecified);
        return (At(first), At(first.AddMonths(1)));
    }

    public override void Map(RawTable t, List<FocusRecord> output)
    {
        var costType = t.String(_costType);
        var skuDescription = t.String(_skuDescription);
        var serviceDescription = t.String(_serviceDescription);
        bool commitmentFee = skuDescription is not null && skuDescription.StartsWith("Commitment", StringComparison.OrdinalIgnoreCase);
        string chargeCategory = costType?.ToLowerInvariant() switch
        {
            "tax" => "Tax",
            "adjustment" or "rounding_error" => "Adjustment",
            "credit" => "Credit",
            _ => commitmentFee ? "Purchase" : "Usage",
        };

        var (bpStart, bpEnd) = InvoicePeriod(t.String(_invoiceMonth));
        var cost = t.GetDecimal(_cost) ?? 0m;
        var tags = ReadTags(t);
        var baseRecord = new FocusRecord
        {
            SourceFormat = BillingExportFormat.GcpBigQuery,
            SourceRowNumber = t.RowNumber,
            AvailabilityZone = t.String(_zone),
            BilledCost = cost,
            EffectiveCost = cost,
            BillingAccountId = t.String(_account),
            BillingCurrency = t.String(_currency),
            BillingPeriodStart = bpStart,
            BillingPeriodEnd = bpEnd,
            ChargeCategory = chargeCategory,
            ChargeDescription = skuDescription,
            ChargeFrequency = chargeCategory == "Usage" ? "Usage-Based" : commitmentFee ? "Recurring" : null,
            ChargePeriodStart = t.GetDateTime(_start) ?? throw new InvalidDataException($"Row {t.RowNumber}: usage_start_time is empty."),
            ChargePeriodEnd = t.GetDateTime(_end) ?? throw new InvalidDataException($"Row {t.RowNumber}: usage_end_time is empty."),
            ConsumedQuantity = chargeCategory == "Usage" ? t.Decimal(_usageAmount) : null,
            ConsumedUnit = chargeCategory == "Usage" ? t.String(_usageUnit) : null,
            ContractedUnitPrice = t.Decimal(_effectivePrice),
            ListCost = t.Decimal(_costAtList),
            ListUnitPrice = t.Decimal(_listPrice),
            PricingCategory = chargeCategory == "Usage" ? "Standard" : null,
            PricingQuantity = t.Decimal(_pricingAmount),
            PricingUnit = t.String(_pricingUnit),
            ProviderName = "Google Cloud",
            PublisherName = t.String(_sellerName) ?? "Google Cloud",
            RegionId = t.String(_region) ?? t.String(_location),
            ResourceId = t.String(_resourceGlobalName),
            ResourceName = t.String(_resourceName),
            ServiceCategory = ServiceCategories.ForGcp(serviceDescription),
            ServiceName = serviceDescription,
            SkuId = t.String(_skuId),
            SkuMeter = skuDescription,
            SubAccountId = t.String(_projectId),
            SubAccountName = t.String(_projectName),
            Tags = tags,
        };
        output.Add(baseRecord);

        if (_credits < 0 || t.IsNull(_credits))
        {
            return;
        }

        using var doc = JsonDocument.Parse(t.GetRawText(_credits)!);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        foreach (var credit in doc.RootElement.EnumerateArray())
        {
            if (!credit.TryGetProperty("amount", out var amountElement))
            {
                continue;
            }

            decimal amount = amountElement.ValueKind == JsonValueKind.Number
                ? amountElement.GetDecimal()
                : decimal.Parse(amountElement.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
            string? type = credit.TryGetProperty("type", out var typeElement) ? typeElement.GetString() : null;
            string? id = credit.TryGetProperty("id", out var idElement) ? idElement.GetString() : null;
            string? name = credit.TryGetProperty("full_name", out var fullName) && fullName.ValueKind == JsonValueKind.String
                ? fullName.GetString()
                : credit.TryGetProperty("name", out var nameElement) ? nameElement.GetString() : null;
            bool commitment = type is not null && type.StartsWith("COMMITTED_USAGE_DISCOUNT", StringComparison.Ordinal);
            output.Add(new FocusRecord
            {
                SourceFormat = BillingExportFormat.GcpBigQuery,
                SourceRowNumber = t.RowNumber,
                AvailabilityZone = baseRecord.AvailabilityZone,
                BilledCost = amount,
                EffectiveCost = amount,
                BillingAccountId = baseRecord.BillingAccountId,
                BillingCurrency = baseRecord.BillingCurrency,
                BillingPeriodStart = bpStart,
                BillingPeriodEnd = bpEnd,
                ChargeCategory = "Credit",
                ChargeDescription = name,
                ChargePeriodStart = baseRecord.ChargePeriodStart,
                ChargePeriodEnd = baseRecord.ChargePeriodEnd,
                CommitmentDiscountId = commitment ? id : null,
                CommitmentDiscountCategory = commitment ? (type!.EndsWith("DOLLAR_BASE", StringComparison.Ordinal) ? "Spend" : "Usage") : null,
                CommitmentDiscountType = commitment ? "Committed Use Discount" : null,
                CommitmentDiscountName = commitment ? name : null,
                ProviderName = baseRecord.ProviderName,
                PublisherName = baseRecord.PublisherName,
                RegionId = baseRecord.RegionId,
                ResourceId = baseRecord.ResourceId,
                ResourceName = baseRecord.ResourceName,
                ServiceCategory = baseRecord.ServiceCategory,
                ServiceName = baseRecord.ServiceName,
                SkuId = baseRecord.SkuId,
                SkuMeter = baseRecord.SkuMeter,
                SubAccountId = baseRecord.SubAccountId,
                SubAccountName = baseRecord.SubAccountName,
                Tags = tags,
            });
        }
    }

    private IReadOnlyDictionary<string, string> ReadTags(RawTable t)
    {
        var labels = _labels >= 0 && !t.IsNull(_labels) ? TagParser.Parse(t.GetRawText(_labels)) : TagParser.Empty;
        var resourceTags = _tags >= 0 && !t.IsNull(_tags) ? TagParser.Parse(t.GetRawText(_tags)) : TagParser.Empty;
        var projectLabels = _projectLabels >= 0 && !t.IsNull(_projectLabels) ? TagParser.Parse(t.GetRawText(_projectLabels)) : TagParser.Empty;
        if (resourceTags.Count == 0 && projectLabels.Count == 0)
        {
            return labels;
        }

        // Resource labels win over resource-manager tags, which win over labels inherited from the project.
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in new[] { projectLabels, resourceTags, labels })
        {
            foreach (var (k, v) in source)
            {
                merged[k] = v;
            }
        }

        return merged;
    }
}
