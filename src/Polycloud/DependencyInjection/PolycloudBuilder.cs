using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Polycloud.DependencyInjection;

/// <summary>
/// Returned by <c>services.AddPolycloud(configuration)</c> and <c>builder.AddPolycloud()</c>; provider packages add their schemes to it
/// (<c>.AddAws()</c>, <c>.AddAzure()</c>, <c>.AddGoogle()</c>).
/// </summary>
public sealed class PolycloudBuilder
{
    internal PolycloudBuilder(IServiceCollection services, IConfiguration? configuration)
    {
        Services = services;
        Configuration = configuration;
    }

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The <c>Polycloud</c> configuration section, or <see langword="null"/> when none was given.</summary>
    public IConfiguration? Configuration { get; }

    /// <summary>
    /// Registers <typeparamref name="T"/> as a keyed singleton for any string key, as the core does for buckets, queues
    /// and functions, so that <c>[FromKeyedServices("name")]</c> resolves every configured resource of a kind a package
    /// adds (for example through a <see cref="NamedResourceCache{T}"/>). A key that is not a string fails with a
    /// <see cref="CloudException"/> (<see cref="CloudErrorCode.InvalidArgument"/>); an unconfigured name fails as
    /// <paramref name="open"/> reports it. Registering the same type again does nothing.
    /// </summary>
    /// <typeparam name="T">The resource type resolved by name.</typeparam>
    /// <param name="open">Gets the resource for a configured name (called once per name: the registration is a singleton).</param>
    /// <returns>This builder.</returns>
    public PolycloudBuilder AddNamedResources<T>(Func<IServiceProvider, string, T> open)
        where T : class
    {
        if (open is null)
        {
            throw CloudException.InvalidArgument(nameof(open), "a function that gets the resource for a configured name is required.");
        }

        AddKeyed(Services, open);
        return this;
    }

    /// <summary>
    /// Registers a keyed singleton for any string key, so that <c>[FromKeyedServices("name")]</c> resolves every
    /// configured resource, and asking for an unconfigured name fails with a message that lists the configured ones.
    /// </summary>
    internal static void AddKeyed<T>(IServiceCollection services, Func<IServiceProvider, string, T> open)
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
