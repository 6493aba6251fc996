using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Polycloud.Azure.Databases;
using Polycloud.TestSupport.Databases;
using Polycloud.Databases;
using Polycloud.DependencyInjection;
using Xunit;

namespace Polycloud.Azure.Tests.Databases;

/// <summary><c>auth=azure-entra</c> with a fake <see cref="TokenCredential"/>, end to end against the shared PostgreSQL server.</summary>
public sealed class AzureEntraDatabaseAuthTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly DatabaseEndpoint Endpoint = new("db.postgres.database.azure.com", 5432, "orders", "app");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Npgsql")]
    [InlineData("MySqlConnector")]
    [InlineData("Polycloud.Databases")]
    public void ProviderPackage_DoesNotReferenceTheDatabaseDrivers(string assembly)
        => Assert.DoesNotContain(typeof(AzureEntraDatabaseAuthProvider).Assembly.GetReferencedAssemblies(), a => a.Name == assembly);

    [Fact]
    public async Task RoleWhosePasswordIsTheToken_Connects_ThroughTheRegisteredCredential()
    {
        string role = TestPostgres.NewRoleName("entra");
        string token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fake-entra-" + Guid.NewGuid().ToString("N");
        await using var dropRole = await TestPostgres.CreateRoleAsync(role, token, Ct);
        var credential = new FakeTokenCredential(token, TimeSpan.FromHours(1));
        await using var services = new ServiceCollection().AddSingleton<TokenCredential>(credential).BuildServiceProvider();
        var opener = new PolycloudOpener(services).AddAzure();

        await using var db = opener.OpenDatabase(TestPostgres.Url(role, "auth=azure-entra"), name: "entra");
        await using var connection = await db.OpenConnectionAsync(false, Ct);

        Assert.Equal(role, await TestPostgres.ScalarAsync(connection, "SELECT current_user", Ct));
        Assert.Equal(1, credential.Calls);
        Assert.Equal([AzureEntraDatabaseAuthProvider.Scope], credential.LastScopes!);
    }

    [Fact]
    public async Task RejectedToken_IsUnauthenticated_AndTheTokenIsNotShown()
    {
        string role = TestPostgres.NewRoleName("entra");
        string token = "entra-token-that-is-not-the-password-" + Guid.NewGuid().ToString("N");
        await using var dropRole = await TestPostgres.CreateRoleAsync(role, "something-else", Ct);
        var logs = new CollectingLoggerProvider();
        await using var services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace))
            .AddSingleton<TokenCredential>(new FakeTokenCredential(token, TimeSpan.FromHours(1)))
            .BuildServiceProvider();

        await using var db = new PolycloudOpener(services).AddAzure().OpenDatabase(TestPostgres.Url(role, "auth=azure-entra"), name: "entra");
        var ex = await Assert.ThrowsAsync<CloudException>(() => db.OpenConnectionAsync(false, Ct));

        Assert.Equal(CloudErrorCode.Unauthenticated, ex.ErrorCode);
        Assert.DoesNotContain(token, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(token, db.Description, StringComparison.Ordinal);
        Assert.NotEmpty(logs.Messages);
        Assert.DoesNotContain(logs.Messages, m => m.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CredentialFailure_IsUnauthenticated_WithTheCredentialsError()
    {
        var credential = new FakeTokenCredential("unused", TimeSpan.FromHours(1)) { Failure = new CredentialUnavailableException("no managed identity endpoint") };
        await using var services = new ServiceCollection().AddSingleton<TokenCredential>(credential).BuildServiceProvider();
        await using var db = new PolycloudOpener(services).AddAzure().OpenDatabase(TestPostgres.Url("nobody", "auth=azure-entra"), name: "entra");

        var ex = await Assert.ThrowsAsync<CloudException>(() => db.OpenConnectionAsync(false, Ct));

        Assert.Equal(CloudErrorCode.Unauthenticated, ex.ErrorCode);
        Assert.Contains("no managed identity endpoint", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Token_IsRenewedAfterFiveMinutes_WhenItLivesLong()
    {
        var time = new FakeTimeProvider(Now);
        var credential = new FakeTokenCredential("t", TimeSpan.FromHours(1), time);
        var source = Create(credential, time);

        Assert.Equal("t1", await source.GetPasswordAsync(Endpoint, Ct));
        time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal("t1", await source.GetPasswordAsync(Endpoint, Ct));
        Assert.Equal(1, credential.Calls);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("t2", await source.GetPasswordAsync(Endpoint, Ct));
        Assert.Equal(2, credential.Calls);
    }

    [Fact]
    public async Task Token_IsRenewedFiveMinutesBeforeItExpires_WhenThatComesFirst()
    {
        var time = new FakeTimeProvider(Now);
        var credential = new FakeTokenCredential("t", TimeSpan.FromMinutes(8), time);
        var source = Create(credential, time);

        Assert.Equal("t1", await source.GetPasswordAsync(Endpoint, Ct));
        time.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(59));
        Assert.Equal("t1", await source.GetPasswordAsync(Endpoint, Ct));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("t2", await source.GetPasswordAsync(Endpoint, Ct));
        Assert.Equal(2, credential.Calls);
    }

    [Fact]
    public async Task ShortLivedToken_IsFetchedOnEveryAsk()
    {
        var time = new FakeTimeProvider(Now);
        var credential = new FakeTokenCredential("t", TimeSpan.FromMinutes(3), time);
        var source = Create(credential, time);

        Assert.Equal("t1", await source.GetPasswordAsync(Endpoint, Ct));
        Assert.Equal("t2", await source.GetPasswordAsync(Endpoint, Ct));
        Assert.True(source.RefreshInterval <= TimeSpan.FromMinutes(1), "the driver must ask often enough to renew at expiry - 5 min");
    }

    [Fact]
    public async Task Mode_DefaultsToVerifiedTls_AndComesOnlyWithAddAzure()
    {
        Assert.Throws<CloudException>(() => new PolycloudOpener().OpenDatabase("postgresql://10.0.0.5/orders?user=app&auth=azure-entra"));
        await using var services = new ServiceCollection().AddSingleton<TokenCredential>(new FakeTokenCredential("t", TimeSpan.FromHours(1))).BuildServiceProvider();
        var opener = new PolycloudOpener(services).AddAzure();
        Assert.Contains("azure-entra", opener.DatabaseAuthModes);

        await using var db = opener.OpenDatabase("postgresql://10.0.0.5/orders?user=app&auth=azure-entra");
        Assert.Equal(SslMode.VerifyFull, new NpgsqlConnectionStringBuilder(db.As<NpgsqlDataSource>().ConnectionString).SslMode);
        await using var mysql = opener.OpenDatabase("mysql://10.0.0.5/orders?user=app&auth=azure-entra");
        Assert.Equal(MySqlConnector.MySqlSslMode.VerifyFull, new MySqlConnector.MySqlConnectionStringBuilder(mysql.As<MySqlConnector.MySqlDataSource>().ConnectionString).SslMode);
    }

    [Fact]
    public void ManagedIdentityClientId_MustBeAClientId()
    {
        var opener = new PolycloudOpener().AddAzure();
        var ex = Assert.Throws<CloudException>(() => opener.OpenDatabase("postgresql://db.postgres.database.azure.com/orders?user=app&auth=azure-entra&managedIdentityClientId=my-identity"));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("managedIdentityClientId", ex.Message, StringComparison.Ordinal);

        // A valid one is accepted (no network call when opening).
        using var db = opener.OpenDatabase($"postgresql://db.postgres.database.azure.com/orders?user=app&auth=azure-entra&managedIdentityClientId={Guid.NewGuid()}");
        Assert.Equal("azure-entra", db.AuthMode);
    }

    [Fact]
    public async Task DependencyInjection_AddAzureRegistersTheMode()
    {
        string role = TestPostgres.NewRoleName("entra");
        string token = "di-entra-" + Guid.NewGuid().ToString("N");
        await using var dropRole = await TestPostgres.CreateRoleAsync(role, token, Ct);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Polycloud:Databases:orders:Url"] = TestPostgres.Url(role, "auth=azure-entra"),
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<TokenCredential>(new FakeTokenCredential(token, TimeSpan.FromHours(1)));
        services.AddPolycloud(configuration).AddDatabases().AddAzure().AddAzure();
        await using var sp = services.BuildServiceProvider();

        Assert.Single(sp.GetServices<IDatabaseAuthProvider>(), p => p.Mode == "azure-entra");
        var source = sp.GetRequiredKeyedService<System.Data.Common.DbDataSource>("orders");
        await using var connection = await source.OpenConnectionAsync(Ct);
        Assert.Equal(role, await TestPostgres.ScalarAsync(connection, "SELECT current_user", Ct));
    }

    private static IDatabasePasswordSource Create(TokenCredential credential, TimeProvider time)
    {
        using var services = new ServiceCollection().AddSingleton(credential).BuildServiceProvider();
        return new AzureEntraDatabaseAuthProvider(time).Create(CloudUrl.Parse("postgresql://h/db?user=app&auth=azure-entra"), services);
    }

    /// <summary>Counts calls; returns <c>{prefix}{n}</c> (or exactly <c>prefix</c> when no clock is given) expiring after the given lifetime.</summary>
    private sealed class FakeTokenCredential(string prefix, TimeSpan lifetime, TimeProvider? time = null) : TokenCredential
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public string[]? LastScopes { get; private set; }

        public Exception? Failure { get; init; }

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
            => GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            int n = Interlocked.Increment(ref _calls);
            LastScopes = requestContext.Scopes;
            if (Failure is not null)
            {
                throw Failure;
            }

            var now = time?.GetUtcNow() ?? DateTimeOffset.UtcNow;
            return ValueTask.FromResult(new AccessToken(time is null ? prefix : prefix + n, now + lifetime));
        }
    }
}
