using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Polycloud.Databases.Tests;

public sealed class DatabaseRegistrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static IConfiguration Configuration(string name) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        [$"Polycloud:Databases:{name}"] = $"sqlite://memory/{name}",
    }).Build();

    [Fact]
    public async Task AddDatabases_GivesTheFactoryAndKeyedDatabasesAndDataSources()
    {
        var services = new ServiceCollection();
        services.AddPolycloud(Configuration("registration-cache")).AddDatabases().AddDatabases();
        await using var sp = services.BuildServiceProvider();

        var factory = sp.GetRequiredService<ICloudDatabaseFactory>();
        Assert.Equal(["registration-cache"], factory.Names);
        var database = sp.GetRequiredKeyedService<CloudDatabase>("registration-cache");
        Assert.Same(database, factory.GetDatabase("registration-cache"));
        Assert.Same(database.DataSource, sp.GetRequiredKeyedService<DbDataSource>("registration-cache"));
        await using var connection = await database.OpenConnectionAsync(false, Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 41 + 1";
        Assert.Equal(42L, await command.ExecuteScalarAsync(Ct));
    }

    [Fact]
    public async Task AddDatabases_NamesTheConfiguredDatabasesWhenAskedForAnother()
    {
        var services = new ServiceCollection();
        services.AddPolycloud(Configuration("registration-known")).AddDatabases();
        await using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<CloudException>(() => sp.GetRequiredKeyedService<CloudDatabase>("orders"));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("registration-known", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddDatabases_ReportsABadDatabaseUrl_WithItsConfigurationPath_AndTriesAgainNextTime()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Polycloud:Databases:broken"] = "postgresql://db.example:5432/app?user=app&auth=carrier-pigeon",
        }).Build();
        var services = new ServiceCollection();
        services.AddPolycloud(configuration).AddDatabases();
        await using var sp = services.BuildServiceProvider();
        var factory = sp.GetRequiredService<ICloudDatabaseFactory>();

        var first = Assert.Throws<CloudException>(() => factory.GetDatabase("broken"));
        Assert.Equal(CloudErrorCode.InvalidArgument, first.ErrorCode);
        Assert.Equal("Polycloud:Databases:broken", first.Data["ConfigurationPath"]);
        Assert.Contains("'Polycloud:Databases:broken' could not be opened", first.Message, StringComparison.Ordinal);

        // A failed open is not cached: the next call opens again and reports the same problem.
        var second = Assert.Throws<CloudException>(() => factory.GetDatabase("broken"));
        Assert.NotSame(first, second);
        Assert.Equal(first.Message, second.Message);
    }

    [Fact]
    public async Task AddPolycloud_AloneRegistersNoDatabases()
    {
        var services = new ServiceCollection();
        services.AddPolycloud(Configuration("registration-unused"));
        await using var sp = services.BuildServiceProvider();

        Assert.Null(sp.GetService<ICloudDatabaseFactory>());
        Assert.Null(sp.GetKeyedService<CloudDatabase>("registration-unused"));
    }

    [Fact]
    public void AddDatabases_NeedsABuilder()
    {
        var ex = Assert.Throws<CloudException>(() => PolycloudBuilderDatabaseExtensions.AddDatabases(null!));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
    }

    [Fact]
    public void AddDatabases_ChecksEveryDatabaseAtStartup_NamingItsPath()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Polycloud:Databases:good"] = "sqlite://memory/startup-good",
            ["Polycloud:Databases:orders"] = "postgresql://db.example.com/orders",
            ["Polycloud:Databases:typo"] = "sqlite://memory/startup-typo?poolng=false",
        }).Build();
        var services = new ServiceCollection();
        services.AddPolycloud(configuration).AddDatabases().AddDatabases();
        using var sp = services.BuildServiceProvider();
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(sp.ValidatePolycloudConfiguration);
        var failures = ex.Failures.ToList();
        Assert.Equal(2, failures.Count); // once each, although AddDatabases was called twice
        Assert.Contains(failures, f => f.StartsWith("Polycloud:Databases:orders: ", StringComparison.Ordinal) && f.Contains("'user'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Polycloud:Databases:typo: ", StringComparison.Ordinal) && f.Contains("poolng", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_container_with_databases_and_the_core_capabilities_opened_is_disposed_either_way(bool asynchronously)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Polycloud:Databases:dispose"] = "sqlite://memory/dispose-" + Guid.NewGuid().ToString("N")[..8],
            ["Polycloud:Blobs:b"] = "mem://dispose",
            ["Polycloud:Queues:q"] = "mem://dispose-" + Guid.NewGuid().ToString("N")[..8],
            ["Polycloud:Functions:f"] = "local://f",
        }).Build();
        var services = new ServiceCollection();
        services.AddPolycloud(configuration).AddDatabases().AddLocalFunction("f", static (payload, _) => ValueTask.FromResult(payload));
        services.AddHealthChecks().AddPolycloud();
        var sp = services.BuildServiceProvider();
        var database = sp.GetRequiredKeyedService<CloudDatabase>("dispose");
        _ = sp.GetRequiredKeyedService<DbDataSource>("dispose");
        _ = sp.GetRequiredKeyedService<Polycloud.Blobs.BlobBucket>("b");
        _ = sp.GetRequiredKeyedService<Polycloud.Queues.MessageQueue>("q");
        Assert.Equal("x", (await sp.GetRequiredKeyedService<Polycloud.Functions.CloudFunction>("f").InvokeAsync(BinaryData.FromString("x"), cancellationToken: Ct)).Payload.ToString());
        await using (var connection = await database.OpenConnectionAsync(false, Ct))
        {
            Assert.Equal(System.Data.ConnectionState.Open, connection.State);
        }

        if (asynchronously)
        {
            await sp.DisposeAsync();
        }
        else
        {
            sp.Dispose();
        }
    }
}
