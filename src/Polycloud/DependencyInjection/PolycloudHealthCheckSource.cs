using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Polycloud.DependencyInjection;

/// <summary>
/// One kind of configured resource (blob buckets, queues, functions, databases) as the Polycloud health checks see
/// it: the configured names, the provider of each, and the check to run for each. The core package registers the
/// sources for blobs, queues and functions, the database registration the one for databases; a capability package
/// adds its own with <c>services.TryAddEnumerable(ServiceDescriptor.Singleton&lt;PolycloudHealthCheckSource, MySource&gt;())</c>.
/// </summary>
public abstract class PolycloudHealthCheckSource
{
    /// <summary>The kind, plural and lower case, as in the configuration section and the check names: <c>blobs</c>,
    /// <c>queues</c>, <c>functions</c>, <c>databases</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>The configured resource names of this kind.</summary>
    /// <param name="services">The application's service provider.</param>
    /// <returns>The names.</returns>
    public abstract IReadOnlyCollection<string> GetNames(IServiceProvider services);

    /// <summary>The provider of a configured resource (for example <c>aws-s3</c>, <c>sqlite</c>), for the check's tags.
    /// Opening the resource is allowed here; it must not make a network call.</summary>
    /// <param name="services">The application's service provider.</param>
    /// <param name="name">The configured name.</param>
    /// <returns>The provider name.</returns>
    /// <exception cref="CloudException">When the resource cannot be opened (its check then reports why).</exception>
    public abstract string GetProvider(IServiceProvider services, string name);

    /// <summary>Creates the check for one configured resource. The check opens the resource lazily, makes one cheap
    /// read-only call, honours its cancellation token (the registration's timeout), and reports an open or call
    /// failure as <see cref="HealthCheckContext.Registration"/>'s failure status.</summary>
    /// <param name="services">The application's service provider.</param>
    /// <param name="name">The configured name.</param>
    /// <param name="options">The health check options.</param>
    /// <returns>The check.</returns>
    public abstract IHealthCheck CreateHealthCheck(IServiceProvider services, string name, PolycloudHealthCheckOptions options);
}
