using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Polycloud.TestSupport.Databases;

/// <summary>
/// The throwaway PostgreSQL cluster that eng/test.sh starts on 127.0.0.1:5433 (user postgres, password postgres;
/// POLYCLOUD_TEST_PG_HOST / POLYCLOUD_TEST_PG_PORT override), for the database authentication round trips.
/// </summary>
public static class TestPostgres
{
    /// <summary>The server's host.</summary>
    public static string Host { get; } = Environment.GetEnvironmentVariable("POLYCLOUD_TEST_PG_HOST") ?? "127.0.0.1";

    /// <summary>The server's port.</summary>
    public static int Port { get; } = int.Parse(Environment.GetEnvironmentVariable("POLYCLOUD_TEST_PG_PORT") ?? "5433", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A database URL for <paramref name="user"/> with the given extra query, without TLS (the test server has none).</summary>
    /// <param name="user">The user.</param>
    /// <param name="query">Extra settings, as in <c>auth=aws-iam&amp;region=us-east-1</c>.</param>
    /// <returns>The URL.</returns>
    public static string Url(string user, string query) => $"postgresql://{Host}:{Port}/postgres?user={user}&sslmode=disable&{query}";

    /// <summary>A unique, lower-case role name with the given prefix.</summary>
    /// <param name="prefix">The prefix.</param>
    /// <returns>The name.</returns>
    public static string NewRoleName(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Creates a login role with the password <paramref name="password"/>; disposing the result drops it.</summary>
    /// <param name="role">The role name (letters, digits and underscores).</param>
    /// <param name="password">The password (any text).</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>Drops the role when disposed.</returns>
    public static async Task<IAsyncDisposable> CreateRoleAsync(string role, string password, CancellationToken cancellationToken)
    {
        await ExecuteAsAdminAsync($"CREATE ROLE {role} LOGIN PASSWORD '{password.Replace("'", "''", StringComparison.Ordinal)}'", cancellationToken).ConfigureAwait(false);
        return new DropRole(role);
    }

    /// <summary>Runs one statement as the <c>postgres</c> superuser.</summary>
    /// <param name="sql">The statement.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task.</returns>
    public static async Task ExecuteAsAdminAsync(string sql, CancellationToken cancellationToken)
    {
        var csb = new NpgsqlConnectionStringBuilder { Host = Host, Port = Port, Database = "postgres", Username = "postgres", Password = "postgres", SslMode = SslMode.Disable, Pooling = false };
        await using var connection = new NpgsqlConnection(csb.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a query and returns the first value.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="sql">The query.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The value.</returns>
    public static async Task<object?> ScalarAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed class DropRole(string role) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // Drop the pooled sessions first, or DROP ROLE fails while they are connected.
            await ExecuteAsAdminAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'", CancellationToken.None).ConfigureAwait(false);
            await ExecuteAsAdminAsync($"DROP ROLE IF EXISTS {role}", CancellationToken.None).ConfigureAwait(false);
        }
    }
}

/// <summary>Collects every log message (with its exception) at every level, to check that no secret is logged.</summary>
public sealed class CollectingLoggerProvider : ILoggerProvider
{
    /// <summary>The messages logged so far.</summary>
    public ConcurrentQueue<string> Messages { get; } = new();

    /// <inheritdoc/>
    public ILogger CreateLogger(string categoryName) => new Logger(Messages);

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => messages.Enqueue(formatter(state, exception) + " " + exception);
    }
}
