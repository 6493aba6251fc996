using System.Text;

namespace Polycloud.Billing.Internal;

/// <summary>
/// AWS Cost and Usage Report (legacy <c>lineItem/UnblendedCost</c> and CUR 2.0 <c>line_item_unblended_cost</c>) → FOCUS.
/// Legacy names are converted to CUR 2.0 snake_case (AWS's own rule), so one mapping serves both.
/// </summary>
internal sealed class AwsCurMapper : RecordMapper
{
    private readonly BillingExportFormat _format;
    private readonly int _payer, _currency, _bpStart, _bpEnd, _invoiceId, _invoicingEntity, _lineItemType, _billType, _usageStart, _usageEnd,
        _productCode, _productName, _usageType, _az, _usageAmount, _unblendedCost, _netUnblendedCost, _description, _legalEntity,
        _regionCode, _region, _location, _sku, _rateCode, _rateId, _publicCost, _publicRate, _term, _unit, _purchaseOption,
        _riArn, _riEffectiveCost, _riUnusedAmortized, _riUnusedRecurring, _spArn, _spEffectiveCost, _spTotalCommitment, _spUsedCommitment,
        _usageAccount, _usageAccountName, _resourceId, _resourceTagsMap, _productMap;
    private readonly (int Index, string Key)[] _tagColumns;

    public AwsCurMapper(RawTable t, BillingExportFormat format)
    {
        _format = format;
        var index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var tags = new List<(int, string)>();
        for (int i = 0; i < t.Columns.Count; i++)
        {
            var name = t.Columns[i];
            if (name.StartsWith("resourceTags/", StringComparison.OrdinalIgnoreCase))
            {
                tags.Add((i, TagKey(name["resourceTags/".Length..])));
                continue;
            }

            index.TryAdd(ToSnakeCase(name), i);
        }

        _tagColumns = [.. tags];
        int Col(string name) => index.TryGetValue(name, out var i) ? i : -1;
        _payer = Col("bill_payer_account_id");
        _currency = Col("line_item_currency_code");
        _bpStart = Col("bill_billing_period_start_date");
        _bpEnd = Col("bill_billing_period_end_date");
        _invoiceId = Col("bill_invoice_id");
        _invoicingEntity = Col("bill_invoicing_entity");
        _lineItemType = Col("line_item_line_item_type");
        _billType = Col("bill_bill_type");
        _usageStart = Col("line_item_usage_start_date");
        _usageEnd = Col("line_item_usage_end_date");
        _productCode = Col("line_item_product_code");
        _productName = Col("product_product_name");
        _usageType = Col("line_item_usage_type");
        _az = Col("line_item_availability_zone");
        _usageAmount = Col("line_item_usage_amount");
        _unblendedCost = Col("line_item_unblended_cost");
        _netUnblendedCost = Col("line_item_net_unblended_cost");
        _description = Col("line_item_line_item_description");
        _legalEntity = Col("line_item_legal_entity");
        _regionCode = Col("product_region_code");
        _region = Col("product_region");
        _location = Col("product_location");
        _sku = Col("product_sku");
        _rateCode = Col("pricing_rate_code");
        _rateId = Col("pricing_rate_id");
        _publicCost = Col("pricing_public_on_demand_cost");
        _publicRate = Col("pricing_public_on_demand_rate");
        _term = Col("pricing_term");
        _unit = Col("pricing_unit");
        _purchaseOption = Col("pricing_purchase_option");
        _riArn = Col("reservation_reservation_a_r_n");
        _riEffectiveCost = Col("reservation_effective_cost");
        _riUnusedAmortized = Col("reservation_unused_amortized_upfront_fee_for_billing_period");
        _riUnusedRecurring = Col("reservation_unused_recurring_fee");
        _spArn = Col("savings_plan_savings_plan_a_r_n");
        _spEffectiveCost = Col("savings_plan_savings_plan_effective_cost");
        _spTotalCommitment = Col("savings_plan_total_commitment_to_date");
        _spUsedCommitment = Col("savings_plan_used_commitment");
        _usageAccount = Col("line_item_usage_account_id");
        _usageAccountName = Col("line_item_usage_account_name");
        _resourceId = Col("line_item_resource_id");
        _resourceTagsMap = Col("resource_tags");
        _productMap = Col("product");

        if (_unblendedCost < 0)
        {
            throw MissingColumn(format, format == BillingExportFormat.AwsCurLegacy ? "lineItem/UnblendedCost" : "line_item_unblended_cost");
        }

        if (_usageStart < 0 || _usageEnd < 0)
        {
            throw MissingColumn(format, "line_item_usage_start_date/line_item_usage_end_date");
        }
    }

