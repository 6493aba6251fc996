using Azure.Storage.Blobs.Models;

namespace Polycloud.Azure;

/// <summary>Shared helpers for the Azure drivers' locations.</summary>
internal static class AzureLocations
{
    /// <summary>The reason the region of a storage account or app is unknown without a <c>location</c> setting.</summary>
    public const string RegionFromArmOnly =
        "the data plane does not report the region; only Azure Resource Manager does. Set the 'location' setting (for example 'location=westeurope') to report it";

    /// <summary>The region from the user's <c>location</c> setting, normalized as ARM writes it (<c>West Europe</c> → <c>westeurope</c>).</summary>
    public static LocationValue Region(string? location)
        => string.IsNullOrWhiteSpace(location)
            ? LocationValue.Unknown(RegionFromArmOnly)
            : LocationValue.Known(location.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant());

    /// <summary>The replication of a storage SKU: <c>Standard_RAGRS</c> → <c>RA-GRS</c>.</summary>
    public static string Replication(SkuName sku) => sku switch
    {
        SkuName.StandardLrs or SkuName.PremiumLrs => "LRS",
        SkuName.StandardZrs or SkuName.PremiumZrs => "ZRS",
        SkuName.StandardGrs => "GRS",
        SkuName.StandardRagrs => "RA-GRS",
        SkuName.StandardGzrs => "GZRS",
        SkuName.StandardRagzrs => "RA-GZRS",
        _ => sku.ToString(),
    };

    /// <summary>The SKU as Azure names it: <c>StandardRagrs</c> → <c>Standard_RAGRS</c>.</summary>
    public static string SkuText(SkuName sku)
    {
        string text = sku.ToString();
        foreach (string tier in new[] { "Standard", "Premium" })
        {
            if (text.StartsWith(tier, StringComparison.Ordinal))
            {
                return tier + "_" + text[tier.Length..].ToUpperInvariant();
            }
        }

        return text;
    }

    /// <summary>The endpoint detail (scheme, host, port and, for Azurite, the account path), never a query.</summary>
    public static string Endpoint(Uri uri) => uri.GetLeftPart(UriPartial.Authority);
}
