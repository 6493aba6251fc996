namespace Polycloud.Billing.Internal;

/// <summary>
/// Azure Cost Management cost details (EA PascalCase and MCA camelCase headers; actual or amortized) → FOCUS.
/// </summary>
internal sealed class AzureCostMapper : RecordMapper
{
    private readonly bool _amortized;
    private readonly int _cost, _currency, _date, _subscriptionId, _subscriptionName, _location, _consumedService, _meterCategory,
        _meterName, _chargeType, _frequency, _pricingModel, _quantity, _unit, _unitPrice, _payGPrice, _resourceId, _resourceName,
        _tags, _billingAccountId, _billingAccountName, _bpStart, _bpEnd, _benefitId, _benefitName, _reservationId, _reservationName,
        _az, _publisherName, _publisherType, _productName, _productId, _partNumber, _invoiceId;

    public AzureCostMapper(RawTable t, bool amortized)
    {
        _amortized = amortized;
        _cost = t.IndexOfAny("CostInBillingCurrency", "Cost", "PreTaxCost", "CostInUsd");
        _currency = t.IndexOfAny("BillingCurrencyCode", "BillingCurrency", "Currency");
        _date = t.IndexOfAny("Date", "UsageDate");
        _subscriptionId = t.IndexOfAny("SubscriptionId", "SubscriptionGuid");
        _subscriptionName = t.IndexOf("SubscriptionName");
        _location = t.IndexOfAny("ResourceLocation", "Location");
        _consumedService = t.IndexOf("ConsumedService");
        _meterCategory = t.IndexOf("MeterCategory");
        _meterName = t.IndexOf("MeterName");
        _chargeType = t.IndexOf("ChargeType");
        _frequency = t.IndexOf("Frequency");
        _pricingModel = t.IndexOf("PricingModel");
        _quantity = t.IndexOf("Quantity");
        _unit = t.IndexOf("UnitOfMeasure");
        _unitPrice = t.IndexOf("UnitPrice");
        _payGPrice = t.IndexOf("PayGPrice");
        _resourceId = t.IndexOfAny("ResourceId", "InstanceName");
        _resourceName = t.IndexOf("ResourceName");
        _tags = t.IndexOf("Tags");
        _billingAccountId = t.IndexOf("BillingAccountId");
        _billingAccountName = t.IndexOf("BillingAccountName");
        _bpStart = t.IndexOf("BillingPeriodStartDate");
        _bpEnd = t.IndexOf("BillingPeriodEndDate");
        _benefitId = t.IndexOf("BenefitId");
        _benefitName = t.IndexOf("BenefitName");
        _reservationId = t.IndexOf("ReservationId");
        _reservationName = t.IndexOf("ReservationName");
        _az = t.IndexOf("AvailabilityZone");
        _publisherName = t.IndexOf("PublisherName");
        _publisherType = t.IndexOf("PublisherType");
        _productName = t.IndexOfAny("ProductName", "Product");
        _productId = t.IndexOf("ProductId");
        _partNumber = t.IndexOf("PartNumber");
        _invoiceId = t.IndexOf("InvoiceId");

        if (_cost < 0)
        {
            throw MissingColumn(BillingExportFormat.AzureCostDetails, "CostInBillingCurrency");
        }

        if (_date < 0)
        {
            throw MissingColumn(BillingExportFormat.AzureCostDetails, "Date");
        }
    }

    internal static bool LooksLikeAzure(RawTable t) =>
        t.IndexOfAny("CostInBillingCurrency", "PreTaxCost") >= 0 && t.IndexOfAny("Date", "UsageDate") >= 0 ||
        (t.IndexOf("MeterCategory") >= 0 && t.IndexOf("SubscriptionId") >= 0 && t.IndexOf("Cost") >= 0);

