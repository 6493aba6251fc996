namespace Polycloud.Google.Blobs;

/// <content>Where the bucket lives: buckets.get.</content>
public sealed partial class GcsBlobDriver
{
    /// <summary>
    /// Reads the bucket's <c>location</c> (reported in lower case: <c>europe-west1</c>, <c>eu</c>, <c>eur4</c>),
    /// <c>locationType</c> (<c>region</c>, <c>dual-region</c>, <c>multi-region</c>), project number and replication
    /// (<c>rpo</c>) with buckets.get.
    /// </summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The location.</returns>
    public async Task<ResourceLocation> GetLocationAsync(CancellationToken cancellationToken)
    {
        var bucket = await _client.GetBucketAsync(BucketName, null, cancellationToken).ConfigureAwait(false);
        var details = new Dictionary<string, string> { ["endpoint"] = _serviceUri.GetLeftPart(UriPartial.Authority) };
        if (bucket.CustomPlacementConfig?.DataLocations is { Count: > 0 } placement)
        {
            details["dataLocations"] = string.Join(",", placement).ToLowerInvariant();
        }

        if (!string.IsNullOrEmpty(bucket.StorageClass))
        {
            details["storageClass"] = bucket.StorageClass;
        }

        string? locationType = bucket.LocationType?.ToLowerInvariant();
        return new ResourceLocation
        {
            Provider = "gcp",
            Service = Provider,
            Kind = ResourceKind.Blob,
            Name = BucketName,
            Account = bucket.ProjectNumber is { } project
                ? LocationValue.Known("project " + project.ToString(System.Globalization.CultureInfo.InvariantCulture))
                : LocationValue.Unknown("buckets.get returned no projectNumber"),
            Region = LocationValue.KnownOrUnknown(bucket.Location?.ToLowerInvariant(), "buckets.get returned no location"),
            LocationType = LocationValue.KnownOrUnknown(locationType, "buckets.get returned no locationType"),
            Replication = !string.IsNullOrEmpty(bucket.Rpo)
                ? LocationValue.Known(bucket.Rpo)
                : locationType == "region" ? LocationValue.Known("zonal redundancy in one region") : LocationValue.Unknown("buckets.get returned no rpo"),
            Details = details,
        };
    }
}
