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
    private string? _tagsJson;

    /// <summary>Provider-assigned identifier of the physically separated location where the charge occurred.</summary>
    public string? AvailabilityZone { get; init; }
    /// <summary>Charge amount the invoice carries, in <see cref="BillingCurrency"/>.</summary>
    public decimal BilledCost { get; init; }
    /// <summary>Identifier of the billing account the invoice belongs to.</summary>
    public string? BillingAccountId { get; init; }
    /// <summary>Display name of the billing account.</summary>
    public string? BillingAccountName { get; init; }
    /// <summary>Provider label for the kind of billing account (FOCUS 1.2).</summary>
    public string? BillingAccountType { get; init; }
    /// <summary>ISO 4217 currency the charges are billed in.</summary>
    public string? BillingCurrency { get; init; }
    /// <summary>Exclusive end of the billing period.</summary>
    public DateTimeOffset? BillingPeriodEnd { get; init; }
    /// <summary>Inclusive start of the billing period.</summary>
    public DateTimeOffset? BillingPeriodStart { get; init; }
    /// <summary>Identifier of the capacity reservation the charge relates to.</summary>
    public string? CapacityReservationId { get; init; }
    /// <summary>Whether the capacity reservation was <c>Used</c> or <c>Unused</c>.</summary>
    public string? CapacityReservationStatus { get; init; }
    /// <summary>Highest-level classification: Usage, Purchase, Tax, Credit or Adjustment.</summary>
    public string? ChargeCategory { get; init; }
    /// <summary><c>Correction</c> when the row corrects a previous billing period, otherwise null.</summary>
    public string? ChargeClass { get; init; }
    /// <summary>Free-text description of the charge.</summary>
    public string? ChargeDescription { get; init; }
    /// <summary>One-Time, Recurring or Usage-Based.</summary>
    public string? ChargeFrequency { get; init; }
    /// <summary>Exclusive end of the period the charge applies to.</summary>
    public DateTimeOffset ChargePeriodEnd { get; init; }
    /// <summary>Inclusive start of the period the charge applies to.</summary>
    public DateTimeOffset ChargePeriodStart { get; init; }
    /// <summary>Spend or Usage commitment.</summary>
    public string? CommitmentDiscountCategory { get; init; }
    /// <summary>Identifier of the commitment discount (reservation, savings plan, committed use discount).</summary>
    public string? CommitmentDiscountId { get; init; }
    /// <summary>Display name of the commitment discount.</summary>
    public string? CommitmentDiscountName { get; init; }
    /// <summary>Amount of the commitment discount purchased or consumed, in <see cref="CommitmentDiscountUnit"/>.</summary>
    public decimal? CommitmentDiscountQuantity { get; init; }
    /// <summary>Used or Unused.</summary>
    public string? CommitmentDiscountStatus { get; init; }
    /// <summary>Provider label for the commitment discount type.</summary>
    public string? CommitmentDiscountType { get; init; }
    /// <summary>Unit of <see cref="CommitmentDiscountQuantity"/>.</summary>
    public string? CommitmentDiscountUnit { get; init; }
    /// <summary>Volume of the resource or service used.</summary>
    public decimal? ConsumedQuantity { get; init; }
    /// <summary>Unit of <see cref="ConsumedQuantity"/>.</summary>
    public string? ConsumedUnit { get; init; }
    /// <summary>Cost at negotiated (contracted) prices before commitment discounts.</summary>
    public decimal? ContractedCost { get; init; }
    /// <summary>Negotiated unit price.</summary>
    public decimal? ContractedUnitPrice { get; init; }
    /// <summary>Amortized cost after all discounts; the figure FinOps reports use by default.</summary>
    public decimal EffectiveCost { get; init; }
    /// <summary>Identifier of the invoice that carries the charge (FOCUS 1.2).</summary>
    public string? InvoiceId { get; init; }
    /// <summary>Entity that issues the invoice.</summary>
    public string? InvoiceIssuerName { get; init; }
    /// <summary>Cost at public list prices.</summary>
    public decimal? ListCost { get; init; }
    /// <summary>Public list unit price.</summary>
    public decimal? ListUnitPrice { get; init; }
    /// <summary>Standard, Dynamic, Committed or Other.</summary>
    public string? PricingCategory { get; init; }
    /// <summary>Currency the price list is denominated in, when it differs from the billing currency (FOCUS 1.2).</summary>
    public string? PricingCurrency { get; init; }
    /// <summary>Contracted unit price in <see cref="PricingCurrency"/> (FOCUS 1.2).</summary>
    public decimal? PricingCurrencyContractedUnitPrice { get; init; }
    /// <summary>Effective cost in <see cref="PricingCurrency"/> (FOCUS 1.2).</summary>
    public decimal? PricingCurrencyEffectiveCost { get; init; }
    /// <summary>List unit price in <see cref="PricingCurrency"/> (FOCUS 1.2).</summary>
    public decimal? PricingCurrencyListUnitPrice { get; init; }
    /// <summary>Quantity the price is applied to.</summary>
    public decimal? PricingQuantity { get; init; }
    /// <summary>Unit of <see cref="PricingQuantity"/>.</summary>
    public string? PricingUnit { get; init; }
    /// <summary>Entity that makes the resources or services available (AWS, Microsoft, Google Cloud, ...).</summary>
    public string? ProviderName { get; init; }
    /// <summary>Entity that produced the resources or services.</summary>
    public string? PublisherName { get; init; }
    /// <summary>Provider-assigned region identifier.</summary>
    public string? RegionId { get; init; }
    /// <summary>Display name of the region.</summary>
    public string? RegionName { get; init; }
    /// <summary>Identifier of the resource.</summary>
    public string? ResourceId { get; init; }
    /// <summary>Display name of the resource.</summary>
    public string? ResourceName { get; init; }
    /// <summary>Kind of resource.</summary>
    public string? ResourceType { get; init; }
    /// <summary>FOCUS service category (Compute, Storage, Networking, ...).</summary>
    public string? ServiceCategory { get; init; }
    /// <summary>Provider's name of the service.</summary>
    public string? ServiceName { get; init; }
    /// <summary>FOCUS service subcategory (FOCUS 1.1+).</summary>
    public string? ServiceSubcategory { get; init; }
    /// <summary>Identifier of the SKU.</summary>
    public string? SkuId { get; init; }
    /// <summary>Functionality being metered (FOCUS 1.1+).</summary>
    public string? SkuMeter { get; init; }
    /// <summary>JSON properties of the SKU price (FOCUS 1.1+).</summary>
    public string? SkuPriceDetails { get; init; }
    /// <summary>Identifier of the SKU price.</summary>
    public string? SkuPriceId { get; init; }
    /// <summary>Identifier of the sub account (AWS account, Azure subscription, Google Cloud project).</summary>
    public string? SubAccountId { get; init; }
    /// <summary>Display name of the sub account.</summary>
    public string? SubAccountName { get; init; }
    /// <summary>Provider label for the kind of sub account (FOCUS 1.2).</summary>
    public string? SubAccountType { get; init; }

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
