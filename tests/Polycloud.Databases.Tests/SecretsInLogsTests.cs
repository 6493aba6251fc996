using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polycloud.TestSupport.Databases;
using Polycloud.TestSupport.Logging;
using Polycloud.Databases;
using Xunit;

namespace Polycloud.Databases.Tests;

/// <summary>
/// Runs PostgreSQL connections and commands with every log at Trace (Polycloud's and Npgsql's), succeeding and failing
/// (wrong password, a password in the URL, settings errors next to a password, a failing command), and looks for the
/// passwords in everything logged and in every error.
/// </summary>
public sealed class SecretsInLogsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_password_appears_in_logs_or_errors()
    {
        string role = TestPostgres.NewRoleName("pc_secrets");
        string password = "Pc-Db-Secret;" + Guid.NewGuid().ToString("N")[..12] + "'x";
        const string WrongPassword = "Wrong-Db-Secret-5c1d";
        using var scanner = new SecretScanner().Add(password).Add(WrongPassword).ListenToSpans();
        var logs = new CapturingLoggerFactory();
        var services = new ServiceCollection().AddSingleton<ILoggerFactory>(logs).AddLogging(b => b.SetMinimumLevel(LogLevel.Trace)).BuildServiceProvider();
        var opener = new PolycloudOpener(services);
        string url = TestPostgres.Url(role, "applicationName=secrets");
        await using (await TestPostgres.CreateRoleAsync(role, password, Ct))
        {
            await using (var db = opener.OpenDatabase(url, [new("Password", password)], "secrets"))
            {
                await using var connection = await db.OpenConnectionAsync(false, Ct);
                Assert.Equal(role, await TestPostgres.ScalarAsync(connection, "SELECT current_user", Ct));
                try
                {
                    await TestPostgres.ScalarAsync(connection, "SELECT * FROM no_such_table", Ct);
                }
                catch (Exception ex)
                {
                    scanner.ScanException(ex);
                }
            }

            await using (var wrong = opener.OpenDatabase(url, [new("Password", WrongPassword)], "wrong"))
            {
                scanner.ScanException(await Assert.ThrowsAsync<CloudException>(() => wrong.OpenConnectionAsync(false, Ct)));
            }

            foreach (var (badUrl, settings) in new (string, KeyValuePair<string, string>[])[]
            {
                ($"postgresql://{role}:{Uri.EscapeDataString(password)}@{TestPostgres.Host}:{TestPostgres.Port}/postgres?sslmode=disable", []),
                (url + "&typo=1", [new("Password", password)]),
                (url + "&password=" + Uri.EscapeDataString(password), []),
                (url + "&maxPoolSize=-1", [new("Password", password)]),
                (url.Replace("postgresql://", "postgresql+x://", StringComparison.Ordinal), [new("Password", password)]),
            })
            {
                scanner.ScanException(Assert.ThrowsAny<CloudException>(() => opener.OpenDatabase(badUrl, settings, "bad")));
            }
        }

        scanner.ScanLogs(logs.Logs);
        Assert.NotEmpty(logs.Logs); // the Trace logs were captured
        scanner.AssertNoLeaks();
    }
}
