using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polycloud.DependencyInjection;

namespace Polycloud.Databases;

/// <summary>The health check source for <c>Polycloud:Databases</c>: one <see cref="DatabaseHealthCheck"/> per configured
/// database, tagged with its engine as the provider.</summary>
internal sealed class DatabaseHealthCheckSource : PolycloudHealthCheckSource
{
    public override string Kind => "databases";

    public override IReadOnlyCollection<string> GetNames(IServiceProvider services) => services.GetRequiredService<ICloudDatabaseFactory>().Names;

    public override string GetProvider(IServiceProvider services, string name)
        => services.GetRequiredService<ICloudDatabaseFactory>().GetDatabase(name).Engine switch
        {
            DatabaseEngine.PostgreSql => "postgresql",
            DatabaseEngine.MySql => "mysql",
            DatabaseEngine.Sqlite => "sqlite",
            var other => other.ToString(),
        };

    public override IHealthCheck CreateHealthCheck(IServiceProvider services, string name, PolycloudHealthCheckOptions options)
        => new DatabaseHealthCheck(() => services.GetRequiredService<ICloudDatabaseFactory>().GetDatabase(name));
}
