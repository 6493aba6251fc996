using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polycloud.Blobs;
using Polycloud.Functions;
using Polycloud.Queues;

namespace Polycloud.DependencyInjection;

/// <summary>The health check source of one kind of named resource, given its factory: the names, the provider and
/// the check of each come from the factory's cached resource.</summary>
/// <typeparam name="TFactory">The factory service (for example <see cref="IBlobBucketFactory"/>).</typeparam>
/// <typeparam name="T">The resource type.</typeparam>
/// <param name="kind">The kind, as in the check names.</param>
/// <param name="names">The factory's configured names.</param>
/// <param name="get">Gets a resource from the factory.</param>
/// <param name="provider">The provider of a resource, for the tags.</param>
/// <param name="check">Creates the check from the resource accessor, the options and the name.</param>
internal abstract class NamedResourceHealthCheckSource<TFactory, T>(
    string kind,
    Func<TFactory, IReadOnlyCollection<string>> names,
    Func<TFactory, string, T> get,
    Func<T, string> provider,
    Func<Func<T>, PolycloudHealthCheckOptions, string, IHealthCheck> check) : PolycloudHealthCheckSource
    where TFactory : notnull
{
    public sealed override string Kind => kind;

    public sealed override IReadOnlyCollection<string> GetNames(IServiceProvider services) => names(services.GetRequiredService<TFactory>());

    public sealed override string GetProvider(IServiceProvider services, string name) => provider(get(services.GetRequiredService<TFactory>(), name));

    public sealed override IHealthCheck CreateHealthCheck(IServiceProvider services, string name, PolycloudHealthCheckOptions options)
        => check(() => get(services.GetRequiredService<TFactory>(), name), options, name);
}

/// <summary>The health check source for <c>Polycloud:Blobs</c>.</summary>
internal sealed class BlobHealthCheckSource() : NamedResourceHealthCheckSource<IBlobBucketFactory, BlobBucket>(
    "blobs", static f => f.Names, static (f, n) => f.GetBucket(n), static b => b.Provider, static (open, _, _) => new BlobBucketHealthCheck(open));

/// <summary>The health check source for <c>Polycloud:Queues</c>.</summary>
internal sealed class QueueHealthCheckSource() : NamedResourceHealthCheckSource<IMessageQueueFactory, MessageQueue>(
    "queues", static f => f.Names, static (f, n) => f.GetQueue(n), static q => q.Provider, static (open, _, _) => new MessageQueueHealthCheck(open));

/// <summary>The health check source for <c>Polycloud:Functions</c>; a function is invoked only with a configured probe payload.</summary>
internal sealed class FunctionHealthCheckSource() : NamedResourceHealthCheckSource<ICloudFunctionFactory, CloudFunction>(
    "functions", static f => f.Names, static (f, n) => f.GetFunction(n), static f => f.Provider, static (open, options, name) => new CloudFunctionHealthCheck(
        open, options.FunctionProbes.TryGetValue(name, out string? payload) ? BinaryData.FromString(payload) : null));
