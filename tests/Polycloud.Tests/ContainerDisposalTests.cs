using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Polycloud.Blobs;
using Polycloud.Functions;
using Polycloud.Functions.Local;
using Polycloud.Queues;
using Xunit;

namespace Polycloud.Tests;

/// <summary>
/// A container with every capability of the core registered and opened is disposed whether the host disposes it
/// synchronously (<c>ServiceProvider.Dispose()</c>) or asynchronously, and what it opened is closed: an event function
/// still running is cancelled and waited for, and the buckets refuse further use.
/// </summary>
public sealed class ContainerDisposalTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_container_with_every_capability_opened_is_disposed_and_closes_what_it_opened(bool asynchronously)
    {
        string dir = Path.Combine(Path.GetTempPath(), "polycloud-dispose-" + Guid.NewGuid().ToString("N"));
        string queue = "dispose-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Polycloud:Blobs:memory"] = "mem://dispose",
                ["Polycloud:Blobs:files"] = $"file://{dir}/blobs?create=true",
                ["Polycloud:Queues:memory"] = $"mem://{queue}?maxDeliveries=2&deadLetterQueue=" + Uri.EscapeDataString($"mem://{queue}-dead"),
                ["Polycloud:Queues:sqlite"] = $"sqlite://{dir}/queues.db?queue=orders",
                ["Polycloud:Functions:slow"] = "local://slow",
                ["Polycloud:HealthChecks:FunctionProbes:slow"] = "{}",
            }).Build();
            var services = new ServiceCollection();
            services.AddLogging();
            var slow = new Polycloud.Tests.Functions.BlockingFunction();
            services.AddPolycloud(configuration).AddLocalFunction("slow", slow.RunAsync);
            services.AddHealthChecks().AddPolycloud();
            services.AddQueueWorker<NoHandler>("memory");
            var sp = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

            // Open everything: keyed resources, factories, the local function registry, the health checks, the worker.
            var memory = sp.GetRequiredKeyedService<BlobBucket>("memory");
            var files = sp.GetRequiredKeyedService<BlobBucket>("files");
            await files.UploadAsync("a", BinaryData.FromString("1"), null, Ct);
            var queues = new[] { sp.GetRequiredKeyedService<MessageQueue>("memory"), sp.GetRequiredKeyedService<MessageQueue>("sqlite") };
            await queues[1].SendAsync("x", Ct);
            var function = sp.GetRequiredKeyedService<CloudFunction>("slow");
            _ = sp.GetRequiredService<LocalFunctionRegistry>();
            _ = sp.GetRequiredService<IBlobBucketFactory>();
            _ = sp.GetRequiredService<IMessageQueueFactory>();
            _ = sp.GetRequiredService<ICloudFunctionFactory>();
            _ = sp.GetServices<IHostedService>().ToArray();
            var report = await sp.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => !r.Name.Contains("slow", StringComparison.Ordinal), Ct);
            Assert.Equal(HealthStatus.Healthy, report.Status);
            await function.InvokeEventAsync(BinaryData.FromString("{}"), cancellationToken: Ct);
            await slow.Started.Task.WaitAsync(Ct);

            if (asynchronously)
            {
                await sp.DisposeAsync();
            }
            else
            {
                sp.Dispose();
            }

            Assert.True(slow.Cancelled.Task.IsCompleted, "the running event function was not cancelled");
            await AssertDisposedAsync(() => memory.ExistsAsync("a", Ct));
            await AssertDisposedAsync(() => files.ExistsAsync("a", Ct));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, true);
            }
        }
    }

    [Fact]
    public async Task The_local_function_registry_can_be_disposed_both_ways_and_twice()
    {
        var registry = new LocalFunctionRegistry();
        registry.Dispose();
        registry.Dispose();
        await registry.DisposeAsync();
        var other = new LocalFunctionRegistry();
        await other.DisposeAsync();
        await other.DisposeAsync();
        other.Dispose();
    }

    /// <summary>Use after disposal fails with <see cref="ObjectDisposedException"/>, as is or as the cause of the portable error.</summary>
    private static async Task AssertDisposedAsync(Func<Task> use)
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(use);
        Assert.True(ex is ObjectDisposedException || ex.InnerException is ObjectDisposedException, ex.ToString());
    }

    private sealed class NoHandler : IQueueMessageHandler
    {
        public Task HandleAsync(ReceivedMessage message, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
