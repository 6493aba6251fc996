using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polycloud.Databases;

namespace Polycloud.DependencyInjection;

/// <summary>Health checks for the configured databases.</summary>
public static class PolycloudBuilderDatabaseExtensions
{
    /// <summary>
    /// Adds one health check per database configured under <c>Polycloud:Databases</c>, named
    /// <c>polycloud-database-{name}</c>, tagged <c>polycloud</c> and <c>database</c>; each opens a connection and runs
    /// <c>SELECT 1</c>.
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

        var checks = builder.Services.AddHealthChecks();
        foreach (string name in ResourceConfiguration.Names(builder.Configuration?.GetSection("Databases")))
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
