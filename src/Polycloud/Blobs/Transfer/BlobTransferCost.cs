using System.Globalization;

namespace Polycloud.Blobs.Transfer;

/// <summary>The cost of the bytes on one route (for example AWS eu-west-1 to the internet).</summary>
/// <param name="Route">The route, for example <c>aws-s3 eu-west-1 → azure-blob westeurope</c>.</param>
/// <param name="Explanation">Which price applies and why ("inter-cloud: AWS internet egress, Europe", "same region: free", "unknown: source region not known").</param>
/// <param name="Bytes">The bytes on the route.</param>
/// <param name="PricePerGiB">The price per GiB in <see cref="BlobTransferCostEstimate.Currency"/>, or <see langword="null"/> when unknown.</param>
/// <param name="Cost">Bytes × price, or <see langword="null"/> when unknown (never 0 for an unknown route).</param>
/// <param name="PriceSource">The title of the provider's public pricing page the price was read from, or <see langword="null"/>.</param>
/// <param name="PriceDate">The date the price was read (yyyy-MM-dd), or <see langword="null"/>.</param>
public sealed record BlobTransferRouteCost(string Route, string Explanation, long Bytes, decimal? PricePerGiB, decimal? Cost, string? PriceSource, string? PriceDate)
{
    /// <inheritdoc/>
    public override string ToString()
        => $"{Route}: {Bytes} bytes × {(PricePerGiB is { } p ? p.ToString("0.####", CultureInfo.InvariantCulture) + "/GiB" : "unknown price")} = {(Cost is { } c ? c.ToString("0.####", CultureInfo.InvariantCulture) : "unknown")} ({Explanation})";
}

/// <summary>A transfer's estimated data-transfer cost: bytes per route × the price of that route.</summary>
/// <param name="Routes">The routes.</param>
public sealed record BlobTransferCostEstimate(IReadOnlyList<BlobTransferRouteCost> Routes)
{
    /// <summary>The currency of the prices (the table's, USD).</summary>
    public string Currency { get; init; } = "USD";

    /// <summary><see langword="true"/> when every route with bytes has a known price.</summary>
    public bool IsKnown => Routes.All(r => r.Cost is not null || r.Bytes == 0);

    /// <summary>The total, or <see langword="null"/> when a route with bytes has an unknown price ("unknown", never 0).</summary>
    public decimal? Total => IsKnown ? Routes.Sum(r => r.Cost ?? 0m) : null;

    /// <inheritdoc/>
    public override string ToString()
        => (Total is { } t ? t.ToString("0.####", CultureInfo.InvariantCulture) + " " + Currency : "unknown") + (Routes.Count == 0 ? string.Empty : " (" + string.Join("; ", Routes) + ")");
}
