namespace Polycloud.Queues;

/// <content>Where the queue lives.</content>
public sealed partial class MessageQueue
{
    /// <summary>
    /// Reads where the queue lives: provider, account or project, region. Drivers that do not implement
    /// <see cref="Polycloud.Drivers.IResourceLocationProvider"/> give a location whose fields are unknown, with the reason.
    /// </summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The location.</returns>
    /// <exception cref="CloudException">When the provider could not be asked.</exception>
    public Task<ResourceLocation> GetLocationAsync(CancellationToken cancellationToken = default)
        => LocationReader.ReadAsync(_driver, ResourceKind.Queue, _provider, _name, _driver.ClassifyError, cancellationToken);
}
