using System.Text.Json;

namespace Polycloud.Billing;

/// <summary>
/// One cost and usage row in the FinOps Open Cost and Usage Specification (FOCUS) 1.2 schema.
/// Every reader (FOCUS files and native AWS, Azure and Google Cloud exports) produces this type.
/// </summary>
/// <remarks>
/// A column the source data does not carry is <see langword="null"/>; readers never invent values.
/// Money is <see cref="decimal"/>; timestamps are UTC <see cref="DateTimeOffset"/> values.
/// The per-format mapping is documented in <c>docs/billing.md</c>.
/// </remarks>
public sealed class FocusRecord
{
    private IReadOnlyDictionary<string, string>? _tags;

    // Column values live in fields the readers can set one by one when they read only some columns; the public
    // properties are the API.
    internal string? _tagsJson;
    internal string? _availabilityZone;
    internal decimal _billedCost;
    internal string? _billingAccountId;
    internal string? _billingAccountName;
    internal string? _billingAccountType;
    internal string? _billingCurrency;
    internal DateTimeOffset? _billingPeriodEnd;
    internal DateTimeOffset? _billingPeriodStart;
    internal string? _capacityReservationId;
    internal string? _capacityReservationStatus;
    internal string? _chargeCategory;
    internal string? _chargeClass;
    internal string? _chargeDescription;
    internal string? _chargeFrequency;
    internal DateTimeOffset _chargePeriodEnd;
    internal DateTimeOffset _chargePeriodStart;
    internal string? _commitmentDiscountCategory;
    internal string? _commitmentDiscountId;
    internal string? _commitmentDiscountName;
    internal decimal? _commitmentDiscountQuantity;
    internal string? _commitmentDiscountStatus;
    internal string? _commitmentDiscountType;
    internal string? _commitmentDiscountUnit;
    internal decimal? _consumedQuantity;
    internal string? _consumedUnit;
    internal decimal? _contractedCost;
    internal decimal? _contractedUnitPrice;
    internal decimal _effectiveCost;
    internal string? _invoiceId;
    internal string? _invoiceIssuerName;
    internal decimal? _listCost;
    internal decimal? _listUnitPrice;
    internal string? _pricingCategory;
    internal string? _pricingCurrency;
    internal decimal? _pricingCurrencyContractedUnitPrice;
    internal decimal? _pricingCurrencyEffectiveCost;
    internal decimal? _pricingCurrencyListUnitPrice;
    internal decimal? _pricingQuantity;
    internal string? _pricingUnit;
    internal string? _providerName;
    internal string? _publisherName;
    internal string? _regionId;
    internal string? _regionName;
    internal string? _resourceId;
    internal string? _resourceName;
    internal string? _resourceType;
    internal string? _serviceCategory;
    internal string? _serviceName;
    internal string? _serviceSubcategory;
    internal string? _skuId;
    internal string? _skuMeter;
    internal string? _skuPriceDetails;
    internal string? _skuPriceId;
    internal string? _subAccountId;
    internal string? _subAccountName;
    internal string? _subAccountType;

