using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Polycloud.Aws.Blobs;
using Polycloud.Aws.Databases;
using Polycloud.Aws.Functions;
using Polycloud.Aws.Queues;
using Polycloud.Blobs.Drivers;
using Polycloud.Databases;
using Polycloud.DependencyInjection;
using Polycloud.Functions.Drivers;
using Polycloud.Queues.Drivers;

namespace Polycloud;

/// <summary>Registers the Amazon Web Services drivers: <c>s3://</c> buckets, <c>sqs://</c> queues, <c>lambda://</c> functions and <c>auth=aws-iam</c> databases.</summary>
public static class PolycloudAwsExtensions
{
    /// <summary>
    /// Registers the AWS drivers in the container, so that resources configured with AWS URLs
    /// (<c>Polycloud:Blobs:{name} = s3://bucket?region=…</c>) open. An <c>Amazon.Runtime.AWSCredentials</c> registered in
    /// the container is used when the URL carries no credentials.
    /// </summary>
    /// <param name="builder">The builder returned by <c>services.AddPolycloud(configuration)</c>.</param>
    /// <returns>The builder.</returns>
    public static PolycloudBuilder AddAws(this PolycloudBuilder builder)
    {
        if (builder is null)
        {
            throw CloudException.InvalidArgument(nameof(builder), "a Polycloud builder is required; call services.AddPolycloud(configuration).AddAws().");
        }

        RegisterBlobs(builder.Services);
        RegisterDatabases(builder.Services);
        RegisterQueues(builder.Services);
        RegisterFunctions(builder.Services);
        return builder;
    }

    /// <summary>Registers the AWS schemes (<c>s3</c>, <c>sqs</c>, <c>lambda</c>) and the <c>aws-iam</c> database mode on an opener.</summary>
    /// <param name="opener">The opener.</param>
    /// <returns>The opener.</returns>
    public static PolycloudOpener AddAws(this PolycloudOpener opener)
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
        => services.TryAddEnumerable(ServiceDescriptor.Singleton<IBlobDriverFactory, S3BlobDriverFactory>());

    private static void RegisterBlobs(PolycloudOpener opener)
        => opener.AddBlobDriver(new S3BlobDriverFactory());

    private static void RegisterQueues(IServiceCollection services)
        => services.TryAddEnumerable(ServiceDescriptor.Singleton<IQueueDriverFactory, SqsQueueDriverFactory>());

    private static void RegisterQueues(PolycloudOpener opener)
        => opener.AddQueueDriver(new SqsQueueDriverFactory());

    private static void RegisterFunctions(IServiceCollection services)
        => services.TryAddEnumerable(ServiceDescriptor.Singleton<IFunctionDriverFactory, LambdaFunctionDriverFactory>());

    private static void RegisterFunctions(PolycloudOpener opener)
        => opener.AddFunctionDriver(new LambdaFunctionDriverFactory());

    private static void RegisterDatabases(IServiceCollection services)
        => services.TryAddEnumerable(ServiceDescriptor.Singleton<IDatabaseAuthProvider, AwsIamDatabaseAuthProvider>());

    private static void RegisterDatabases(PolycloudOpener opener)
        => opener.AddDatabaseAuth(new AwsIamDatabaseAuthProvider());
}