    /// <summary>CUR 2.0 column name for a legacy CUR column (<c>lineItem/UnblendedCost</c> → <c>line_item_unblended_cost</c>).</summary>
    internal static string ToSnakeCase(string name)
    {
        if (!name.Contains('/', StringComparison.Ordinal))
        {
            return name;
        }

        var sb = new StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            if (c == '/' || c == ':' || c == ' ' || c == '-')
            {
                sb.Append('_');
            }
            else if (char.IsUpper(c))
            {
                if (sb.Length > 0 && sb[^1] != '_')
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static string TagKey(string key) =>
        key.StartsWith("user:", StringComparison.OrdinalIgnoreCase) ? key[5..] : key;

    public override void Map(RawTable t, List<FocusRecord> output)
    {
        var type = t.String(_lineItemType);
        var unblended = t.GetDecimal(_unblendedCost) ?? 0m;
        var net = t.Decimal(_netUnblendedCost);
        var billed = net ?? unblended;
        var riArn = t.String(_riArn);
        var spArn = t.String(_spArn);
        var commitmentId = spArn ?? riArn;

        decimal effective = type switch
        {
            "SavingsPlanCoveredUsage" => t.Decimal(_spEffectiveCost) ?? unblended,
            "SavingsPlanRecurringFee" => (t.Decimal(_spTotalCommitment) ?? 0m) - (t.Decimal(_spUsedCommitment) ?? 0m),
            "SavingsPlanNegation" or "SavingsPlanUpfrontFee" => 0m,
            "DiscountedUsage" => t.Decimal(_riEffectiveCost) ?? unblended,
            "RIFee" => (t.Decimal(_riUnusedAmortized) ?? 0m) + (t.Decimal(_riUnusedRecurring) ?? 0m),
            "Fee" when riArn is not null => 0m,
            _ => net ?? unblended,
        };

        string? chargeCategory = type switch
        {
            "Usage" or "SavingsPlanCoveredUsage" or "SavingsPlanNegation" or "DiscountedUsage" or "BundledDiscount" or "Discount"
                or "PrivateRateDiscount" or "EdpDiscount" or "DistributorDiscount" => "Usage",
            "Tax" => "Tax",
            "Fee" or "SavingsPlanUpfrontFee" or "RIFee" or "SavingsPlanRecurringFee" => "Purchase",
            "Credit" or "Refund" => "Credit",
            null => null,
            _ => "Adjustment",
        };

        var billType = t.String(_billType);
        string? frequency = chargeCategory == "Usage" ? "Usage-Based"
            : type is "RIFee" or "SavingsPlanRecurringFee" ? "Recurring"
            : type is "Fee" or "SavingsPlanUpfrontFee" or "Credit" or "Refund" ? "One-Time"
            : billType switch { "Anniversary" => "Recurring", "Purchase" or "Refund" => "One-Time", _ => null };

        var term = t.String(_term) ?? t.String(_purchaseOption);
        string? pricingCategory = type is "SavingsPlanCoveredUsage" or "DiscountedUsage" ? "Committed" : term switch
        {
            "OnDemand" or "On Demand" or "On-Demand" => "Standard",
            "Reserved" or "Reserved Instances" or "Savings Plan" => "Committed",
            "Spot" or "Spot Instances" => "Dynamic",
            null => null,
            _ => "Other",
        };

        string? commitmentStatus = type switch
        {
            "SavingsPlanCoveredUsage" or "DiscountedUsage" => "Used",
            "RIFee" or "SavingsPlanRecurringFee" when effective != 0m => "Unused",
            _ => null,
        };

        var usageAmount = t.Decimal(_usageAmount);
        bool isUsage = chargeCategory == "Usage";
        var productCode = t.String(_productCode);
        var productMap = _productMap >= 0 && !t.IsNull(_productMap) ? TagParser.Parse(t.GetRawText(_productMap)) : null;

        output.Add(new FocusRecord
        {
            SourceFormat = _format,
            SourceRowNumber = t.RowNumber,
            AvailabilityZone = t.String(_az),
            BilledCost = billed,
            BillingAccountId = t.String(_payer),
            BillingCurrency = t.String(_currency),
            BillingPeriodStart = t.DateTime(_bpStart),
            BillingPeriodEnd = t.DateTime(_bpEnd),
            ChargeCategory = chargeCategory,
            ChargeDescription = t.String(_description),
            ChargeFrequency = frequency,
            ChargePeriodStart = t.GetDateTime(_usageStart) ?? throw new InvalidDataException($"Row {t.RowNumber}: usage start date is empty."),
            ChargePeriodEnd = t.GetDateTime(_usageEnd) ?? throw new InvalidDataException($"Row {t.RowNumber}: usage end date is empty."),
            CommitmentDiscountId = commitmentId,
            CommitmentDiscountCategory = spArn is not null ? "Spend" : riArn is not null ? "Usage" : null,
            CommitmentDiscountType = spArn is not null ? "Savings Plan" : riArn is not null ? "Reserved Instance" : null,
            CommitmentDiscountStatus = commitmentStatus,
            ConsumedQuantity = isUsage ? usageAmount : null,
            ConsumedUnit = isUsage ? t.String(_unit) : null,
            EffectiveCost = effective,
            InvoiceId = t.String(_invoiceId),
            InvoiceIssuerName = t.String(_invoicingEntity),
            ListCost = t.Decimal(_publicCost),
            ListUnitPrice = t.Decimal(_publicRate),
            PricingCategory = isUsage ? pricingCategory : null,
            PricingQuantity = usageAmount,
            PricingUnit = t.String(_unit),
            ProviderName = "AWS",
            PublisherName = t.String(_legalEntity),
            RegionId = t.String(_regionCode) ?? NonGlobal(t.String(_region)) ?? NonGlobal(productMap?.GetValueOrDefault("region")),
            RegionName = t.String(_location) ?? productMap?.GetValueOrDefault("location"),
            ResourceId = t.String(_resourceId),
            ServiceCategory = ServiceCategories.ForAws(productCode),
            ServiceName = t.String(_productName) ?? productMap?.GetValueOrDefault("product_name") ?? productCode,
            SkuId = t.String(_sku),
            SkuMeter = t.String(_usageType),
            SkuPriceId = t.String(_rateCode) ?? t.String(_rateId),
            SubAccountId = t.String(_usageAccount),
            SubAccountName = t.String(_usageAccountName),
            Tags = ReadTags(t),
        });
    }

    private static string? NonGlobal(string? region) => region is null || region == "global" ? null : region;

    private IReadOnlyDictionary<string, string> ReadTags(RawTable t)
    {
        if (_resourceTagsMap >= 0 && !t.IsNull(_resourceTagsMap))
        {
            var parsed = TagParser.Parse(t.GetRawText(_resourceTagsMap));
            if (parsed.Count == 0)
            {
                return parsed;
            }

            var result = new Dictionary<string, string>(parsed.Count, StringComparer.Ordinal);
            foreach (var (k, v) in parsed)
            {
                result[k.StartsWith("user_", StringComparison.Ordinal) ? k[5..] : k] = v;
            }

            return result;
        }

        Dictionary<string, string>? tags = null;
        foreach (var (index, key) in _tagColumns)
        {
            var value = t.GetString(index);
            if (value is not null)
            {
                (tags ??= new Dictionary<string, string>(StringComparer.Ordinal))[key] = value;
            }
        }

        return tags ?? TagParser.Empty;
    }

    internal static bool LooksLikeCur(IReadOnlyList<string> columns, out BillingExportFormat format)
    {
        foreach (var c in columns)
        {
            if (c.Equals("lineItem/UnblendedCost", StringComparison.OrdinalIgnoreCase))
            {
                format = BillingExportFormat.AwsCurLegacy;
                return true;
            }

            if (c.Equals("line_item_unblended_cost", StringComparison.OrdinalIgnoreCase))
            {
                format = BillingExportFormat.AwsCur2;
                return true;
            }
        }

        format = default;
        return false;
    }

}
