using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Polycloud.Azure.Blobs;
using Polycloud.Azure.Databases;
using Polycloud.Azure.Functions;
using Polycloud.Azure.Queues;
using Polycloud.Blobs.Drivers;
using Polycloud.Databases;
using Polycloud.DependencyInjection;
using Polycloud.Functions.Drivers;
using Polycloud.Queues.Drivers;

namespace Polycloud;

/// <summary>
/// Registers the Azure providers: <c>azblob://</c> buckets (Azure Blob Storage) and the other Azure capabilities of
/// this package.
/// </summary>
public static class PolycloudAzureExtensions
{
    /// <summary>
    /// Registers the Azure providers in the service collection, for <c>services.AddPolycloud(configuration).AddAzure()</c>.
    /// A <c>TokenCredential</c> registered in the container is used by resources that name no other credential.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddPolycloud</c>.</param>
    /// <returns>The same builder.</returns>
    public static PolycloudBuilder AddAzure(this PolycloudBuilder builder)
    {
        if (builder is null)
        {
            throw CloudException.InvalidArgument(nameof(builder), "a Polycloud builder is required; call services.AddPolycloud(configuration) first.");
        }

        RegisterBlobs(builder.Services);
        RegisterDatabases(builder.Services);
        RegisterQueues(builder.Services);
        RegisterFunctions(builder.Services);
        return builder;
    }

    /// <summary>Registers the Azure providers in an opener, for <c>new PolycloudOpener().AddAzure()</c>.</summary>
    /// <param name="opener">The opener.</param>
    /// <returns>The same opener.</returns>
    public static PolycloudOpener AddAzure(this PolycloudOpener opener)
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
        => services.TryAddEnumerable(ServiceDescriptor.Singleton<IBlobDriverFactory, AzureBlobDriverFactory>(static _ => new AzureBlobDriverFactory()));

    private static void RegisterBlobs(PolycloudOpener opener)
        => opener.AddBlobDriver(new AzureBlobDriverFactory());

    private static void RegisterQueues(IServiceCollection services)
        => services.TryAddEnumerable(ServiceDescriptor.Singleton<IQueueDriverFactory, AzureQueueDriverFactory>());

    private static void RegisterQueues(PolycloudOpener opener)
        => opener.AddQueueDriver(new AzureQueueDriverFactory());

    private static void RegisterFunctions(IServiceCollection services)
        => services.TryAddEnumerable(ServiceDescriptor.Singleton<IFunctionDriverFactory, AzureFunctionsDriverFactory>());

    private static void RegisterFunctions(PolycloudOpener opener)
        => opener.AddFunctionDriver(new AzureFunctionsDriverFactory());

    private static void RegisterDatabases(IServiceCollection services)
        => services.TryAddEnumerable(ServiceDescriptor.Singleton<IDatabaseAuthProvider, AzureEntraDatabaseAuthProvider>());

    private static void RegisterDatabases(PolycloudOpener opener)
        => opener.AddDatabaseAuth(new AzureEntraDatabaseAuthProvider());
}
