using System.Data.Common;
using Polycloud.Databases;
using Xunit;

namespace Polycloud.Databases.Tests;

public sealed class DatabaseUrlTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("postgresql://db.example.com:5432/orders?user=app&password=hunter2", "carries a password")]
    [InlineData("postgresql://app:hunter2@db.example.com/orders", "credentials before the host")]
    [InlineData("postgresql://db.example.com/orders?user=app&auth=kerberos", "'kerberos' is not a known database authentication mode")]
    [InlineData("postgresql://db.example.com/orders?auth=none", "'user'")]
    [InlineData("postgresql://db.example.com?user=app&auth=none", "must name one database")]
    [InlineData("postgresql://db.example.com:99999/orders?user=app&auth=none", "port")]
    [InlineData("postgresql://db.example.com/orders?user=app", "'password'")]
    [InlineData("postgresql://db.example.com/orders?user=app&auth=none&sslmode=sometimes", "sslmode")]
    [InlineData("postgresql://db.example.com/orders?user=app&auth=none&poolsize=3", "poolsize")]
    [InlineData("oracle://db.example.com/orders", "not a database scheme")]
    [InlineData("sqlite://relative.db", "three slashes")]
    [InlineData("sqlite:///tmp/x.db?auth=aws-iam", "no authentication")]
    public void BadUrls_FailWithTheSettingNamed(string url, string expected)
    {
        var ex = Assert.Throws<CloudException>(() => new PolycloudOpener().OpenDatabase(url));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloudHosts_DefaultToVerifiedTls()
    {
        await using var db = new PolycloudOpener().OpenDatabase("postgresql://orders.abc123.eu-west-1.rds.amazonaws.com/orders?user=app", [new("Password", "x")]);
        Assert.Contains("SSL Mode=VerifyFull", db.DataSource.ConnectionString, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Password", db.DataSource.ConnectionString, StringComparison.OrdinalIgnoreCase);
        await using var local = new PolycloudOpener().OpenDatabase("mysql://127.0.0.1/shop?user=app", [new("Password", "x")]);
        Assert.Equal(DatabaseEngine.MySql, local.Engine);
        Assert.IsType<MySqlConnector.MySqlDataSource>(local.DataSource, exactMatch: false);
    }

    [Fact]
    public async Task ConnectionSettings_ReachBothClients_UnderTheirOwnKeywords()
    {
        string ca = Path.GetTempFileName();
        try
        {
            const string Settings = "user=app&auth=none&sslmode=verify-ca&connectTimeout=7&commandTimeout=9&maxPoolSize=12&minPoolSize=2&applicationName=shop";
            await using var pg = new PolycloudOpener().OpenDatabase($"postgresql://127.0.0.1:6543/orders?{Settings}&sslrootcert={Uri.EscapeDataString(ca)}");
            var npgsql = new Npgsql.NpgsqlConnectionStringBuilder(pg.DataSource.ConnectionString);
            Assert.Equal(("127.0.0.1", 6543, "orders", "app"), (npgsql.Host, npgsql.Port, npgsql.Database, npgsql.Username));
            Assert.Equal((Npgsql.SslMode.VerifyCA, ca, 7, 9, 12, 2, "shop"), (npgsql.SslMode, npgsql.RootCertificate, npgsql.Timeout, npgsql.CommandTimeout, npgsql.MaxPoolSize, npgsql.MinPoolSize, npgsql.ApplicationName));

            await using var my = new PolycloudOpener().OpenDatabase($"mysql://127.0.0.1:3307/shop?{Settings}&sslrootcert={Uri.EscapeDataString(ca)}");
            var mysql = new MySqlConnector.MySqlConnectionStringBuilder(my.DataSource.ConnectionString);
            Assert.Equal(("127.0.0.1", 3307u, "shop", "app"), (mysql.Server, mysql.Port, mysql.Database, mysql.UserID));
            Assert.Equal((MySqlConnector.MySqlSslMode.VerifyCA, ca, 7u, 9u, 12u, 2u, "shop"), (mysql.SslMode, mysql.SslCa, mysql.ConnectionTimeout, mysql.DefaultCommandTimeout, mysql.MaximumPoolSize, mysql.MinimumPoolSize, mysql.ApplicationName));
        }
        finally
        {
            File.Delete(ca);
        }
    }

    [Fact]
    public async Task Sqlite_IsTheEmbeddedDefault_AndSurvivesReopening()
    {
        string dir = Path.Combine(Path.GetTempPath(), "polycloud-sqlite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string url = $"sqlite://{dir}/app.db";
            await using (var db = new PolycloudOpener().OpenDatabase(url))
            {
                Assert.Equal(DatabaseEngine.Sqlite, db.Engine);
                await using var c = await db.OpenConnectionAsync(false, Ct);
                await Exec(c, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
                await Exec(c, "INSERT INTO notes (body) VALUES ('persisted')");
            }

            await using (var db = new PolycloudOpener().OpenDatabase(url))
            {
                await using var c = await db.OpenConnectionAsync(false, Ct);
                await using var cmd = c.CreateCommand();
                cmd.CommandText = "SELECT body FROM notes";
                Assert.Equal("persisted", await cmd.ExecuteScalarAsync(Ct));
            }

            await using (var ro = new PolycloudOpener().OpenDatabase(url + "?mode=ro"))
            {
                await using var c = await ro.OpenConnectionAsync(false, Ct);
                var ex = await Assert.ThrowsAnyAsync<DbException>(() => Exec(c, "INSERT INTO notes (body) VALUES ('no')"));
                Assert.Contains("readonly", ex.Message, StringComparison.OrdinalIgnoreCase);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task Sqlite_MissingFileInReadWriteMode_IsNotFound()
    {
        await using var db = new PolycloudOpener().OpenDatabase($"sqlite://{Path.GetTempPath().TrimEnd('/')}/missing-{Guid.NewGuid():N}.db?mode=rw");
        var ex = await Assert.ThrowsAsync<CloudException>(() => db.OpenConnectionAsync(false, Ct));
        Assert.Equal(CloudErrorCode.NotFound, ex.ErrorCode);
    }

    private static async Task Exec(DbConnection c, string sql)
    {
        await using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(Ct);
    }
}
