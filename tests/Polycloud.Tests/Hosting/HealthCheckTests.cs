using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Polycloud.DependencyInjection;
using Polycloud.Queues;
using Polycloud.Queues.Memory;
using Xunit;

namespace Polycloud.Tests.Hosting;

/// <summary>The Polycloud health checks against the local drivers: one check per configured resource, a cheap
/// read-only call each, unhealthy when the resource is missing.</summary>
public sealed class HealthCheckTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pc-health-" + Guid.NewGuid().ToString("N"));
    private readonly string _queueName = "health-" + Guid.NewGuid().ToString("N");

    public HealthCheckTests() => Directory.CreateDirectory(Path.Combine(_dir, "bucket"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        MemoryQueueDriver.DeleteShared(_queueName);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Dictionary<string, string?> Resources() => new()
    {
        ["Polycloud:Blobs:files"] = $"file://{_dir}/bucket",
        ["Polycloud:Blobs:gone"] = $"file://{_dir}/missing",
        ["Polycloud:Queues:orders"] = $"mem://{_queueName}",
        ["Polycloud:Queues:ghost"] = $"mem://ghost-{Guid.NewGuid():N}?create=false",
        ["Polycloud:Queues:durable"] = $"sqlite://{_dir}/queues.db?queue=jobs",
        ["Polycloud:Queues:absent"] = $"sqlite://{_dir}/queues.db?queue=nobody&create=false",
        ["Polycloud:Functions:resize"] = "local://resize",
        ["Polycloud:Functions:broken"] = "local://broken",
    };

    private static async Task<HealthReport> CheckAsync(IHost host)
        => await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);

    private IHost BuildHost(Dictionary<string, string?> settings, Action<PolycloudSettings>? configure = null, Action<HostApplicationBuilder>? more = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddPolycloud(configure)
            .AddLocalFunction("resize", (payload, _) => ValueTask.FromResult(payload))
            .AddLocalFunction("broken", (_, _) => throw new InvalidOperationException("the probe payload was refused"));
        more?.Invoke(builder);
        return builder.Build();
    }

    [Fact]
    public async Task AspireShapedEntry_AddsOneCheckPerResource_HealthyWhenPresent_UnhealthyWhenMissing()
    {
        using var host = BuildHost(Resources());
        await host.Services.GetRequiredKeyedService<MessageQueue>("orders").SendAsync("one", Ct);
        await host.Services.GetRequiredKeyedService<MessageQueue>("orders").SendAsync("two", Ct);

        var report = await CheckAsync(host);

        Assert.Equal(
            ["polycloud-blobs-files", "polycloud-blobs-gone", "polycloud-functions-broken", "polycloud-functions-resize",
             "polycloud-queues-absent", "polycloud-queues-durable", "polycloud-queues-ghost", "polycloud-queues-orders"],
            report.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(HealthStatus.Healthy, report.Entries["polycloud-blobs-files"].Status);
        Assert.Equal(HealthStatus.Healthy, report.Entries["polycloud-queues-orders"].Status);
        Assert.Equal(2L, report.Entries["polycloud-queues-orders"].Data["approximateMessageCount"]);
        Assert.Equal(HealthStatus.Healthy, report.Entries["polycloud-queues-durable"].Status);

        var gone = report.Entries["polycloud-blobs-gone"];
        Assert.Equal(HealthStatus.Unhealthy, gone.Status);
        Assert.Equal("NotFound", gone.Data["errorCode"]);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["polycloud-queues-ghost"].Status);
        Assert.Equal("NotFound", report.Entries["polycloud-queues-ghost"].Data["errorCode"]);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["polycloud-queues-absent"].Status);
        Assert.Equal(HealthStatus.Unhealthy, report.Status);

        // The queue check leased nothing: both messages can still be received at once.
        var received = await host.Services.GetRequiredKeyedService<MessageQueue>("orders").ReceiveAsync(10, default, Ct);
        Assert.Equal(2, received.Count);
    }

    [Fact]
    public async Task Checks_AreTaggedWithNameKindAndProvider()
    {
        using var host = BuildHost(Resources());
        var registrations = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations;
        var files = Assert.Single(registrations, r => r.Name == "polycloud-blobs-files");
        Assert.Equal(["blobs", "name:files", "polycloud", "provider:file"], files.Tags.Order(StringComparer.Ordinal));
        var orders = Assert.Single(registrations, r => r.Name == "polycloud-queues-orders");
        Assert.Contains("provider:memory", orders.Tags);
        Assert.Contains("queues", orders.Tags);
        Assert.Contains("provider:local", Assert.Single(registrations, r => r.Name == "polycloud-functions-resize").Tags);

        // A missing bucket cannot be opened, so its provider is not known; the check says why.
        Assert.Contains("provider:unknown", Assert.Single(registrations, r => r.Name == "polycloud-blobs-gone").Tags);

        // Filtering by tag works as with any health check.
        var onlyQueues = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("queues"), Ct);
        Assert.All(onlyQueues.Entries.Keys, k => Assert.StartsWith("polycloud-queues-", k, StringComparison.Ordinal));
        Assert.Equal(4, onlyQueues.Entries.Count);
    }

    [Fact]
    public async Task Functions_AreNotInvoked_UnlessAProbeIsConfigured()
    {
        int calls = 0;
        var settings = Resources();
        using (var host = BuildHost(settings, more: b => b.Services.AddPolycloud().AddLocalFunction("resize", (p, _) =>
        {
            Interlocked.Increment(ref calls);
            return ValueTask.FromResult(p);
        })))
        {
            var report = await CheckAsync(host);
            var resize = report.Entries["polycloud-functions-resize"];
            Assert.Equal(HealthStatus.Healthy, resize.Status);
            Assert.Equal(false, resize.Data["probed"]);
            Assert.Equal(HealthStatus.Healthy, report.Entries["polycloud-functions-broken"].Status);
            Assert.Equal(0, calls);
        }

        settings["Polycloud:HealthChecks:FunctionProbes:resize"] = "{\"ping\":true}";
        settings["Polycloud:HealthChecks:FunctionProbes:broken"] = "{\"ping\":true}";
        using (var host = BuildHost(settings, more: b => b.Services.AddPolycloud().AddLocalFunction("resize", (p, _) =>
        {
            Interlocked.Increment(ref calls);
            return ValueTask.FromResult(p);
        })))
        {
            var report = await CheckAsync(host);
            Assert.Equal(HealthStatus.Healthy, report.Entries["polycloud-functions-resize"].Status);
            Assert.Equal(true, report.Entries["polycloud-functions-resize"].Data["probed"]);
            Assert.Equal(1, calls);
            Assert.Equal(HealthStatus.Unhealthy, report.Entries["polycloud-functions-broken"].Status);
        }
    }

    [Fact]
    public async Task ACheckThatOutlivesItsTimeout_IsCancelledThroughItsToken_AndReportedUnhealthy()
    {
        var slow = new Polycloud.Tests.Functions.BlockingFunction();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Polycloud:Functions:slow"] = "local://slow",
            ["Polycloud:HealthChecks:FunctionProbes:slow"] = "{}",
            ["Polycloud:HealthChecks:Timeout"] = "00:00:00.200",
        });
        builder.AddPolycloud().AddLocalFunction("slow", slow.RunAsync);
        using var host = builder.Build();

        var report = await CheckAsync(host);

        Assert.Equal(HealthStatus.Unhealthy, report.Entries["polycloud-functions-slow"].Status);
        await slow.Cancelled.Task.WaitAsync(TimeSpan.FromMinutes(1), Ct);
    }

    [Fact]
    public async Task DisableHealthChecks_FromConfigurationOrCallback_RegistersNone()
    {
        var settings = Resources();
        settings["Polycloud:DisableHealthChecks"] = "true";
        using (var host = BuildHost(settings))
        {
            Assert.Null(host.Services.GetService<HealthCheckService>());
        }

        using (var host = BuildHost(Resources(), s => s.DisableHealthChecks = true))
        {
            Assert.Null(host.Services.GetService<HealthCheckService>());
        }

        // The callback runs after configuration and wins.
        settings["Polycloud:DisableHealthChecks"] = "true";
        using (var host = BuildHost(settings, s => s.DisableHealthChecks = false))
        {
            Assert.NotEmpty((await CheckAsync(host)).Entries);
        }
    }

    [Fact]
    public async Task ServiceCollectionForm_AddHealthChecksAddPolycloud_TwiceAddsNoDuplicates_AndTakesOptions()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Polycloud:Blobs:gone"] = $"file://{_dir}/missing",
            ["Polycloud:HealthChecks:Timeout"] = "00:00:03",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPolycloud(configuration);
        services.AddHealthChecks().AddPolycloud().AddPolycloud(o => o.FailureStatus = HealthStatus.Degraded);
        await using var sp = services.BuildServiceProvider();

        var registration = Assert.Single(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations);
        Assert.Equal(TimeSpan.FromSeconds(3), registration.Timeout);
        Assert.Equal(HealthStatus.Degraded, registration.FailureStatus);
        var report = await sp.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);
        Assert.Equal(HealthStatus.Degraded, report.Entries["polycloud-blobs-gone"].Status);
    }

    [Fact]
    public async Task HostEntry_ReturnsTheSameBuilder_AndResourcesResolve()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(Resources());
        PolycloudBuilder polycloud = builder.AddPolycloud();
        Assert.Same(builder.Services, polycloud.Services);
        Assert.Equal("Polycloud", (polycloud.Configuration as IConfigurationSection)?.Path);
        using var host = builder.Build();
        var queue = host.Services.GetRequiredService<IMessageQueueFactory>().GetQueue("orders");
        Assert.Equal("memory", queue.Provider);
        Assert.Equal(0, (await queue.GetPropertiesAsync(Ct)).ApproximateMessageCount);
    }
}
