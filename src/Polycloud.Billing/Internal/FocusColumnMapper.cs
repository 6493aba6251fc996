namespace Polycloud.Billing.Internal;

/// <summary>Reads FOCUS 1.0–1.2 columns (and the 1.0-preview names <c>Provider</c>, <c>Publisher</c>, <c>InvoiceIssuer</c>).</summary>
internal sealed class FocusColumnMapper : RecordMapper
{
    private readonly int _availabilityZone, _billedCost, _billingAccountId, _billingAccountName, _billingAccountType, _billingCurrency,
        _billingPeriodEnd, _billingPeriodStart, _capacityReservationId, _capacityReservationStatus, _chargeCategory, _chargeClass,
        _chargeDescription, _chargeFrequency, _chargePeriodEnd, _chargePeriodStart, _cdCategory, _cdId, _cdName, _cdQuantity,
        _cdStatus, _cdType, _cdUnit, _consumedQuantity, _consumedUnit, _contractedCost, _contractedUnitPrice, _effectiveCost,
        _invoiceId, _invoiceIssuer, _listCost, _listUnitPrice, _pricingCategory, _pricingCurrency, _pcContractedUnitPrice,
        _pcEffectiveCost, _pcListUnitPrice, _pricingQuantity, _pricingUnit, _provider, _publisher, _regionId, _regionName,
        _resourceId, _resourceName, _resourceType, _serviceCategory, _serviceName, _serviceSubcategory, _skuId, _skuMeter,
        _skuPriceDetails, _skuPriceId, _subAccountId, _subAccountName, _subAccountType, _tags;

    private readonly FocusColumnSet _projection;

    // Normalization cache slots of the enumerated columns, resolved once per file.
    private readonly int _nCapacityReservationStatus, _nChargeCategory, _nChargeClass, _nChargeFrequency, _nCommitmentDiscountCategory, _nCommitmentDiscountStatus, _nPricingCategory, _nServiceCategory;

