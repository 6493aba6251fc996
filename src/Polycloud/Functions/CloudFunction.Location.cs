namespace Polycloud.Functions;

/// <content>Where the function lives.</content>
public sealed partial class CloudFunction
{
    /// <summary>
    /// Reads where the function lives: provider, account, project or app, region. Drivers that do not implement
    /// <see cref="Polycloud.Drivers.IResourceLocationProvider"/> give a location whose fields are unknown, with the reason.
    /// </summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The location.</returns>
    /// <exception cref="CloudException">When the provider could not be asked.</exception>
    public Task<ResourceLocation> GetLocationAsync(CancellationToken cancellationToken = default)
        => LocationReader.ReadAsync(_driver, ResourceKind.Function, _provider, _name, _driver.ClassifyError, cancellationToken);
}