    /// <summary>Provider-assigned identifier of the physically separated location where the charge occurred.</summary>
    public string? AvailabilityZone { get => _availabilityZone; init => _availabilityZone = value; }
    /// <summary>Charge amount the invoice carries, in <see cref="BillingCurrency"/>.</summary>
    public decimal BilledCost { get => _billedCost; init => _billedCost = value; }
    /// <summary>Identifier of the billing account the invoice belongs to.</summary>
    public string? BillingAccountId { get => _billingAccountId; init => _billingAccountId = value; }
    /// <summary>Display name of the billing account.</summary>
    public string? BillingAccountName { get => _billingAccountName; init => _billingAccountName = value; }
    /// <summary>Provider label for the kind of billing account (FOCUS 1.2).</summary>
    public string? BillingAccountType { get => _billingAccountType; init => _billingAccountType = value; }
    /// <summary>ISO 4217 currency the charges are billed in.</summary>
    public string? BillingCurrency { get => _billingCurrency; init => _billingCurrency = value; }
    /// <summary>Exclusive end of the billing period.</summary>
    public DateTimeOffset? BillingPeriodEnd { get => _billingPeriodEnd; init => _billingPeriodEnd = value; }
    /// <summary>Inclusive start of the billing period.</summary>
    public DateTimeOffset? BillingPeriodStart { get => _billingPeriodStart; init => _billingPeriodStart = value; }
    /// <summary>Identifier of the capacity reservation the charge relates to.</summary>
    public string? CapacityReservationId { get => _capacityReservationId; init => _capacityReservationId = value; }
    /// <summary>Whether the capacity reservation was <c>Used</c> or <c>Unused</c>.</summary>
    public string? CapacityReservationStatus { get => _capacityReservationStatus; init => _capacityReservationStatus = value; }
    /// <summary>Highest-level classification: Usage, Purchase, Tax, Credit or Adjustment.</summary>
    public string? ChargeCategory { get => _chargeCategory; init => _chargeCategory = value; }
    /// <summary><c>Correction</c> when the row corrects a previous billing period, otherwise null.</summary>
    public string? ChargeClass { get => _chargeClass; init => _chargeClass = value; }
    /// <summary>Free-text description of the charge.</summary>
    public string? ChargeDescription { get => _chargeDescription; init => _chargeDescription = value; }
    /// <summary>One-Time, Recurring or Usage-Based.</summary>
    public string? ChargeFrequency { get => _chargeFrequency; init => _chargeFrequency = value; }
    /// <summary>Exclusive end of the period the charge applies to.</summary>
    public DateTimeOffset ChargePeriodEnd { get => _chargePeriodEnd; init => _chargePeriodEnd = value; }
    /// <summary>Inclusive start of the period the charge applies to.</summary>
    public DateTimeOffset ChargePeriodStart { get => _chargePeriodStart; init => _chargePeriodStart = value; }
    /// <summary>Spend or Usage commitment.</summary>
    public string? CommitmentDiscountCategory { get => _commitmentDiscountCategory; init => _commitmentDiscountCategory = value; }
    /// <summary>Identifier of the commitment discount (reservation, savings plan, committed use discount).</summary>
    public string? CommitmentDiscountId { get => _commitmentDiscountId; init => _commitmentDiscountId = value; }
    /// <summary>Display name of the commitment discount.</summary>
    public string? CommitmentDiscountName { get => _commitmentDiscountName; init => _commitmentDiscountName = value; }
    /// <summary>Amount of the commitment discount purchased or consumed, in <see cref="CommitmentDiscountUnit"/>.</summary>
    public decimal? CommitmentDiscountQuantity { get => _commitmentDiscountQuantity; init => _commitmentDiscountQuantity = value; }
    /// <summary>Used or Unused.</summary>
    public string? CommitmentDiscountStatus { get => _commitmentDiscountStatus; init => _commitmentDiscountStatus = value; }
    /// <summary>Provider label for the commitment discount type.</summary>
    public string? CommitmentDiscountType { get => _commitmentDiscountType; init => _commitmentDiscountType = value; }
    /// <summary>Unit of <see cref="CommitmentDiscountQuantity"/>.</summary>
    public string? CommitmentDiscountUnit { get => _commitmentDiscountUnit; init => _commitmentDiscountUnit = value; }
    /// <summary>Volume of the resource or service used.</summary>
    public decimal? ConsumedQuantity { get => _consumedQuantity; init => _consumedQuantity = value; }
    /// <summary>Unit of <see cref="ConsumedQuantity"/>.</summary>
    public string? ConsumedUnit { get => _consumedUnit; init => _consumedUnit = value; }
    /// <summary>Cost at negotiated (contracted) prices before commitment discounts.</summary>
    public decimal? ContractedCost { get => _contractedCost; init => _contractedCost = value; }
    /// <summary>Negotiated unit price.</summary>
    public decimal? ContractedUnitPrice { get => _contractedUnitPrice; init => _contractedUnitPrice = value; }
    /// <summary>Amortized cost after all discounts; the figure FinOps reports use by default.</summary>
    public decimal EffectiveCost { get => _effectiveCost; init => _effectiveCost = value; }
    /// <summary>Identifier of the invoice that carries the charge (FOCUS 1.2).</summary>
    public string? InvoiceId { get => _invoiceId; init => _invoiceId = value; }
    /// <summary>Entity that issues the invoice.</summary>
    public string? InvoiceIssuerName { get => _invoiceIssuerName; init => _invoiceIssuerName = value; }
    /// <summary>Cost at public list prices.</summary>
    public decimal? ListCost { get => _listCost; init => _listCost = value; }
    /// <summary>Public list unit price.</summary>
    public decimal? ListUnitPrice { get => _listUnitPrice; init => _listUnitPrice = value; }
    /// <summary>Standard, Dynamic, Committed or Other.</summary>
    public string? PricingCategory { get => _pricingCategory; init => _pricingCategory = value; }
    /// <summary>Currency the price list is denominated in, when it differs from the billing currency (FOCUS 1.2).</summary>
    public string? PricingCurrency { get => _pricingCurrency; init => _pricingCurrency = value; }
    /// <summary>Contracted unit price in <see cref="PricingCurrency"/> (FOCUS 1.2).</summary>
    public decimal? PricingCurrencyContractedUnitPrice { get => _pricingCurrencyContractedUnitPrice; init => _pricingCurrencyContractedUnitPrice = value; }
    /// <summary>Effective cost in <see cref="PricingCurrency"/> (FOCUS 1.2).</summary>
    public decimal? PricingCurrencyEffectiveCost { get => _pricingCurrencyEffectiveCost; init => _pricingCurrencyEffectiveCost = value; }
    /// <summary>List unit price in <see cref="PricingCurrency"/> (FOCUS 1.2).</summary>
    public decimal? PricingCurrencyListUnitPrice { get => _pricingCurrencyListUnitPrice; init => _pricingCurrencyListUnitPrice = value; }
    /// <summary>Quantity the price is applied to.</summary>
    public decimal? PricingQuantity { get => _pricingQuantity; init => _pricingQuantity = value; }
    /// <summary>Unit of <see cref="PricingQuantity"/>.</summary>
    public string? PricingUnit { get => _pricingUnit; init => _pricingUnit = value; }
    /// <summary>Entity that makes the resources or services available (AWS, Microsoft, Google Cloud, ...).</summary>
    public string? ProviderName { get => _providerName; init => _providerName = value; }
    /// <summary>Entity that produced the resources or services.</summary>
    public string? PublisherName { get => _publisherName; init => _publisherName = value; }
    /// <summary>Provider-assigned region identifier.</summary>
    public string? RegionId { get => _regionId; init => _regionId = value; }
    /// <summary>Display name of the region.</summary>
    public string? RegionName { get => _regionName; init => _regionName = value; }
    /// <summary>Identifier of the resource.</summary>
    public string? ResourceId { get => _resourceId; init => _resourceId = value; }
    /// <summary>Display name of the resource.</summary>
    public string? ResourceName { get => _resourceName; init => _resourceName = value; }
    /// <summary>Kind of resource.</summary>
    public string? ResourceType { get => _resourceType; init => _resourceType = value; }
    /// <summary>FOCUS service category (Compute, Storage, Networking, ...).</summary>
    public string? ServiceCategory { get => _serviceCategory; init => _serviceCategory = value; }
    /// <summary>Provider's name of the service.</summary>
    public string? ServiceName { get => _serviceName; init => _serviceName = value; }
    /// <summary>FOCUS service subcategory (FOCUS 1.1+).</summary>
    public string? ServiceSubcategory { get => _serviceSubcategory; init => _serviceSubcategory = value; }
    /// <summary>Identifier of the SKU.</summary>
    public string? SkuId { get => _skuId; init => _skuId = value; }
    /// <summary>Functionality being metered (FOCUS 1.1+).</summary>
    public string? SkuMeter { get => _skuMeter; init => _skuMeter = value; }
    /// <summary>JSON properties of the SKU price (FOCUS 1.1+).</summary>
    public string? SkuPriceDetails { get => _skuPriceDetails; init => _skuPriceDetails = value; }
    /// <summary>Identifier of the SKU price.</summary>
    public string? SkuPriceId { get => _skuPriceId; init => _skuPriceId = value; }
    /// <summary>Identifier of the sub account (AWS account, Azure subscription, Google Cloud project).</summary>
    public string? SubAccountId { get => _subAccountId; init => _subAccountId = value; }
    /// <summary>Display name of the sub account.</summary>
    public string? SubAccountName { get => _subAccountName; init => _subAccountName = value; }
    /// <summary>Provider label for the kind of sub account (FOCUS 1.2).</summary>
    public string? SubAccountType { get => _subAccountType; init => _subAccountType = value; }

