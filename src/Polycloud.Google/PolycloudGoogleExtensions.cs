using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Polycloud.DependencyInjection;
using Polycloud.Google.Queues;
using Polycloud.Queues.Drivers;

namespace Polycloud.Google;

/// <summary>Registers the Google Cloud drivers' URL schemes.</summary>
public static class PolycloudGoogleExtensions
{
    /// <summary>Registers the Google Cloud schemes (<c>gcppubsub://</c>) in the container's opener.</summary>
    /// <param name="builder">The builder from <c>services.AddPolycloud(...)</c>.</param>
    /// <returns>The builder.</returns>
    public static PolycloudBuilder AddGoogle(this PolycloudBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        RegisterQueues(builder.Services);
        return builder;
    }

    /// <summary>Registers the Google Cloud schemes (<c>gcppubsub://</c>) in an opener.</summary>
    /// <param name="opener">The opener.</param>
    /// <returns>The opener.</returns>
    public static PolycloudOpener AddGoogle(this PolycloudOpener opener)
    {
        ArgumentNullException.ThrowIfNull(opener);
        RegisterQueues(opener);
        return opener;
    }

    private static void RegisterQueues(IServiceCollection services)
        => services.TryAddEnumerable(ServiceDescriptor.Singleton<IQueueDriverFactory, PubSubQueueDriverFactory>());

    private static void RegisterQueues(PolycloudOpener opener) => opener.AddQueueDriver(new PubSubQueueDriverFactory());
}
