using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Polycloud.TestSupport.Databases;
using Polycloud.Databases;
using Polycloud.DependencyInjection;
using Polycloud.Google.Databases;

namespace Polycloud.Google.Tests.Databases;

/// <summary>
/// <c>auth=gcp-iam</c> with a real <see cref="GoogleCredential"/> whose token endpoint is an in-test server, end to end
/// against the shared PostgreSQL server.
/// </summary>
public sealed class GcpIamDatabaseAuthTests
{
    private static readonly DatabaseEndpoint Endpoint = new("10.1.2.3", 5432, "orders", "db-user@polycloud-test.iam");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Npgsql")]
    [InlineData("MySqlConnector")]
    [InlineData("Polycloud.Databases")]
    public void ProviderPackage_DoesNotReferenceTheDatabaseDrivers(string assembly)
        => Assert.DoesNotContain(typeof(GcpIamDatabaseAuthProvider).Assembly.GetReferencedAssemblies(), a => a.Name == assembly);

    [Fact]
    public async Task RoleWhosePasswordIsTheToken_Connects_WithCredentialsFile()
    {
        string prefix = "ya29.fake-" + Guid.NewGuid().ToString("N") + "-";
        using var endpoint = new FakeTokenEndpoint(prefix, 3600);
        string role = TestPostgres.NewRoleName("gcpiam");
        await using var dropRole = await TestPostgres.CreateRoleAsync(role, prefix + "1", Ct);

        await using var db = new PolycloudOpener().AddGoogle().OpenDatabase(TestPostgres.Url(role, "auth=gcp-iam"), [new("credentialsFile", endpoint.KeyFile)], "cloudsql");
        await using var connection = await db.OpenConnectionAsync(false, Ct);

        Assert.Equal(role, await TestPostgres.ScalarAsync(connection, "SELECT current_user", Ct));
        Assert.Equal(1, endpoint.Requests);
        Assert.Equal(GcpIamDatabaseAuthProvider.Scope, endpoint.LastScope);
    }

