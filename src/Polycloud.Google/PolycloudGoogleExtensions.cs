using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Polycloud.Blobs.Drivers;
using Polycloud.Databases;
using Polycloud.DependencyInjection;
using Polycloud.Functions.Drivers;
using Polycloud.Google.Blobs;
using Polycloud.Google.Databases;
using Polycloud.Google.Functions;
using Polycloud.Google.Queues;
using Polycloud.Queues.Drivers;

namespace Polycloud;

/// <summary>Registers the Google Cloud drivers: <c>gs://</c> buckets (Cloud Storage), <c>gcppubsub://</c> queues (Pub/Sub), <c>gcf://</c> functions and <c>auth=gcp-iam</c> databases.</summary>
public static class PolycloudGoogleExtensions
{
    /// <summary>
    /// Registers the Google Cloud schemes with the container's opener, so that configured resources such as
    /// <c>"Polycloud:Blobs:images": "gs://bucket"</c> open. A <c>GoogleCredential</c> registered in the services is used
    /// when a resource names no credentials of its own.
    /// </summary>
    /// <param name="builder">The builder from <c>services.AddPolycloud(configuration)</c>.</param>
    /// <returns>The builder.</returns>
    public static PolycloudBuilder AddGoogle(this PolycloudBuilder builder)
    {
        if (builder is null)
        {
            throw CloudException.InvalidArgument(nameof(builder), "a Polycloud builder is required; call services.AddPolycloud(configuration).AddGoogle().");
        }

        RegisterBlobs(builder.Services);
        RegisterDatabases(builder.Services);
        RegisterQueues(builder.Services);
        RegisterFunctions(builder.Services);
        return builder;
    }

    /// <summary>Registers the Google Cloud schemes with an opener: <c>new PolycloudOpener().AddGoogle()</c>.</summary>
    /// <param name="opener">The opener.</param>
    /// <returns>The opener.</returns>
    public static PolycloudOpener AddGoogle(this PolycloudOpener opener)
    {
        if (opener is null)
        {
            throw CloudException.InvalidArgument(nameof(opener), "an opener is required.");
        }

        RegisterBlobs(opener);
        RegisterDatabases(opener);
        RegisterQueues(opener);
        RegisterFunctions(opener);
        return opener;
    }

    private static void RegisterBlobs(IServiceCollection services)
        => services.TryAddEnumerable(ServiceDescriptor.Singleton<IBlobDriverFactory, GcsBlobDriverFactory>());

    private static void RegisterBlobs(PolycloudOpener opener)
        => opener.AddBlobDriver(new GcsBlobDriverFactory());

    private static void RegisterDatabases(IServiceCollection services)
        => services.TryAddEnumerable(ServiceDescriptor.Singleton<IDatabaseAuthProvider, GcpIamDatabaseAuthProvider>());

    private static void RegisterDatabases(PolycloudOpener opener)
        => opener.AddDatabaseAuth(new GcpIamDatabaseAuthProvider());

    private static void RegisterQueues(IServiceCollection services)
        => services.TryAddEnumerable(ServiceDescriptor.Singleton<IQueueDriverFactory, PubSubQueueDriverFactory>());

    private static void RegisterQueues(PolycloudOpener opener)
        => opener.AddQueueDriver(new PubSubQueueDriverFactory());

    private static void RegisterFunctions(IServiceCollection services)
        => services.TryAddEnumerable(ServiceDescriptor.Singleton<IFunctionDriverFactory, CloudFunctionsDriverFactory>());

    private static void RegisterFunctions(PolycloudOpener opener)
        => opener.AddFunctionDriver(new CloudFunctionsDriverFactory());
}
