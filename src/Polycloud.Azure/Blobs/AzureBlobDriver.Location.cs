namespace Polycloud.Azure.Blobs;

/// <content>Where the container lives: Get Account Information, and the optional <c>location</c> setting.</content>
public sealed partial class AzureBlobDriver
{
    /// <summary>
    /// The storage account's region as the user gave it (the <c>location</c> setting), or <see langword="null"/>.
    /// The blob data plane does not report an account's region (only Azure Resource Manager does), so without it the
    /// region is reported as unknown with that reason.
    /// </summary>
    public string? Location { get; init; }

    /// <summary>
    /// Reads the storage account's SKU (replication) and kind with Get Account Information; the region comes from
    /// <see cref="Location"/>.
    /// </summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The location.</returns>
    public async Task<ResourceLocation> GetLocationAsync(CancellationToken cancellationToken)
    {
        var info = (await _container.GetAccountInfoAsync(cancellationToken).ConfigureAwait(false)).Value;
        var details = new Dictionary<string, string>
        {
            ["endpoint"] = AzureLocations.Endpoint(_container.Uri),
            ["sku"] = AzureLocations.SkuText(info.SkuName),
            ["accountKind"] = info.AccountKind.ToString(),
            ["hierarchicalNamespace"] = info.IsHierarchicalNamespaceEnabled ? "true" : "false",
        };
        return new ResourceLocation
        {
            Provider = "azure",
            Service = Provider,
            Kind = ResourceKind.Blob,
            Name = BucketName,
            Account = LocationValue.KnownOrUnknown(_container.AccountName, "the container URL names no storage account"),
            Region = AzureLocations.Region(Location),
            LocationType = LocationValue.Known("region"),
            Replication = LocationValue.Known(AzureLocations.Replication(info.SkuName)),
            Details = details,
        };
    }
}
