using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Polycloud.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Polycloud health checks to <c>services.AddHealthChecks()</c>.</summary>
public static class PolycloudHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds one health check per resource configured under <c>Polycloud:Blobs</c>, <c>Polycloud:Queues</c>,
    /// <c>Polycloud:Functions</c> and <c>Polycloud:Databases</c>, named <c>polycloud-{kind}-{name}</c> (for example
    /// <c>polycloud-blobs-images</c>) and tagged <c>polycloud</c>, the kind (<c>blobs</c>, <c>queues</c>,
    /// <c>functions</c>, <c>databases</c>), <c>name:{name}</c> and <c>provider:{provider}</c>. Each check makes one
    /// cheap read-only call: a one-key listing of a bucket, a queue's properties, <c>SELECT 1</c> on a database; a
    /// function is invoked only when a probe payload is configured for it. Options are read from
    /// <c>Polycloud:HealthChecks</c>, then from <paramref name="configure"/>. Requires <c>services.AddPolycloud(configuration)</c>.
    /// Calling it again adds no duplicate checks.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="configure">Changes the options (failure status, timeout, function probes), or <see langword="null"/>.</param>
    /// <returns>The health checks builder.</returns>
    public static IHealthChecksBuilder AddPolycloud(this IHealthChecksBuilder builder, Action<PolycloudHealthCheckOptions>? configure = null)
    {
        if (builder is null)
        {
            throw Polycloud.CloudException.InvalidArgument(nameof(builder), "a health checks builder is required.");
        }

        var services = builder.Services;
        if (!services.Any(d => d.ServiceType == typeof(IConfigureOptions<HealthCheckServiceOptions>) && d.ImplementationType == typeof(PolycloudHealthCheckRegistrar)))
        {
            services.AddOptions<PolycloudHealthCheckOptions>()
                .Configure<IServiceProvider>(static (options, sp) => sp.GetService<PolycloudConfigurationRoot>()?.Section?.GetSection("HealthChecks").Bind(options));
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<HealthCheckServiceOptions>, PolycloudHealthCheckRegistrar>());
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }
}
