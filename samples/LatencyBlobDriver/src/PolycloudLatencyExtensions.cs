using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Polycloud;
using Polycloud.Blobs.Drivers;
using Polycloud.DependencyInjection;

namespace Acme.Polycloud.Latency;

/// <summary>Registers the <c>latency://</c> scheme, the way every provider package registers its schemes.</summary>
public static class PolycloudLatencyExtensions
{
    /// <summary>Registers <c>latency://</c> for the buckets configured under <c>Polycloud:Blobs</c>.</summary>
    /// <param name="builder">The builder from <c>services.AddPolycloud(configuration)</c>.</param>
    /// <returns>The builder.</returns>
    public static PolycloudBuilder AddLatency(this PolycloudBuilder builder)
    {
        if (builder is null)
        {
            throw CloudException.InvalidArgument(nameof(builder), "a Polycloud builder is required; call services.AddPolycloud(configuration).AddLatency().");
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IBlobDriverFactory, LatencyBlobDriverFactory>());
        return builder;
    }

    /// <summary>Registers <c>latency://</c> on an opener.</summary>
    /// <param name="opener">The opener.</param>
    /// <returns>The opener.</returns>
    public static PolycloudOpener AddLatency(this PolycloudOpener opener)
    {
        if (opener is null)
        {
            throw CloudException.InvalidArgument(nameof(opener), "an opener is required.");
        }

        return opener.AddBlobDriver(new LatencyBlobDriverFactory());
    }
}
