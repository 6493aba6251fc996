using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Polycloud.Databases;
using Polycloud.DependencyInjection;

namespace Polycloud;

/// <summary>Registers the databases configured under <c>Polycloud:Databases</c>, and their health checks.</summary>
public static class PolycloudBuilderDatabaseExtensions
{
    /// <summary>
    /// Registers the databases named under <c>Polycloud:Databases:{name}</c>: <see cref="ICloudDatabaseFactory"/>, and
    /// for each name a keyed <see cref="CloudDatabase"/> and a keyed <see cref="DbDataSource"/> (the primary), so that
    /// <c>[FromKeyedServices("orders")] DbDataSource db</c> works. Databases open on first use and are disposed with the
    /// container. The cloud authentication modes come from the provider registrations (<c>.AddAws()</c> for
    /// <c>aws-iam</c>, <c>.AddAzure()</c> for <c>azure-entra</c>, <c>.AddGoogle()</c> for <c>gcp-iam</c>), in any order.
    /// Calling it more than once registers once.
    /// </summary>
    /// <param name="builder">The builder from <c>services.AddPolycloud(configuration)</c>.</param>
    /// <returns>The builder.</returns>
    public static PolycloudBuilder AddDatabases(this PolycloudBuilder builder)
    {
        if (builder is null)
        {
            throw CloudException.InvalidArgument(nameof(builder), "a Polycloud builder is required; call services.AddPolycloud(configuration).AddDatabases().");
        }

        var services = builder.Services;
        var polycloud = builder.Configuration;
        services.TryAddSingleton(sp => new CloudDatabaseFactory(sp.GetRequiredService<PolycloudOpener>(), polycloud, sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<ICloudDatabaseFactory>(static sp => sp.GetRequiredService<CloudDatabaseFactory>());
        builder.AddNamedResources(static (sp, name) => sp.GetRequiredService<ICloudDatabaseFactory>().GetDatabase(name));
        builder.AddNamedResources<DbDataSource>(static (sp, name) => sp.GetRequiredService<ICloudDatabaseFactory>().GetDatabase(name).DataSource);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<PolycloudHealthCheckSource, DatabaseHealthCheckSource>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPolycloudConfigurationCheck, DatabaseConfigurationCheck>());
        return builder;
    }

    /// <summary>
    /// Adds one health check per database configured under <c>Polycloud:Databases</c>, named
    /// <c>polycloud-database-{name}</c>, tagged <c>polycloud</c> and <c>database</c>; each opens a connection and runs
    /// <c>SELECT 1</c>. Registers the databases too (<see cref="AddDatabases"/>) when that has not been done.
    /// </summary>
    /// <param name="builder">The Polycloud builder.</param>
    /// <param name="failureStatus">The status to report on failure. Default: Unhealthy.</param>
    /// <returns>The builder.</returns>
    public static PolycloudBuilder AddDatabaseHealthChecks(this PolycloudBuilder builder, HealthStatus failureStatus = HealthStatus.Unhealthy)
    {
        if (builder is null)
        {
            throw CloudException.InvalidArgument(nameof(builder), "a Polycloud builder is required.");
        }

        builder.AddDatabases();
        var checks = builder.Services.AddHealthChecks();
        foreach (string name in builder.Configuration?.GetSection("Databases").GetChildren().Select(c => c.Key) ?? [])
        {
            checks.Add(new HealthCheckRegistration(
                "polycloud-database-" + name,
                sp => new DatabaseHealthCheck(() => sp.GetRequiredService<ICloudDatabaseFactory>().GetDatabase(name)),
                failureStatus,
                ["polycloud", "database"]));
        }

        return builder;
    }
}

/// <summary>Checks <c>Polycloud:Databases</c> at start-up: every database opens (no connection is made).</summary>
internal sealed class DatabaseConfigurationCheck(PolycloudOpener opener) : IPolycloudConfigurationCheck
{
    private readonly PolycloudResourceCheck _check = new("Databases", (url, settings, name) => opener.OpenDatabase(url, settings, name));

    public IReadOnlyCollection<string> Keys => _check.Keys;

    public void Check(Microsoft.Extensions.Configuration.IConfigurationSection section, ICollection<string> failures) => _check.Check(section, failures);
}
