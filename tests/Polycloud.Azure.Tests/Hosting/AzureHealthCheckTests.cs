using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Polycloud.Azure.Tests.Blobs;
using Polycloud.Azure.Tests.Queues;
using Xunit;

namespace Polycloud.Azure.Tests.Hosting;

/// <summary>The Polycloud health checks against Azurite: healthy for an existing container and queue, unhealthy
/// (NotFound) for missing ones, and a queue check that leases nothing.</summary>
public sealed class AzureHealthCheckTests : IAsyncLifetime
{
    private global::Azure.Storage.Blobs.BlobContainerClient _container = null!;
    private QueueClient _queue = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _container = await Azurite.CreateContainerAsync("health");
        _queue = new QueueServiceClient(AzureQueueConformanceTests.ConnectionString).GetQueueClient("pc-health-" + Guid.NewGuid().ToString("N"));
        await _queue.CreateAsync(cancellationToken: Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await Azurite.DeleteQuietlyAsync(_container);
        try
        {
            await _queue.DeleteIfExistsAsync();
        }
        catch (Exception)
        {
            // Cleanup of a shared emulator must not hide the test's own result.
        }
    }

    [Fact]
    public async Task ExistingContainerAndQueue_AreHealthy_MissingOnesAreUnhealthy()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Polycloud:Blobs:images:Url"] = $"azblob://{_container.Name}",
            ["Polycloud:Blobs:images:ConnectionString"] = Azurite.ConnectionString,
            ["Polycloud:Blobs:missing:Url"] = $"azblob://{Azurite.NewContainerName("absent")}",
            ["Polycloud:Blobs:missing:ConnectionString"] = Azurite.ConnectionString,
            ["Polycloud:Queues:orders:Url"] = $"azqueue://{_queue.Name}",
            ["Polycloud:Queues:orders:ConnectionString"] = AzureQueueConformanceTests.ConnectionString,
            ["Polycloud:Queues:gone:Url"] = $"azqueue://pc-absent-{Guid.NewGuid():N}",
            ["Polycloud:Queues:gone:ConnectionString"] = AzureQueueConformanceTests.ConnectionString,
        });
        builder.AddPolycloud().AddAzure();
        using var host = builder.Build();
        await _queue.SendMessageAsync("waiting", Ct);

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(Ct);

        Assert.Equal(HealthStatus.Healthy, report.Entries["polycloud-blobs-images"].Status);
        Assert.Equal("azure-blob", report.Entries["polycloud-blobs-images"].Data["provider"]);
        var orders = report.Entries["polycloud-queues-orders"];
        Assert.Equal(HealthStatus.Healthy, orders.Status);
        Assert.Equal(1L, orders.Data["approximateMessageCount"]);

        var missing = report.Entries["polycloud-blobs-missing"];
        Assert.Equal(HealthStatus.Unhealthy, missing.Status);
        Assert.Equal("NotFound", missing.Data["errorCode"]);
        var gone = report.Entries["polycloud-queues-gone"];
        Assert.Equal(HealthStatus.Unhealthy, gone.Status);
        Assert.Equal("NotFound", gone.Data["errorCode"]);

        var registrations = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations;
        Assert.Contains("provider:azure-queue", Assert.Single(registrations, r => r.Name == "polycloud-queues-orders").Tags);

        // The check leased nothing: the message is still visible.
        var peeked = await _queue.PeekMessagesAsync(10, Ct);
        Assert.Single(peeked.Value);
    }
}
