namespace Polycloud.Drivers;

/// <summary>
/// Optionally implemented by a blob, queue or function driver that can tell where its resource lives. Drivers that do
/// not implement it still work: <c>GetLocationAsync</c> on the portable type reports an unknown location with the reason.
/// Exceptions are classified by the driver's <c>ClassifyError</c>, like any other call.
/// </summary>
public interface IResourceLocationProvider
{
    /// <summary>Reads the resource's location: from the driver's configuration when it holds it, else from the provider.</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The location; fields the provider cannot report are <see cref="LocationValue.Unknown"/> with the reason.</returns>
    Task<ResourceLocation> GetLocationAsync(CancellationToken cancellationToken);
}
