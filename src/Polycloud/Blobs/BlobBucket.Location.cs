namespace Polycloud.Blobs;

/// <content>Where the bucket lives.</content>
public sealed partial class BlobBucket
{
    /// <summary>
    /// Reads where the bucket lives: provider, account or project, region, location type and replication. Drivers that
    /// do not implement <see cref="Polycloud.Drivers.IResourceLocationProvider"/> give a location whose fields are unknown, with the reason.
    /// </summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The location.</returns>
    /// <exception cref="CloudException">When the provider could not be asked (for example NotFound, PermissionDenied).</exception>
    public Task<ResourceLocation> GetLocationAsync(CancellationToken cancellationToken = default)
        => LocationReader.ReadAsync(_driver, ResourceKind.Blob, _provider, _name, _driver.ClassifyError, cancellationToken);
}
