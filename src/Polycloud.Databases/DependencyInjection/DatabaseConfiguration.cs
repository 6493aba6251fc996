using Microsoft.Extensions.DependencyInjection;

namespace Polycloud.DependencyInjection;

/// <summary>
/// Keyed registration of the databases of <c>Polycloud:Databases</c>, as the core registers buckets, queues and
/// functions (reading the section and opening each name is <see cref="NamedResourceCache{T}"/>'s work).
/// </summary>
internal static class DatabaseConfiguration
{
    /// <summary>
    /// Registers a keyed singleton for any string key, so that <c>[FromKeyedServices("name")]</c> resolves every
    /// configured database, and asking for an unconfigured name fails with a message that lists the configured ones.
    /// </summary>
    public static void AddKeyed<T>(IServiceCollection services, Func<IServiceProvider, string, T> open)
        where T : class
    {
        if (services.Any(d => d.ServiceType == typeof(T) && Equals(d.ServiceKey, KeyedService.AnyKey)))
        {
            return;
        }

        services.AddKeyedSingleton(KeyedService.AnyKey, (sp, key) => key is string name
            ? open(sp, name)
            : throw CloudException.InvalidArgument("serviceKey", $"Polycloud resources are keyed by their configured name (a string), not by {key?.GetType().Name ?? "null"}."));
    }
}
