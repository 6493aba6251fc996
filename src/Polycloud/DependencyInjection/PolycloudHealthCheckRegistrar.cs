using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Polycloud.DependencyInjection;

/// <summary>
/// Adds one health check registration per configured resource when the health check service reads its options, so
/// that the checks follow the configuration the application runs with (names are known only then).
/// </summary>
internal sealed class PolycloudHealthCheckRegistrar(IServiceProvider services, IEnumerable<PolycloudHealthCheckSource> sources, IOptions<PolycloudHealthCheckOptions> options)
    : IConfigureOptions<HealthCheckServiceOptions>
{
    /// <summary>Registers the sources for the kinds the core package has (from <c>AddPolycloud</c>).</summary>
    public static void AddCoreSources(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<PolycloudHealthCheckSource, BlobHealthCheckSource>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<PolycloudHealthCheckSource, QueueHealthCheckSource>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<PolycloudHealthCheckSource, FunctionHealthCheckSource>());
    }

    public void Configure(HealthCheckServiceOptions target)
    {
        if (services.GetService<PolycloudConfigurationRoot>() is null)
        {
            throw new InvalidOperationException("The Polycloud health checks need Polycloud registered: call services.AddPolycloud(configuration) or builder.AddPolycloud().");
        }

        var settings = options.Value.Snapshot();
        var seenKinds = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var source in sources)
        {
            if (!seenKinds.Add(source.Kind))
            {
                continue;
            }

            foreach (string name in source.GetNames(services))
            {
                string checkName = $"polycloud-{source.Kind}-{name}";
                if (target.Registrations.Any(r => string.Equals(r.Name, checkName, StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                string provider;
                try
                {
                    provider = source.GetProvider(services, name);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // The resource cannot be opened; its check reports why, every time it runs.
                    provider = "unknown";
                }

                var check = source;
                string resource = name;
                target.Registrations.Add(new HealthCheckRegistration(
                    checkName,
                    sp => check.CreateHealthCheck(sp, resource, settings),
                    settings.FailureStatus,
                    ["polycloud", source.Kind, "name:" + name, "provider:" + provider],
                    settings.Timeout));
            }
        }
    }
}
