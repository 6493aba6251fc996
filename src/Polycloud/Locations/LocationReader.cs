using Polycloud.Diagnostics;
using Polycloud.Drivers;

namespace Polycloud;

/// <summary>The shared path of <c>GetLocationAsync</c> on the portable types: telemetry, error mapping, unknown fallback.</summary>
internal static class LocationReader
{
    public static async Task<ResourceLocation> ReadAsync(
        object driver, ResourceKind kind, string provider, string name, Func<Exception, CloudErrorCode> classify, CancellationToken cancellationToken)
    {
        if (driver is not IResourceLocationProvider source)
        {
            return ResourceLocation.Unknown(
                provider, kind, name, $"the '{provider}' driver does not report locations (it does not implement {nameof(IResourceLocationProvider)})");
        }

        var scope = OperationScope.Start("location.get", provider, name, null);
        try
        {
            var location = await source.GetLocationAsync(cancellationToken).ConfigureAwait(false)
                ?? ResourceLocation.Unknown(provider, kind, name, $"the '{provider}' driver returned no location");
            scope.Complete();
            return location;
        }
        catch (Exception ex)
        {
            throw PortableErrors.Fail(scope, ex, PortableErrors.Map(ex, provider, $"read the location of '{name}'", classify, null, cancellationToken));
        }
    }
}