    /// <summary>Resolves the column indexes of a FOCUS table once.</summary>
    /// <param name="t">The table.</param>
    /// <param name="columns">The FOCUS columns to read; null reads all. The others resolve to -1 and read as null.</param>
    public FocusColumnMapper(RawTable t, FocusColumnSet? columns = null)
    {
        _projection = columns ?? FocusColumnSet.All;
        _availabilityZone = Col(t, "AvailabilityZone");
        _billedCost = Col(t, "BilledCost");
        _billingAccountId = Col(t, "BillingAccountId");
        _billingAccountName = Col(t, "BillingAccountName");
        _billingAccountType = Col(t, "BillingAccountType");
        _billingCurrency = Col(t, "BillingCurrency");
        _billingPeriodEnd = Col(t, "BillingPeriodEnd");
        _billingPeriodStart = Col(t, "BillingPeriodStart");
        _capacityReservationId = Col(t, "CapacityReservationId");
        _capacityReservationStatus = Col(t, "CapacityReservationStatus");
        _chargeCategory = Col(t, "ChargeCategory");
        _chargeClass = Col(t, "ChargeClass");
        _chargeDescription = Col(t, "ChargeDescription");
        _chargeFrequency = Col(t, "ChargeFrequency");
        _chargePeriodEnd = Col(t, "ChargePeriodEnd");
        _chargePeriodStart = Col(t, "ChargePeriodStart");
        _cdCategory = Col(t, "CommitmentDiscountCategory");
        _cdId = Col(t, "CommitmentDiscountId");
        _cdName = Col(t, "CommitmentDiscountName");
        _cdQuantity = Col(t, "CommitmentDiscountQuantity");
        _cdStatus = Col(t, "CommitmentDiscountStatus");
        _cdType = Col(t, "CommitmentDiscountType");
        _cdUnit = Col(t, "CommitmentDiscountUnit");
        _consumedQuantity = Col(t, "ConsumedQuantity");
        _consumedUnit = Col(t, "ConsumedUnit");
        _contractedCost = Col(t, "ContractedCost");
        _contractedUnitPrice = Col(t, "ContractedUnitPrice");
        _effectiveCost = Col(t, "EffectiveCost", "AmortizedCost");
        _invoiceId = Col(t, "InvoiceId");
        _invoiceIssuer = Col(t, "InvoiceIssuerName", "InvoiceIssuer");
        _listCost = Col(t, "ListCost");
        _listUnitPrice = Col(t, "ListUnitPrice");
        _pricingCategory = Col(t, "PricingCategory");
        _pricingCurrency = Col(t, "PricingCurrency");
        _pcContractedUnitPrice = Col(t, "PricingCurrencyContractedUnitPrice");
        _pcEffectiveCost = Col(t, "PricingCurrencyEffectiveCost");
        _pcListUnitPrice = Col(t, "PricingCurrencyListUnitPrice");
        _pricingQuantity = Col(t, "PricingQuantity");
        _pricingUnit = Col(t, "PricingUnit");
        _provider = Col(t, "ProviderName", "Provider");
        _publisher = Col(t, "PublisherName", "Publisher");
        _regionId = Col(t, "RegionId", "Region");
        _regionName = Col(t, "RegionName");
        _resourceId = Col(t, "ResourceId");
        _resourceName = Col(t, "ResourceName");
        _resourceType = Col(t, "ResourceType");
        _serviceCategory = Col(t, "ServiceCategory");
        _serviceName = Col(t, "ServiceName");
        _serviceSubcategory = Col(t, "ServiceSubcategory");
        _skuId = Col(t, "SkuId");
        _skuMeter = Col(t, "SkuMeter");
        _skuPriceDetails = Col(t, "SkuPriceDetails");
        _skuPriceId = Col(t, "SkuPriceId");
        _subAccountId = Col(t, "SubAccountId");
        _subAccountName = Col(t, "SubAccountName");
        _subAccountType = Col(t, "SubAccountType");
        _tags = Col(t, "Tags");

        _nCapacityReservationStatus = NormalizeSlot("CapacityReservationStatus");
        _nChargeCategory = NormalizeSlot("ChargeCategory");
        _nChargeClass = NormalizeSlot("ChargeClass");
        _nChargeFrequency = NormalizeSlot("ChargeFrequency");
        _nCommitmentDiscountCategory = NormalizeSlot("CommitmentDiscountCategory");
        _nCommitmentDiscountStatus = NormalizeSlot("CommitmentDiscountStatus");
        _nPricingCategory = NormalizeSlot("PricingCategory");
        _nServiceCategory = NormalizeSlot("ServiceCategory");

        if (t.IndexOf("BilledCost") < 0)
        {
            throw MissingColumn(BillingExportFormat.Focus, "BilledCost");
        }

        if (t.IndexOf("ChargePeriodStart") < 0)
        {
            throw MissingColumn(BillingExportFormat.Focus, "ChargePeriodStart");
        }

        if (t.IndexOf("ChargePeriodEnd") < 0)
        {
            throw MissingColumn(BillingExportFormat.Focus, "ChargePeriodEnd");
        }
    }

    /// <summary>Index of the first of <paramref name="names"/> in the table when the projection holds the FOCUS column <paramref name="names"/>[0], else -1.</summary>
    private int Col(RawTable t, params ReadOnlySpan<string> names) => _projection.Contains(names[0]) ? t.IndexOfAny(names) : -1;

    /// <summary>The FOCUS columns the records carry.</summary>
    public FocusColumnSet Projection => _projection;

    /// <summary>Columns this mapper reads (for Parquet projection); -1 for a column not read.</summary>
    public IEnumerable<int> UsedColumns => [
        _availabilityZone, _billedCost, _billingAccountId, _billingAccountName, _billingAccountType, _billingCurrency,
        _billingPeriodEnd, _billingPeriodStart, _capacityReservationId, _capacityReservationStatus, _chargeCategory, _chargeClass,
        _chargeDescription, _chargeFrequency, _chargePeriodEnd, _chargePeriodStart, _cdCategory, _cdId, _cdName, _cdQuantity,
        _cdStatus, _cdType, _cdUnit, _consumedQuantity, _consumedUnit, _contractedCost, _contractedUnitPrice, _effectiveCost,
        _invoiceId, _invoiceIssuer, _listCost, _listUnitPrice, _pricingCategory, _pricingCurrency, _pcContractedUnitPrice,
        _pcEffectiveCost, _pcListUnitPrice, _pricingQuantity, _pricingUnit, _provider, _publisher, _regionId, _regionName,
        _resourceId, _resourceName, _resourceType, _serviceCategory, _serviceName, _serviceSubcategory, _skuId, _skuMeter,
        _skuPriceDetails, _skuPriceId, _subAccountId, _subAccountName, _subAccountType, _tags];

    public override void Map(RawTable t, List<FocusRecord> output) => output.Add(MapOne(t));

