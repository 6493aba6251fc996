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

    // Normalization cache slots of the enumerated columns, resolved once per file.
    private readonly int _nCapacityReservationStatus, _nChargeCategory, _nChargeClass, _nChargeFrequency, _nCommitmentDiscountCategory, _nCommitmentDiscountStatus, _nPricingCategory, _nServiceCategory;

    public FocusColumnMapper(RawTable t)
    {
        _availabilityZone = t.IndexOf("AvailabilityZone");
        _billedCost = t.IndexOf("BilledCost");
        _billingAccountId = t.IndexOf("BillingAccountId");
        _billingAccountName = t.IndexOf("BillingAccountName");
        _billingAccountType = t.IndexOf("BillingAccountType");
        _billingCurrency = t.IndexOf("BillingCurrency");
        _billingPeriodEnd = t.IndexOf("BillingPeriodEnd");
        _billingPeriodStart = t.IndexOf("BillingPeriodStart");
        _capacityReservationId = t.IndexOf("CapacityReservationId");
        _capacityReservationStatus = t.IndexOf("CapacityReservationStatus");
        _chargeCategory = t.IndexOf("ChargeCategory");
        _chargeClass = t.IndexOf("ChargeClass");
        _chargeDescription = t.IndexOf("ChargeDescription");
        _chargeFrequency = t.IndexOf("ChargeFrequency");
        _chargePeriodEnd = t.IndexOf("ChargePeriodEnd");
        _chargePeriodStart = t.IndexOf("ChargePeriodStart");
        _cdCategory = t.IndexOf("CommitmentDiscountCategory");
        _cdId = t.IndexOf("CommitmentDiscountId");
        _cdName = t.IndexOf("CommitmentDiscountName");
        _cdQuantity = t.IndexOf("CommitmentDiscountQuantity");
        _cdStatus = t.IndexOf("CommitmentDiscountStatus");
        _cdType = t.IndexOf("CommitmentDiscountType");
        _cdUnit = t.IndexOf("CommitmentDiscountUnit");
        _consumedQuantity = t.IndexOf("ConsumedQuantity");
        _consumedUnit = t.IndexOf("ConsumedUnit");
        _contractedCost = t.IndexOf("ContractedCost");
        _contractedUnitPrice = t.IndexOf("ContractedUnitPrice");
        _effectiveCost = t.IndexOfAny("EffectiveCost", "AmortizedCost");
        _invoiceId = t.IndexOf("InvoiceId");
        _invoiceIssuer = t.IndexOfAny("InvoiceIssuerName", "InvoiceIssuer");
        _listCost = t.IndexOf("ListCost");
        _listUnitPrice = t.IndexOf("ListUnitPrice");
        _pricingCategory = t.IndexOf("PricingCategory");
        _pricingCurrency = t.IndexOf("PricingCurrency");
        _pcContractedUnitPrice = t.IndexOf("PricingCurrencyContractedUnitPrice");
        _pcEffectiveCost = t.IndexOf("PricingCurrencyEffectiveCost");
        _pcListUnitPrice = t.IndexOf("PricingCurrencyListUnitPrice");
        _pricingQuantity = t.IndexOf("PricingQuantity");
        _pricingUnit = t.IndexOf("PricingUnit");
        _provider = t.IndexOfAny("ProviderName", "Provider");
        _publisher = t.IndexOfAny("PublisherName", "Publisher");
        _regionId = t.IndexOfAny("RegionId", "Region");
        _regionName = t.IndexOf("RegionName");
        _resourceId = t.IndexOf("ResourceId");
        _resourceName = t.IndexOf("ResourceName");
        _resourceType = t.IndexOf("ResourceType");
        _serviceCategory = t.IndexOf("ServiceCategory");
        _serviceName = t.IndexOf("ServiceName");
        _serviceSubcategory = t.IndexOf("ServiceSubcategory");
        _skuId = t.IndexOf("SkuId");
        _skuMeter = t.IndexOf("SkuMeter");
        _skuPriceDetails = t.IndexOf("SkuPriceDetails");
        _skuPriceId = t.IndexOf("SkuPriceId");
        _subAccountId = t.IndexOf("SubAccountId");
        _subAccountName = t.IndexOf("SubAccountName");
        _subAccountType = t.IndexOf("SubAccountType");
        _tags = t.IndexOf("Tags");

        _nCapacityReservationStatus = NormalizeSlot("CapacityReservationStatus");
        _nChargeCategory = NormalizeSlot("ChargeCategory");
        _nChargeClass = NormalizeSlot("ChargeClass");
        _nChargeFrequency = NormalizeSlot("ChargeFrequency");
        _nCommitmentDiscountCategory = NormalizeSlot("CommitmentDiscountCategory");
        _nCommitmentDiscountStatus = NormalizeSlot("CommitmentDiscountStatus");
        _nPricingCategory = NormalizeSlot("PricingCategory");
        _nServiceCategory = NormalizeSlot("ServiceCategory");

        if (_billedCost < 0)
        {
            throw MissingColumn(BillingExportFormat.Focus, "BilledCost");
        }

        if (_chargePeriodStart < 0)
        {
            throw MissingColumn(BillingExportFormat.Focus, "ChargePeriodStart");
        }

        if (_chargePeriodEnd < 0)
        {
            throw MissingColumn(BillingExportFormat.Focus, "ChargePeriodEnd");
        }
    }

    /// <summary>Columns this mapper reads (for Parquet projection).</summary>
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
        var start = t.GetDateTime(_chargePeriodStart) ?? throw new InvalidDataException($"Row {t.RowNumber}: ChargePeriodStart is null.");
        var end = t.GetDateTime(_chargePeriodEnd) ?? throw new InvalidDataException($"Row {t.RowNumber}: ChargePeriodEnd is null.");
        return new FocusRecord
        {
            SourceFormat = BillingExportFormat.Focus,
            SourceRowNumber = t.RowNumber,
            AvailabilityZone = t.String(_availabilityZone),
            BilledCost = t.GetDecimal(_billedCost) ?? 0m,
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
