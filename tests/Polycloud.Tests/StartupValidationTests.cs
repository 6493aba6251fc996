using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Polycloud.Blobs;
using Xunit;

namespace Polycloud.Tests;

/// <summary>
/// A configuration mistake fails the host when it starts, with every problem listed together and named by its
/// configuration path — not at the first use of the resource.
/// </summary>
public sealed class StartupValidationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryProblem_FailsStartup_Together_NamingItsPath()
    {
        string dir = Path.Combine(Path.GetTempPath(), "polycloud-validate-" + Guid.NewGuid().ToString("N"));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Polycloud:Blobs:good"] = "mem://good",
            ["Polycloud:Blobs:typo"] = $"file://{dir}?craete=true",
            ["Polycloud:Blobs:elsewhere"] = "s4://bucket",
            ["Polycloud:Queus:orders"] = "mem://orders",
            ["Polycloud:Queues:jobs:Settings"] = "x",
            ["Polycloud:Queues:dlq"] = "mem://dlq?maxDeliveries=3",
            ["Polycloud:Functions:resize"] = "local://resize?timeout=soon",
            ["Polycloud:Databases:app"] = "postgresql://db.example.com/app",
            ["Polycloud:Workers:ordrs:MaxConcurrency"] = "4",
            ["Polycloud:DisableHealthChecks"] = "true",
        });
        builder.Services.AddPolycloud(builder.Configuration);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));
        var failures = ex.Failures.ToList();
        Assert.Equal(8, failures.Count);
        Assert.Contains(failures, f => f.StartsWith("Polycloud:Queus: 'Queus' is not a Polycloud configuration section; did you mean 'Queues'?", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Polycloud:Blobs:typo: ", StringComparison.Ordinal) && f.Contains("craete", StringComparison.Ordinal) && f.Contains("Known settings: create", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Polycloud:Blobs:elsewhere: ", StringComparison.Ordinal) && f.Contains("'s4'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Polycloud:Queues:jobs: ", StringComparison.Ordinal) && f.Contains("Polycloud:Queues:jobs:Url", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Polycloud:Queues:dlq: ", StringComparison.Ordinal) && f.Contains("deadLetterQueue", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Polycloud:Functions:resize: ", StringComparison.Ordinal) && f.Contains("'timeout'", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Polycloud:Databases: ", StringComparison.Ordinal) && f.Contains(".AddDatabases()", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Polycloud:Workers:ordrs: there is no queue 'ordrs'", StringComparison.Ordinal));
        Assert.False(Directory.Exists(dir)); // nothing was created: checking opens nothing for real
    }

    [Fact]
    public async Task AGoodConfiguration_Starts_AndTheResourcesWork()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Polycloud:Blobs:docs"] = "mem://docs",
            ["Polycloud:Queues:orders:Url"] = "mem://orders",
            ["Polycloud:Queues:orders:DeadLetterQueue"] = "mem://orders-dlq",
            ["Polycloud:Functions:resize"] = "local://resize?timeout=30s",
        });
        builder.Services.AddPolycloud(builder.Configuration);
        using var host = builder.Build();
        await host.StartAsync(Ct);
        var docs = host.Services.GetRequiredKeyedService<BlobBucket>("docs");
        await docs.UploadAsync("a", BinaryData.FromString("x"), null, Ct);
        Assert.True(await docs.ExistsAsync("a", Ct));
        await host.StopAsync(Ct);
    }

    [Fact]
    public void WithoutAHost_ValidatePolycloudConfiguration_ReportsTheSameProblems()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Polycloud:Blob:docs"] = "mem://docs",
        }).Build();
        var services = new ServiceCollection();
        services.AddPolycloud(configuration);
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(provider.ValidatePolycloudConfiguration);
        Assert.Contains("did you mean 'Blobs'?", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void ASectionNamedOtherwise_IsCheckedUnderItsOwnPath()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cloud:Blobs:docs"] = "mem://docs?colour=red",
        }).Build();
        var services = new ServiceCollection();
        services.AddPolycloud(configuration, "Cloud");
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(provider.ValidatePolycloudConfiguration);
        Assert.StartsWith("Cloud:Blobs:docs: ", Assert.Single(ex.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Queus", "Queues")]
    [InlineData("blob", "Blobs")]
    [InlineData("Fnctions", "Functions")]
    [InlineData("Storage", null)]
    public void Closest_SuggestsOnlyNearKeys(string typo, string? expected)
        => Assert.Equal(expected, Polycloud.DependencyInjection.PolycloudConfigurationValidator.Closest(typo, ["Blobs", "Queues", "Functions", "Databases"]));
}
