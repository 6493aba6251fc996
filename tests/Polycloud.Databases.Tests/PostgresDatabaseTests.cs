using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Polycloud.Databases;
using Xunit;

namespace Polycloud.Databases.Tests;

/// <summary>
/// Against the throwaway PostgreSQL cluster that eng/test.sh starts on 127.0.0.1:5433 (user postgres, password
/// postgres; POLYCLOUD_TEST_PG_HOST / POLYCLOUD_TEST_PG_PORT override).
/// </summary>
public sealed class PostgresDatabaseTests
{
    private static readonly string Host = Environment.GetEnvironmentVariable("POLYCLOUD_TEST_PG_HOST") ?? "127.0.0.1";
    private static readonly string Port = Environment.GetEnvironmentVariable("POLYCLOUD_TEST_PG_PORT") ?? "5433";
    private static readonly string Url = $"postgresql://{Host}:{Port}/postgres?user=postgres&sslmode=disable";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static CloudDatabase OpenAdmin() => new PolycloudOpener().OpenDatabase(Url, [new("Password", "postgres")], "admin");

    [Fact]
    public async Task ConnectQueryAndTransactions_Work()
    {
        await using var db = OpenAdmin();
        Assert.Equal(DatabaseEngine.PostgreSql, db.Engine);
        Assert.IsType<Npgsql.NpgsqlDataSource>(db.DataSource, exactMatch: false);
        string table = "t_" + Guid.NewGuid().ToString("N");
        await using var conn = await db.OpenConnectionAsync(false, Ct);
        await Exec(conn, $"CREATE TABLE {table} (id int primary key, name text)");
        try
        {
            await using (var tx = await conn.BeginTransactionAsync(Ct))
            {
                await Exec(conn, $"INSERT INTO {table} VALUES (1, 'kept')", tx);
                await tx.CommitAsync(Ct);
            }

            await using (var tx = await conn.BeginTransactionAsync(Ct))
            {
                await Exec(conn, $"INSERT INTO {table} VALUES (2, 'rolled back')", tx);
                await tx.RollbackAsync(Ct);
            }

            Assert.Equal(1L, await Scalar(conn, $"SELECT count(*) FROM {table}"));
            Assert.Equal("kept", await Scalar(conn, $"SELECT name FROM {table} WHERE id = 1"));
        }
        finally
        {
            await Exec(conn, $"DROP TABLE {table}");
        }
    }

    [Fact]
    public async Task Pool_ReusesThePhysicalConnection()
    {
        await using var db = OpenAdmin();
        object? first, second;
        await using (var c = await db.DataSource.OpenConnectionAsync(Ct))
        {
            first = await Scalar(c, "SELECT pg_backend_pid()");
        }

        await using (var c = await db.DataSource.OpenConnectionAsync(Ct))
        {
            second = await Scalar(c, "SELECT pg_backend_pid()");
        }

        Assert.Equal(first, second);
    }

    [Fact]
    public async Task PasswordRotation_WhileThePoolIsInUse_KeepsOldAndNewConnectionsWorking()
    {
        string role = "rot_" + Guid.NewGuid().ToString("N")[..12];
        await using var admin = OpenAdmin();
        await using (var c = await admin.OpenConnectionAsync(false, Ct))
        {
            await Exec(c, $"CREATE ROLE {role} LOGIN PASSWORD 'first-secret'");
        }

        try
        {
            var source = new RotatingPasswordSource("first-secret");
            var opener = new PolycloudOpener().AddDatabaseAuth(new TestAuthProvider(source));
            await using var db = opener.OpenDatabase($"postgresql://{Host}:{Port}/postgres?user={role}&auth=test-rotating&sslmode=disable", name: "rotating");

            await using var held = await db.OpenConnectionAsync(false, Ct);
            Assert.Equal(role, await Scalar(held, "SELECT current_user"));

            await using (var c = await admin.OpenConnectionAsync(false, Ct))
            {
                await Exec(c, $"ALTER ROLE {role} PASSWORD 'second-secret'");
            }

            source.Current = "second-secret";

            // The provider is asked again on its refresh interval (1 s) and hands out the new password; the limit only
            // turns a hang into a failure.
            while (await source.NextCallAsync().WaitAsync(TimeSpan.FromMinutes(1), Ct) != "second-secret")
            {
            }
            await using var fresh = await db.OpenConnectionAsync(false, Ct); // a new physical connection: `held` is busy
            Assert.NotEqual(await Scalar(held, "SELECT pg_backend_pid()"), await Scalar(fresh, "SELECT pg_backend_pid()"));
            Assert.Equal(role, await Scalar(fresh, "SELECT current_user"));
            Assert.Equal(1, await Scalar(held, "SELECT 1"));
        }
        finally
        {
            await using var c = await admin.OpenConnectionAsync(false, Ct);
            await Exec(c, $"DROP ROLE IF EXISTS {role}");
        }
    }

