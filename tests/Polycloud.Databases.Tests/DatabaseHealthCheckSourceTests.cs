using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit;

namespace Polycloud.Databases.Tests;

/// <summary>With <c>.AddDatabases()</c>, the Polycloud health checks cover every configured database too.</summary>
public sealed class DatabaseHealthCheckSourceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryDatabase_GetsACheck_HealthyWhenItAnswers_UnhealthyWhenItCannotOpen()
    {
        string dir = Path.Combine(Path.GetTempPath(), "polycloud-dbhealth-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Polycloud:Databases:main"] = $"sqlite://{dir}/main.db",
                ["Polycloud:Databases:readonly"] = $"sqlite://{dir}/missing.db?mode=rw",
            }).Build();
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddPolycloud(configuration).AddDatabases();
            services.AddHealthChecks().AddPolycloud();
            await using var provider = services.BuildServiceProvider();

            var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
            Assert.Equal(["polycloud-databases-main", "polycloud-databases-readonly"], report.Entries.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(HealthStatus.Healthy, report.Entries["polycloud-databases-main"].Status);
            Assert.Equal(HealthStatus.Unhealthy, report.Entries["polycloud-databases-readonly"].Status);
            var registration = Assert.Single(provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations, r => r.Name == "polycloud-databases-main");
            Assert.Contains("provider:sqlite", registration.Tags);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }
}