    public FocusRecord MapOne(RawTable t)
    {
        var start = _chargePeriodStart < 0 ? default : t.GetDateTime(_chargePeriodStart) ?? throw new InvalidDataException($"Row {t.RowNumber}: ChargePeriodStart is null.");
        var end = _chargePeriodEnd < 0 ? default : t.GetDateTime(_chargePeriodEnd) ?? throw new InvalidDataException($"Row {t.RowNumber}: ChargePeriodEnd is null.");
        return new FocusRecord
        {
            SourceFormat = BillingExportFormat.Focus,
            SourceRowNumber = t.RowNumber,
            Columns = _projection,
            AvailabilityZone = t.String(_availabilityZone),
            BilledCost = t.Decimal(_billedCost) ?? 0m,
            BillingAccountId = t.String(_billingAccountId),
            BillingAccountName = t.String(_billingAccountName),
            BillingAccountType = t.String(_billingAccountType),
            BillingCurrency = t.String(_billingCurrency),
            BillingPeriodEnd = t.DateTime(_billingPeriodEnd),
            BillingPeriodStart = t.DateTime(_billingPeriodStart),
            CapacityReservationId = t.String(_capacityReservationId),
            CapacityReservationStatus = Normalize(_nCapacityReservationStatus, "CapacityReservationStatus", t.String(_capacityReservationStatus)),
            ChargeCategory = Normalize(_nChargeCategory, "ChargeCategory", t.String(_chargeCategory)),
            ChargeClass = Normalize(_nChargeClass, "ChargeClass", t.String(_chargeClass)),
            ChargeDescription = t.String(_chargeDescription),
            ChargeFrequency = Normalize(_nChargeFrequency, "ChargeFrequency", t.String(_chargeFrequency)),
            ChargePeriodEnd = end,
            ChargePeriodStart = start,
            CommitmentDiscountCategory = Normalize(_nCommitmentDiscountCategory, "CommitmentDiscountCategory", t.String(_cdCategory)),
            CommitmentDiscountId = t.String(_cdId),
            CommitmentDiscountName = t.String(_cdName),
            CommitmentDiscountQuantity = t.Decimal(_cdQuantity),
            CommitmentDiscountStatus = Normalize(_nCommitmentDiscountStatus, "CommitmentDiscountStatus", t.String(_cdStatus)),
            CommitmentDiscountType = t.String(_cdType),
            CommitmentDiscountUnit = t.String(_cdUnit),
            ConsumedQuantity = t.Decimal(_consumedQuantity),
            ConsumedUnit = t.String(_consumedUnit),
            ContractedCost = t.Decimal(_contractedCost),
            ContractedUnitPrice = t.Decimal(_contractedUnitPrice),
            EffectiveCost = t.Decimal(_effectiveCost) ?? 0m,
            InvoiceId = t.String(_invoiceId),
            InvoiceIssuerName = t.String(_invoiceIssuer),
            ListCost = t.Decimal(_listCost),
            ListUnitPrice = t.Decimal(_listUnitPrice),
            PricingCategory = Normalize(_nPricingCategory, "PricingCategory", t.String(_pricingCategory)),
            PricingCurrency = t.String(_pricingCurrency),
            PricingCurrencyContractedUnitPrice = t.Decimal(_pcContractedUnitPrice),
            PricingCurrencyEffectiveCost = t.Decimal(_pcEffectiveCost),
            PricingCurrencyListUnitPrice = t.Decimal(_pcListUnitPrice),
            PricingQuantity = t.Decimal(_pricingQuantity),
            PricingUnit = t.String(_pricingUnit),
            ProviderName = t.String(_provider),
            PublisherName = t.String(_publisher),
            RegionId = t.String(_regionId),
            RegionName = t.String(_regionName),
            ResourceId = t.String(_resourceId),
            ResourceName = t.String(_resourceName),
            ResourceType = t.String(_resourceType),
            ServiceCategory = Normalize(_nServiceCategory, "ServiceCategory", t.String(_serviceCategory)),
            ServiceName = t.String(_serviceName),
            ServiceSubcategory = t.String(_serviceSubcategory),
            SkuId = t.String(_skuId),
            SkuMeter = t.String(_skuMeter),
            SkuPriceDetails = t.String(_skuPriceDetails),
            SkuPriceId = t.String(_skuPriceId),
            SubAccountId = t.String(_subAccountId),
            SubAccountName = t.String(_subAccountName),
            SubAccountType = t.String(_subAccountType),
            TagsJson = _tags < 0 || t.IsNull(_tags) ? null : t.GetRawText(_tags),
        };
    }
}
