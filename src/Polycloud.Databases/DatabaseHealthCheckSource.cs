using Polycloud.DependencyInjection;

namespace Polycloud.Databases;

/// <summary>The health check source for <c>Polycloud:Databases</c>: one <see cref="DatabaseHealthCheck"/> per configured
/// database, tagged with its engine as the provider.</summary>
internal sealed class DatabaseHealthCheckSource() : NamedResourceHealthCheckSource<ICloudDatabaseFactory, CloudDatabase>(
    "databases", static f => f.Names, static (f, n) => f.GetDatabase(n), ProviderOf, static (open, _, _) => new DatabaseHealthCheck(open))
{
    /// <summary>The engine as a provider name: <c>postgresql</c>, <c>mysql</c>, <c>sqlite</c>.</summary>
    public static string ProviderOf(CloudDatabase database) => database.Engine switch
    {
        DatabaseEngine.PostgreSql => "postgresql",
        DatabaseEngine.MySql => "mysql",
        DatabaseEngine.Sqlite => "sqlite",
        var other => other.ToString(),
    };
}
