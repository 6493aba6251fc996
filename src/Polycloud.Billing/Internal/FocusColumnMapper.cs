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
    private readonly Action<FocusColumnMapper, RawTable, FocusRecord>[]? _steps;

    // Normalization cache slots of the enumerated columns, resolved once per file.
    private readonly int _nCapacityReservationStatus, _nChargeCategory, _nChargeClass, _nChargeFrequency, _nCommitmentDiscountCategory, _nCommitmentDiscountStatus, _nPricingCategory, _nServiceCategory;

    /// <summary>Resolves the column indexes of a FOCUS table once.</summary>
    /// <param name="t">The table.</param>
    /// <param name="columns">The FOCUS columns to read; null reads all. The others resolve to -1 and read as null.</param>
    public FocusColumnMapper(RawTable t, FocusColumnSet? columns = null)
    {
        _projection = columns ?? FocusColumnSet.All;
        _steps = _projection.IsAll ? null : [.. Steps.Where(s => _projection.Contains(s.Column)).Select(s => s.Read)];
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

    /// <summary>How to read each FOCUS column into a record, for reads of only some columns (<see cref="FocusReadOptions.Columns"/>).</summary>
    private static readonly (string Column, Action<FocusColumnMapper, RawTable, FocusRecord> Read)[] Steps =
    [
        ("AvailabilityZone", static (m, t, r) => r._availabilityZone = t.String(m._availabilityZone)),
        ("BilledCost", static (m, t, r) => r._billedCost = t.Decimal(m._billedCost) ?? 0m),
        ("BillingAccountId", static (m, t, r) => r._billingAccountId = t.String(m._billingAccountId)),
        ("BillingAccountName", static (m, t, r) => r._billingAccountName = t.String(m._billingAccountName)),
        ("BillingAccountType", static (m, t, r) => r._billingAccountType = t.String(m._billingAccountType)),
        ("BillingCurrency", static (m, t, r) => r._billingCurrency = t.String(m._billingCurrency)),
        ("BillingPeriodEnd", static (m, t, r) => r._billingPeriodEnd = t.DateTime(m._billingPeriodEnd)),
        ("BillingPeriodStart", static (m, t, r) => r._billingPeriodStart = t.DateTime(m._billingPeriodStart)),
        ("CapacityReservationId", static (m, t, r) => r._capacityReservationId = t.String(m._capacityReservationId)),
        ("CapacityReservationStatus", static (m, t, r) => r._capacityReservationStatus = m.Normalize(m._nCapacityReservationStatus, "CapacityReservationStatus", t.String(m._capacityReservationStatus))),
        ("ChargeCategory", static (m, t, r) => r._chargeCategory = m.Normalize(m._nChargeCategory, "ChargeCategory", t.String(m._chargeCategory))),
        ("ChargeClass", static (m, t, r) => r._chargeClass = m.Normalize(m._nChargeClass, "ChargeClass", t.String(m._chargeClass))),
        ("ChargeDescription", static (m, t, r) => r._chargeDescription = t.String(m._chargeDescription)),
        ("ChargeFrequency", static (m, t, r) => r._chargeFrequency = m.Normalize(m._nChargeFrequency, "ChargeFrequency", t.String(m._chargeFrequency))),
        ("ChargePeriodEnd", static (m, t, r) => r._chargePeriodEnd = t.GetDateTime(m._chargePeriodEnd) ?? throw new InvalidDataException($"Row {t.RowNumber}: ChargePeriodEnd is null.")),
        ("ChargePeriodStart", static (m, t, r) => r._chargePeriodStart = t.GetDateTime(m._chargePeriodStart) ?? throw new InvalidDataException($"Row {t.RowNumber}: ChargePeriodStart is null.")),
        ("CommitmentDiscountCategory", static (m, t, r) => r._commitmentDiscountCategory = m.Normalize(m._nCommitmentDiscountCategory, "CommitmentDiscountCategory", t.String(m._cdCategory))),
        ("CommitmentDiscountId", static (m, t, r) => r._commitmentDiscountId = t.String(m._cdId)),
        ("CommitmentDiscountName", static (m, t, r) => r._commitmentDiscountName = t.String(m._cdName)),
        ("CommitmentDiscountQuantity", static (m, t, r) => r._commitmentDiscountQuantity = t.Decimal(m._cdQuantity)),
        ("CommitmentDiscountStatus", static (m, t, r) => r._commitmentDiscountStatus = m.Normalize(m._nCommitmentDiscountStatus, "CommitmentDiscountStatus", t.String(m._cdStatus))),
        ("CommitmentDiscountType", static (m, t, r) => r._commitmentDiscountType = t.String(m._cdType)),
        ("CommitmentDiscountUnit", static (m, t, r) => r._commitmentDiscountUnit = t.String(m._cdUnit)),
        ("ConsumedQuantity", static (m, t, r) => r._consumedQuantity = t.Decimal(m._consumedQuantity)),
        ("ConsumedUnit", static (m, t, r) => r._consumedUnit = t.String(m._consumedUnit)),
        ("ContractedCost", static (m, t, r) => r._contractedCost = t.Decimal(m._contractedCost)),
        ("ContractedUnitPrice", static (m, t, r) => r._contractedUnitPrice = t.Decimal(m._contractedUnitPrice)),
        ("EffectiveCost", static (m, t, r) => r._effectiveCost = t.Decimal(m._effectiveCost) ?? 0m),
        ("InvoiceId", static (m, t, r) => r._invoiceId = t.String(m._invoiceId)),
        ("InvoiceIssuerName", static (m, t, r) => r._invoiceIssuerName = t.String(m._invoiceIssuer)),
        ("ListCost", static (m, t, r) => r._listCost = t.Decimal(m._listCost)),
        ("ListUnitPrice", static (m, t, r) => r._listUnitPrice = t.Decimal(m._listUnitPrice)),
        ("PricingCategory", static (m, t, r) => r._pricingCategory = m.Normalize(m._nPricingCategory, "PricingCategory", t.String(m._pricingCategory))),
        ("PricingCurrency", static (m, t, r) => r._pricingCurrency = t.String(m._pricingCurrency)),
        ("PricingCurrencyContractedUnitPrice", static (m, t, r) => r._pricingCurrencyContractedUnitPrice = t.Decimal(m._pcContractedUnitPrice)),
        ("PricingCurrencyEffectiveCost", static (m, t, r) => r._pricingCurrencyEffectiveCost = t.Decimal(m._pcEffectiveCost)),
        ("PricingCurrencyListUnitPrice", static (m, t, r) => r._pricingCurrencyListUnitPrice = t.Decimal(m._pcListUnitPrice)),
        ("PricingQuantity", static (m, t, r) => r._pricingQuantity = t.Decimal(m._pricingQuantity)),
        ("PricingUnit", static (m, t, r) => r._pricingUnit = t.String(m._pricingUnit)),
        ("ProviderName", static (m, t, r) => r._providerName = t.String(m._provider)),
        ("PublisherName", static (m, t, r) => r._publisherName = t.String(m._publisher)),
        ("RegionId", static (m, t, r) => r._regionId = t.String(m._regionId)),
        ("RegionName", static (m, t, r) => r._regionName = t.String(m._regionName)),
        ("ResourceId", static (m, t, r) => r._resourceId = t.String(m._resourceId)),
        ("ResourceName", static (m, t, r) => r._resourceName = t.String(m._resourceName)),
        ("ResourceType", static (m, t, r) => r._resourceType = t.String(m._resourceType)),
        ("ServiceCategory", static (m, t, r) => r._serviceCategory = m.Normalize(m._nServiceCategory, "ServiceCategory", t.String(m._serviceCategory))),
        ("ServiceName", static (m, t, r) => r._serviceName = t.String(m._serviceName)),
        ("ServiceSubcategory", static (m, t, r) => r._serviceSubcategory = t.String(m._serviceSubcategory)),
        ("SkuId", static (m, t, r) => r._skuId = t.String(m._skuId)),
        ("SkuMeter", static (m, t, r) => r._skuMeter = t.String(m._skuMeter)),
        ("SkuPriceDetails", static (m, t, r) => r._skuPriceDetails = t.String(m._skuPriceDetails)),
        ("SkuPriceId", static (m, t, r) => r._skuPriceId = t.String(m._skuPriceId)),
        ("SubAccountId", static (m, t, r) => r._subAccountId = t.String(m._subAccountId)),
        ("SubAccountName", static (m, t, r) => r._subAccountName = t.String(m._subAccountName)),
        ("SubAccountType", static (m, t, r) => r._subAccountType = t.String(m._subAccountType)),
        ("Tags", static (m, t, r) => r._tagsJson = m._tags < 0 || t.IsNull(m._tags) ? null : t.GetRawText(m._tags)),
    ];

    /// <summary>The FOCUS columns <see cref="Steps"/> can read (all of them; checked by the tests).</summary>
    internal static IEnumerable<string> ProjectableColumns => Steps.Select(s => s.Column);

    public override void Map(RawTable t, List<FocusRecord> output) => output.Add(MapOne(t));

    public FocusRecord MapOne(RawTable t) => _steps is null ? MapAll(t) : MapSome(t, _steps);

    /// <summary>Some columns: only their fields are set; the others keep their defaults (null, 0, default).</summary>
    private FocusRecord MapSome(RawTable t, Action<FocusColumnMapper, RawTable, FocusRecord>[] steps)
    {
        var record = new FocusRecord { SourceFormat = BillingExportFormat.Focus, SourceRowNumber = t.RowNumber, Columns = _projection };
        foreach (var step in steps)
        {
            step(this, t, record);
        }

        return record;
    }

    /// <summary>Every column: one object initializer.</summary>
    private FocusRecord MapAll(RawTable t)
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