    public override void Map(RawTable t, List<FocusRecord> output)
    {
        var cost = t.GetDecimal(_cost) ?? 0m;
        var chargeType = t.String(_chargeType);
        var pricingModel = t.String(_pricingModel);
        bool commitmentPriced = pricingModel is not null &&
            (pricingModel.Equals("Reservation", StringComparison.OrdinalIgnoreCase) || pricingModel.StartsWith("Savings", StringComparison.OrdinalIgnoreCase));
        bool unused = chargeType is not null && chargeType.StartsWith("Unused", StringComparison.OrdinalIgnoreCase);

        var day = t.GetDateTime(_date) ?? throw new InvalidDataException($"Row {t.RowNumber}: Date is empty.");
        var benefitId = t.String(_benefitId) ?? t.String(_reservationId);
        string? cdCategory = null, cdType = null;
        if (benefitId is not null)
        {
            if (benefitId.Contains("/microsoft.billingbenefits/", StringComparison.OrdinalIgnoreCase))
            {
                (cdCategory, cdType) = ("Spend", "Savings Plan");
            }
            else
            {
                (cdCategory, cdType) = ("Usage", "Reservation");
            }
        }

        var publisherType = t.String(_publisherType);
        var bpEnd = t.DateTime(_bpEnd);
        var unit = t.String(_unit);
        var quantity = t.Decimal(_quantity);

        output.Add(new FocusRecord
        {
            SourceFormat = BillingExportFormat.AzureCostDetails,
            SourceRowNumber = t.RowNumber,
            AvailabilityZone = t.String(_az),
            // Amortized data spreads commitment purchases over usage: that usage (and unused commitment) was billed at purchase time.
            BilledCost = _amortized && (commitmentPriced || unused) ? 0m : cost,
            EffectiveCost = cost,
            BillingAccountId = t.String(_billingAccountId),
            BillingAccountName = t.String(_billingAccountName),
            BillingCurrency = t.String(_currency),
            BillingPeriodStart = t.DateTime(_bpStart),
            // Azure gives the last day of the period; FOCUS periods end exclusively at the next midnight.
            BillingPeriodEnd = bpEnd?.TimeOfDay == TimeSpan.Zero ? bpEnd.Value.AddDays(1) : bpEnd,
            ChargeCategory = chargeType switch
            {
                null => null,
                _ when chargeType.Equals("Usage", StringComparison.OrdinalIgnoreCase) || unused => "Usage",
                _ when chargeType.Equals("Purchase", StringComparison.OrdinalIgnoreCase) => "Purchase",
                _ when chargeType.Equals("Tax", StringComparison.OrdinalIgnoreCase) => "Tax",
                _ when chargeType.Equals("Refund", StringComparison.OrdinalIgnoreCase) => "Credit",
                _ => "Adjustment",
            },
            ChargeDescription = t.String(_productName),
            ChargeFrequency = t.String(_frequency) switch
            {
                "OneTime" => "One-Time",
                "Recurring" => "Recurring",
                "UsageBased" => "Usage-Based",
                var other => Normalize("ChargeFrequency", other) is { } n && FocusValues.IsAllowed("ChargeFrequency", n) ? n : null,
            },
            ChargePeriodStart = day,
            ChargePeriodEnd = day.AddDays(1),
            CommitmentDiscountId = benefitId,
            CommitmentDiscountName = t.String(_benefitName) ?? t.String(_reservationName),
            CommitmentDiscountCategory = cdCategory,
            CommitmentDiscountType = cdType,
            CommitmentDiscountStatus = unused ? "Unused" : benefitId is not null && commitmentPriced ? "Used" : null,
            ConsumedQuantity = quantity,
            ConsumedUnit = unit is null ? null : ConsumedUnitOf(unit),
            ContractedUnitPrice = t.Decimal(_unitPrice),
            InvoiceId = t.String(_invoiceId),
            InvoiceIssuerName = "Microsoft",
            ListUnitPrice = t.Decimal(_payGPrice),
            PricingCategory = pricingModel switch
            {
                null => null,
                _ when pricingModel.Equals("OnDemand", StringComparison.OrdinalIgnoreCase) => "Standard",
                _ when pricingModel.Equals("Spot", StringComparison.OrdinalIgnoreCase) => "Dynamic",
                _ when commitmentPriced => "Committed",
                _ => "Other",
            },
            PricingUnit = unit,
            ProviderName = "Microsoft",
            PublisherName = t.String(_publisherName) ?? (publisherType is null || publisherType.Equals("Azure", StringComparison.OrdinalIgnoreCase) ? "Microsoft" : null),
            RegionId = t.String(_location)?.ToLowerInvariant().Replace(" ", string.Empty, StringComparison.Ordinal),
            ResourceId = t.String(_resourceId),
            ResourceName = t.String(_resourceName),
            ServiceCategory = ServiceCategories.ForAzure(t.String(_consumedService), t.String(_meterCategory)),
            ServiceName = t.String(_meterCategory) ?? t.String(_consumedService),
            SkuId = t.String(_productId) ?? t.String(_partNumber),
            SkuMeter = t.String(_meterName),
            SubAccountId = t.String(_subscriptionId),
            SubAccountName = t.String(_subscriptionName),
            TagsJson = _tags < 0 || t.IsNull(_tags) ? null : t.GetRawText(_tags),
        });
    }

    /// <summary>Azure units carry a block size (<c>10K</c>, <c>1 Hour</c>, <c>100 GB</c>); FOCUS ConsumedUnit is the unit alone.</summary>
    internal static string ConsumedUnitOf(string unitOfMeasure)
    {
        var s = unitOfMeasure.Trim();
        int i = 0;
        while (i < s.Length && (char.IsDigit(s[i]) || s[i] == ',' || s[i] == '.'))
        {
            i++;
        }

        var unit = s[i..].Trim();
        if (unit.Length == 0 || unit is "K" or "M" or "/Day" or "/Hour" or "/Month")
        {
            return unit.StartsWith('/') ? "Units" + unit : "Units";
        }

        return unit switch
        {
            "Hour" or "1 Hour" => "Hours",
            "Day" => "Days",
            "Month" => "Months",
            _ => unit,
        };
    }
}
