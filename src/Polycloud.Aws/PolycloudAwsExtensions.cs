using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Polycloud.Aws.Queues;
using Polycloud.DependencyInjection;
using Polycloud.Queues.Drivers;

namespace Polycloud.Aws;

/// <summary>Registers the AWS drivers' URL schemes.</summary>
public static class PolycloudAwsExtensions
{
    /// <summary>Registers the AWS schemes (<c>sqs://</c>) in the container's opener.</summary>
    /// <param name="builder">The builder from <c>services.AddPolycloud(...)</c>.</param>
    /// <returns>The builder.</returns>
    public static PolycloudBuilder AddAws(this PolycloudBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        RegisterQueues(builder.Services);
        return builder;
    }

    /// <summary>Registers the AWS schemes (<c>sqs://</c>) in an opener.</summary>
    /// <param name="opener">The opener.</param>
    /// <returns>The opener.</returns>
    public static PolycloudOpener AddAws(this PolycloudOpener opener)
    {
        ArgumentNullException.ThrowIfNull(opener);
        RegisterQueues(opener);
        return opener;
    }

    private static void RegisterQueues(IServiceCollection services)
        => services.TryAddEnumerable(ServiceDescriptor.Singleton<IQueueDriverFactory, SqsQueueDriverFactory>());

    private static void RegisterQueues(PolycloudOpener opener) => opener.AddQueueDriver(new SqsQueueDriverFactory());
}
