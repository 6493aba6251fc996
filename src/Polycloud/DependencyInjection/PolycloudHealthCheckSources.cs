using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polycloud.Blobs;
using Polycloud.Functions;
using Polycloud.Queues;

namespace Polycloud.DependencyInjection;

/// <summary>The health check source for <c>Polycloud:Blobs</c>.</summary>
internal sealed class BlobHealthCheckSource : PolycloudHealthCheckSource
{
    public override string Kind => "blobs";

    public override IReadOnlyCollection<string> GetNames(IServiceProvider services) => services.GetRequiredService<IBlobBucketFactory>().Names;

    public override string GetProvider(IServiceProvider services, string name) => services.GetRequiredService<IBlobBucketFactory>().GetBucket(name).Provider;

    public override IHealthCheck CreateHealthCheck(IServiceProvider services, string name, PolycloudHealthCheckOptions options)
        => new BlobBucketHealthCheck(() => services.GetRequiredService<IBlobBucketFactory>().GetBucket(name));
}

/// <summary>The health check source for <c>Polycloud:Queues</c>.</summary>
internal sealed class QueueHealthCheckSource : PolycloudHealthCheckSource
{
    public override string Kind => "queues";

    public override IReadOnlyCollection<string> GetNames(IServiceProvider services) => services.GetRequiredService<IMessageQueueFactory>().Names;

    public override string GetProvider(IServiceProvider services, string name) => services.GetRequiredService<IMessageQueueFactory>().GetQueue(name).Provider;

    public override IHealthCheck CreateHealthCheck(IServiceProvider services, string name, PolycloudHealthCheckOptions options)
        => new MessageQueueHealthCheck(() => services.GetRequiredService<IMessageQueueFactory>().GetQueue(name));
}

/// <summary>The health check source for <c>Polycloud:Functions</c>.</summary>
internal sealed class FunctionHealthCheckSource : PolycloudHealthCheckSource
{
    public override string Kind => "functions";

    public override IReadOnlyCollection<string> GetNames(IServiceProvider services) => services.GetRequiredService<ICloudFunctionFactory>().Names;

    public override string GetProvider(IServiceProvider services, string name) => services.GetRequiredService<ICloudFunctionFactory>().GetFunction(name).Provider;

    public override IHealthCheck CreateHealthCheck(IServiceProvider services, string name, PolycloudHealthCheckOptions options)
        => new CloudFunctionHealthCheck(
            () => services.GetRequiredService<ICloudFunctionFactory>().GetFunction(name),
            options.FunctionProbes.TryGetValue(name, out string? payload) ? BinaryData.FromString(payload) : null);
}
