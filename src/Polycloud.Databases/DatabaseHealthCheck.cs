using Microsoft.Extensions.Diagnostics.HealthChecks;

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
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        CloudDatabase database;
        try
        {
            database = _database();
        }
        catch (CloudException e)
        {
            return new HealthCheckResult(context?.Registration.FailureStatus ?? HealthStatus.Unhealthy, e.Message, e);
        }

        try
        {
            await using var connection = await database.OpenConnectionAsync(false, cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy(database.Description);
        }
        catch (CloudException e)
        {
            return new HealthCheckResult(context?.Registration.FailureStatus ?? HealthStatus.Unhealthy, $"{database.Name}: {e.ErrorCode}", e, new Dictionary<string, object> { ["errorCode"] = e.ErrorCode.ToString() });
        }
    }
}