    [Fact]
    public async Task RejectedToken_IsUnauthenticated_AndTheTokenIsNotShown()
    {
        string prefix = "ya29.rejected-" + Guid.NewGuid().ToString("N") + "-";
        using var endpoint = new FakeTokenEndpoint(prefix, 3600);
        string role = TestPostgres.NewRoleName("gcpiam");
        await using var dropRole = await TestPostgres.CreateRoleAsync(role, "not-the-token", Ct);
        var logs = new CollectingLoggerProvider();
        await using var services = new ServiceCollection().AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)).BuildServiceProvider();

        await using var db = new PolycloudOpener(services).AddGoogle().OpenDatabase(TestPostgres.Url(role, "auth=gcp-iam"), [new("credentialsFile", endpoint.KeyFile)], "cloudsql");
        var ex = await Assert.ThrowsAsync<CloudException>(() => db.OpenConnectionAsync(false, Ct));

        Assert.Equal(CloudErrorCode.Unauthenticated, ex.ErrorCode);
        Assert.Equal(1, endpoint.Requests);
        Assert.DoesNotContain(prefix, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(prefix, db.Description, StringComparison.Ordinal);
        Assert.NotEmpty(logs.Messages);
        Assert.DoesNotContain(logs.Messages, m => m.Contains(prefix, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokenEndpointFailure_IsUnauthenticated()
    {
        string keyFile;
        using (var endpoint = new FakeTokenEndpoint("unused", 3600))
        {
            keyFile = Path.Combine(Path.GetTempPath(), $"polycloud-sa-copy-{Guid.NewGuid():N}.json");
            File.Copy(endpoint.KeyFile, keyFile);
        }

        try
        {
            // The endpoint is closed now: the token request fails.
            await using var db = new PolycloudOpener().AddGoogle().OpenDatabase(TestPostgres.Url("nobody", "auth=gcp-iam"), [new("credentialsFile", keyFile)], "cloudsql");
            var ex = await Assert.ThrowsAsync<CloudException>(() => db.OpenConnectionAsync(false, Ct));
            Assert.Equal(CloudErrorCode.Unauthenticated, ex.ErrorCode);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Fact]
    public async Task Token_IsCachedByTheCredential_AndFetchedAgainNearExpiry()
    {
        using var endpoint = new FakeTokenEndpoint("t", 3600);
        var source = new GcpIamDatabaseAuthProvider().Create(CloudUrl.Parse("postgresql://h/db?user=u&auth=gcp-iam&credentialsFile=" + Uri.EscapeDataString(endpoint.KeyFile)), null);
        Assert.Equal(TimeSpan.FromMinutes(5), source.RefreshInterval);

        Assert.Equal("t1", await source.GetPasswordAsync(Endpoint, Ct));
        Assert.Equal("t1", await source.GetPasswordAsync(Endpoint, Ct));
        Assert.Equal(1, endpoint.Requests);

        // A token that expires within the credential's refresh window is replaced on the next ask.
        using var shortLived = new FakeTokenEndpoint("s", 60);
        var shortSource = new GcpIamDatabaseAuthProvider().Create(CloudUrl.Parse("postgresql://h/db?user=u&auth=gcp-iam&credentialsFile=" + Uri.EscapeDataString(shortLived.KeyFile)), null);
        Assert.Equal("s1", await shortSource.GetPasswordAsync(Endpoint, Ct));
        Assert.Equal("s2", await shortSource.GetPasswordAsync(Endpoint, Ct));
    }

    [Fact]
    public async Task CredentialFromServices_IsUsed_AndAddGoogleRegistersTheModeInDependencyInjection()
    {
        string prefix = "ya29.di-" + Guid.NewGuid().ToString("N") + "-";
        using var endpoint = new FakeTokenEndpoint(prefix, 3600);
        string role = TestPostgres.NewRoleName("gcpiam");
        await using var dropRole = await TestPostgres.CreateRoleAsync(role, prefix + "1", Ct);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Polycloud:Databases:orders:Url"] = TestPostgres.Url(role, "auth=gcp-iam"),
        }).Build();
        var services = new ServiceCollection().AddLogging()
            .AddSingleton(CredentialFactory.FromFile<ServiceAccountCredential>(endpoint.KeyFile).ToGoogleCredential());
        services.AddPolycloud(configuration).AddGoogle().AddGoogle().AddDatabases();
        await using var sp = services.BuildServiceProvider();

        Assert.Single(sp.GetServices<IDatabaseAuthProvider>(), p => p.Mode == "gcp-iam");
        var source = sp.GetRequiredKeyedService<System.Data.Common.DbDataSource>("orders");
        await using var connection = await source.OpenConnectionAsync(Ct);
        Assert.Equal(role, await TestPostgres.ScalarAsync(connection, "SELECT current_user", Ct));
        Assert.Equal(GcpIamDatabaseAuthProvider.Scope, endpoint.LastScope);
    }

    [Fact]
    public async Task Mode_DefaultsToVerifiedTls_AndComesOnlyWithAddGoogle()
    {
        Assert.Throws<CloudException>(() => new PolycloudOpener().OpenDatabase("postgresql://10.1.2.3/orders?user=u&auth=gcp-iam"));
        var opener = new PolycloudOpener().AddGoogle();
        Assert.Contains("gcp-iam", opener.DatabaseAuthModes);

        // No credential is looked up when opening (the application default is found on first use).
        await using var db = opener.OpenDatabase("postgresql://10.1.2.3/orders?user=u&auth=gcp-iam");
        Assert.Equal(SslMode.VerifyFull, new NpgsqlConnectionStringBuilder(db.As<NpgsqlDataSource>().ConnectionString).SslMode);
    }

    [Fact]
    public void MissingCredentialsFile_IsAnErrorNamingTheSetting()
    {
        var ex = Assert.Throws<CloudException>(() => new PolycloudOpener().AddGoogle().OpenDatabase("postgresql://10.1.2.3/orders?user=u&auth=gcp-iam", [new("credentialsFile", "/no/such/key.json")]));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("credentialsFile", ex.Message, StringComparison.Ordinal);
    }
}