    /// <summary>Export format the row was read from.</summary>
    public BillingExportFormat SourceFormat { get; init; }
    /// <summary>1-based data row number in the source (header excluded), for tracing a figure back to its origin.</summary>
    public long SourceRowNumber { get; init; }

    /// <summary>
    /// The FOCUS columns this record was read with: <see cref="FocusColumnSet.All"/> (the default) unless it was read
    /// with a column projection (<see cref="FocusReadOptions.Columns"/>). A column outside the set was not read, so it
    /// is null here (or 0 / <see langword="default"/> for the non-nullable cost and charge period properties, and an
    /// empty <see cref="Tags"/>), whatever the file holds.
    /// </summary>
    public FocusColumnSet Columns { get; init; } = FocusColumnSet.All;

    /// <summary>
    /// Tags (labels) as key/value pairs. Keys without a value map to an empty string. Never null; empty when the
    /// row carries no tags.
    /// </summary>
    public IReadOnlyDictionary<string, string> Tags
    {
        get => _tags ??= Internal.TagParser.Parse(_tagsJson);
        init => _tags = value;
    }

    /// <summary>Tags as FOCUS JSON (for example <c>{"env":"prod"}</c>), or null when the row has no tags.</summary>
    public string? TagsJson
    {
        get
        {
            if (_tagsJson is not null)
            {
                return _tagsJson;
            }

            return _tags is { Count: > 0 } tags ? JsonSerializer.Serialize(tags, Internal.BillingJsonContext.Default.IReadOnlyDictionaryStringString) : null;
        }
        init => _tagsJson = value;
    }

    /// <summary>True when the row carries at least one tag.</summary>
    public bool HasTags => _tags is not null ? _tags.Count > 0 : !string.IsNullOrWhiteSpace(_tagsJson) && Tags.Count > 0;
}
