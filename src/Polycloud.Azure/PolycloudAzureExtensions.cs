using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Polycloud.Azure.Queues;
using Polycloud.DependencyInjection;
using Polycloud.Queues.Drivers;

namespace Polycloud.Azure;

/// <summary>Registers the Azure drivers' URL schemes.</summary>
public static class PolycloudAzureExtensions
{
    /// <summary>Registers the Azure schemes (<c>azqueue://</c>) in the container's opener.</summary>
    /// <param name="builder">The builder from <c>services.AddPolycloud(...)</c>.</param>
    /// <returns>The builder.</returns>
    public static PolycloudBuilder AddAzure(this PolycloudBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        RegisterQueues(builder.Services);
        return builder;
    }

    /// <summary>Registers the Azure schemes (<c>azqueue://</c>) in an opener.</summary>
    /// <param name="opener">The opener.</param>
    /// <returns>The opener.</returns>
    public static PolycloudOpener AddAzure(this PolycloudOpener opener)
    {
        ArgumentNullException.ThrowIfNull(opener);
        RegisterQueues(opener);
        return opener;
    }

    private static void RegisterQueues(IServiceCollection services)
        => services.TryAddEnumerable(ServiceDescriptor.Singleton<IQueueDriverFactory, AzureQueueDriverFactory>());

    private static void RegisterQueues(PolycloudOpener opener) => opener.AddQueueDriver(new AzureQueueDriverFactory());
}
