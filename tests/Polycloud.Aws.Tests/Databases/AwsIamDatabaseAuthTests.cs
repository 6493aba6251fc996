using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Polycloud.Aws.Databases;
using Polycloud.TestSupport.Databases;
using Polycloud.Databases;
using Polycloud.DependencyInjection;
using Xunit;

namespace Polycloud.Aws.Tests.Databases;

/// <summary><c>auth=aws-iam</c> end to end against the shared PostgreSQL server (127.0.0.1:5433).</summary>
public sealed class AwsIamDatabaseAuthTests
{
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("Npgsql")]
    [InlineData("MySqlConnector")]
    [InlineData("Polycloud.Databases")]
    public void ProviderPackage_DoesNotReferenceTheDatabaseDrivers(string assembly)
        => Assert.DoesNotContain(typeof(AwsIamDatabaseAuthProvider).Assembly.GetReferencedAssemblies(), a => a.Name == assembly);

    [Fact]
    public async Task RoleWhosePasswordIsTheToken_Connects()
    {
        string role = TestPostgres.NewRoleName("awsiam");
        string token = RdsAuthTokenGenerator.Generate(TestPostgres.Host, TestPostgres.Port, role, "us-east-1", new ImmutableCredentials(AccessKey, SecretKey, null), Now.UtcDateTime);
        await using var dropRole = await TestPostgres.CreateRoleAsync(role, token, Ct);
        await using var services = new ServiceCollection().AddSingleton<AWSCredentials>(new BasicAWSCredentials(AccessKey, SecretKey)).BuildServiceProvider();
        var opener = new PolycloudOpener(services).AddAws().AddDatabaseAuth(new AwsIamDatabaseAuthProvider(new FakeTimeProvider(Now)));

        await using var db = opener.OpenDatabase(TestPostgres.Url(role, "auth=aws-iam&region=us-east-1"), name: "iam");
        await using var connection = await db.OpenConnectionAsync(false, Ct);

        Assert.Equal(role, await TestPostgres.ScalarAsync(connection, "SELECT current_user", Ct));
        Assert.Equal("aws-iam", db.AuthMode);
    }

    [Fact]
    public async Task RejectedToken_IsUnauthenticated_AndNeitherTokenNorSecretIsShown()
    {
        string role = TestPostgres.NewRoleName("awsiam");
        var credentials = new ImmutableCredentials(AccessKey, SecretKey, "session-token-secret-xyz");
        string token = RdsAuthTokenGenerator.Generate(TestPostgres.Host, TestPostgres.Port, role, "us-east-1", credentials, Now.UtcDateTime);
        await using var dropRole = await TestPostgres.CreateRoleAsync(role, "a-different-password", Ct);
        var logs = new CollectingLoggerProvider();
        await using var services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace))
            .AddSingleton<AWSCredentials>(new SessionAWSCredentials(AccessKey, SecretKey, "session-token-secret-xyz"))
            .BuildServiceProvider();
        var opener = new PolycloudOpener(services).AddDatabaseAuth(new AwsIamDatabaseAuthProvider(new FakeTimeProvider(Now)));

        await using var db = opener.OpenDatabase(TestPostgres.Url(role, "auth=aws-iam&region=us-east-1"), name: "iam");
        var ex = await Assert.ThrowsAsync<CloudException>(() => db.OpenConnectionAsync(false, Ct));

        Assert.Equal(CloudErrorCode.Unauthenticated, ex.ErrorCode);
        Assert.NotEmpty(logs.Messages);
        string[] secrets = [token, SecretKey, "session-token-secret-xyz", token[token.IndexOf("X-Amz-Signature=", StringComparison.Ordinal)..]];
        foreach (string secret in secrets)
        {
            Assert.DoesNotContain(secret, ex.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(secret, db.Description, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, db.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(logs.Messages, m => m.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void MissingRegion_IsAnErrorNamingTheSetting_AndSuggestsTheHostsRegion()
    {
        var opener = new PolycloudOpener().AddAws();
        var ex = Assert.Throws<CloudException>(() => opener.OpenDatabase("postgresql://orders.abc123.eu-west-1.rds.amazonaws.com/orders?user=app&auth=aws-iam"));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("'region'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("region=eu-west-1", ex.Message, StringComparison.Ordinal);

        var bad = Assert.Throws<CloudException>(() => opener.OpenDatabase("postgresql://db.example.com/orders?user=app&auth=aws-iam&region=Europe"));
        Assert.Contains("region", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownProfile_IsAnErrorNamingTheSetting()
    {
        var opener = new PolycloudOpener().AddAws();
        var ex = Assert.Throws<CloudException>(() => opener.OpenDatabase("postgresql://db.example.com/orders?user=app&auth=aws-iam&region=us-east-1&profile=no-such-profile-" + Guid.NewGuid().ToString("N")));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("profile", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mode_DefaultsToVerifiedTls_RefreshesEveryTenMinutes_AndComesOnlyWithAddAws()
    {
        Assert.Throws<CloudException>(() => new PolycloudOpener().OpenDatabase("postgresql://db.example.com/orders?user=app&auth=aws-iam&region=us-east-1"));

        var opener = new PolycloudOpener().AddAws();
        Assert.Contains("aws-iam", opener.DatabaseAuthModes);
        await using var db = opener.OpenDatabase("postgresql://10.0.0.5/orders?user=app&auth=aws-iam&region=us-east-1");
        Assert.Equal(SslMode.VerifyFull, new NpgsqlConnectionStringBuilder(db.As<NpgsqlDataSource>().ConnectionString).SslMode);

        var source = new AwsIamDatabaseAuthProvider().Create(CloudUrl.Parse("postgresql://h/db?user=app&auth=aws-iam&region=us-east-1"), null);
        Assert.Equal(TimeSpan.FromMinutes(10), source.RefreshInterval);
        Assert.True(source.RefreshInterval < RdsAuthTokenGenerator.Lifetime);
    }

    [Fact]
    public async Task PasswordSource_SignsEachTokenAtTheCurrentTime()
    {
        var time = new FakeTimeProvider(Now);
        var endpoint = new DatabaseEndpoint("mydb.abc.us-east-1.rds.amazonaws.com", 5432, "db", "app");
        await using var services = new ServiceCollection().AddSingleton<AWSCredentials>(new BasicAWSCredentials(AccessKey, SecretKey)).BuildServiceProvider();
        var source = new AwsIamDatabaseAuthProvider(time).Create(CloudUrl.Parse("postgresql://h/db?user=app&auth=aws-iam&region=us-east-1"), services);

        string first = await source.GetPasswordAsync(endpoint, Ct);
        time.Advance(TimeSpan.FromMinutes(10));
        string second = await source.GetPasswordAsync(endpoint, Ct);

        // The first is the AWS CLI's token for these inputs (see RdsAuthTokenTests).
        Assert.EndsWith("X-Amz-Signature=4dd2908483c1e833b65f9c4da3e0fe608f65fdd32c1907928a77218e21feb0fa", first, StringComparison.Ordinal);
        Assert.Contains("X-Amz-Date=20260102T031405Z", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DependencyInjection_AddAwsRegistersTheMode()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Polycloud:Databases:orders:Url"] = "postgresql://orders.abc123.eu-west-1.rds.amazonaws.com/orders?user=app&auth=aws-iam&region=eu-west-1",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<AWSCredentials>(new BasicAWSCredentials(AccessKey, SecretKey));
        services.AddPolycloud(configuration).AddAws().AddAws().AddDatabases();
        await using var sp = services.BuildServiceProvider();

        Assert.Single(sp.GetServices<IDatabaseAuthProvider>(), p => p.Mode == "aws-iam");
        var db = sp.GetRequiredKeyedService<CloudDatabase>("orders");
        Assert.Equal("aws-iam", db.AuthMode);
        Assert.Equal(SslMode.VerifyFull, new NpgsqlConnectionStringBuilder(db.As<NpgsqlDataSource>().ConnectionString).SslMode);
    }
}
