using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polycloud.DependencyInjection;

namespace Polycloud.Databases;

/// <summary>Checks that a database accepts a connection and answers <c>SELECT 1</c>.</summary>
public sealed class DatabaseHealthCheck : IHealthCheck
{
    private readonly Func<CloudDatabase> _database;

    /// <summary>Creates the check.</summary>
    /// <param name="database">Gets the database to check (resolved lazily, at the first check).</param>
    public DatabaseHealthCheck(Func<CloudDatabase> database)
    {
        _database = database ?? throw CloudException.InvalidArgument(nameof(database), "a database accessor is required.");
    }

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => HealthResults.RunAsync(context, _database, static d => (DatabaseHealthCheckSource.ProviderOf(d), d.Name), "database", async (database, data) =>
        {
            await using var connection = await database.OpenConnectionAsync(false, cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy(database.Description, data);
        });
}