    [Fact]
    public async Task WrongPassword_IsUnauthenticated_AndTheMessageHasNoPassword()
    {
        var logs = new ConcurrentQueue<string>();
        var services = new ServiceCollection().AddLogging(b => b.AddProvider(new ListLoggerProvider(logs)).SetMinimumLevel(LogLevel.Trace)).BuildServiceProvider();
        await using var db = new PolycloudOpener(services).OpenDatabase(Url, [new("Password", "not-the-password-xyz")], "wrong");
        var ex = await Assert.ThrowsAsync<CloudException>(() => db.OpenConnectionAsync(false, Ct));
        Assert.Equal(CloudErrorCode.Unauthenticated, ex.ErrorCode);
        Assert.Contains("wrong", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-xyz", ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(logs, l => l.Contains("not-the-password-xyz", StringComparison.Ordinal));
        Assert.IsType<Npgsql.PostgresException>(ex.InnerException);
    }

    [Fact]
    public async Task DependencyInjection_GivesKeyedDataSourcesAndHealthChecks()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Polycloud:Databases:orders:Url"] = Url + "&reader=" + Host + ":" + Port,
            ["Polycloud:Databases:orders:Password"] = "postgres",
            ["Polycloud:Databases:broken:Url"] = Url,
            ["Polycloud:Databases:broken:Password"] = "wrong",
            ["Polycloud:Databases:local:Url"] = "sqlite://memory/di-health",
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddPolycloud(configuration).AddDatabaseHealthChecks();
        await using var sp = services.BuildServiceProvider();

        var source = sp.GetRequiredKeyedService<DbDataSource>("orders");
        await using (var c = await source.OpenConnectionAsync(Ct))
        {
            Assert.Equal(1, await Scalar(c, "SELECT 1"));
        }

        var orders = sp.GetRequiredKeyedService<CloudDatabase>("orders");
        Assert.Same(source, orders.DataSource);
        Assert.NotNull(orders.ReaderDataSource);
        await using (var c = await orders.OpenConnectionAsync(readOnly: true, Ct))
        {
            Assert.Equal(1, await Scalar(c, "SELECT 1"));
        }

        Assert.DoesNotContain("postgres&", orders.Description, StringComparison.Ordinal);
        var report = await sp.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        Assert.Equal(HealthStatus.Healthy, report.Entries["polycloud-database-orders"].Status);
        Assert.Equal(HealthStatus.Healthy, report.Entries["polycloud-database-local"].Status);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["polycloud-database-broken"].Status);
        Assert.Equal("Unauthenticated", report.Entries["polycloud-database-broken"].Data["errorCode"]);
    }

    private static async Task Exec(DbConnection connection, string sql, DbTransaction? tx = null)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        await cmd.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<object?> Scalar(DbConnection connection, string sql)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return await cmd.ExecuteScalarAsync(Ct);
    }

    private sealed class RotatingPasswordSource(string initial) : IDatabasePasswordSource
    {
        private int _calls;

        public volatile string Current = initial;

        public int Calls => Volatile.Read(ref _calls);

        private TaskCompletionSource<string> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TimeSpan? RefreshInterval => TimeSpan.FromSeconds(1);

        /// <summary>Completes at the next call, with the password it handed out.</summary>
        public Task<string> NextCallAsync() => Volatile.Read(ref _next).Task;

        public ValueTask<string> GetPasswordAsync(DatabaseEndpoint endpoint, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            var value = Current;
            Interlocked.Exchange(ref _next, new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(value);
            return ValueTask.FromResult(value);
        }
    }

    private sealed class TestAuthProvider(IDatabasePasswordSource source) : IDatabaseAuthProvider
    {
        public string Mode => "test-rotating";

        public bool RequiresVerifiedTls => false;

        public IDatabasePasswordSource Create(CloudUrl url, IServiceProvider? services) => source;
    }

    private sealed class ListLoggerProvider(ConcurrentQueue<string> messages) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(messages);

        public void Dispose()
        {
        }

        private sealed class ListLogger(ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => messages.Enqueue(formatter(state, exception) + " " + exception);
        }
    }
}
