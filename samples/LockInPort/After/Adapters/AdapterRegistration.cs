using Amazon.S3;
using Amazon.SQS;
using Azure.Storage.Queues;
using LockInPort.Receipts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LockInPort.Adapters;

public static class AdapterRegistration
{
    /// <summary>Registers the store and notifier of the configured provider (<c>Provider</c> = aws | azure | google).</summary>
    public static IServiceCollection AddReceiptAdapters(this IServiceCollection services, IConfiguration section)
    {
        services.Configure<ReceiptOptions>(section);
        switch (section["Provider"])
        {
            case "azure":
                services.AddSingleton<IReceiptStore, AzureReceiptStore>();
                services.AddSingleton(_ => new QueueServiceClient(new Uri(section["AzureQueueServiceUri"] ?? throw new InvalidOperationException("Receipts:AzureQueueServiceUri is not set.")), new Azure.Identity.DefaultAzureCredential()));
                services.AddSingleton<IReceiptNotifier, AzureQueueNotifier>();
                break;
            case "google":
                services.AddSingleton<IReceiptStore, GcsReceiptStore>();
                services.AddSingleton<IReceiptNotifier, NoNotifier>();
                break;
            default:
                services.AddSingleton<IAmazonS3, AmazonS3Client>();
                services.AddSingleton<IAmazonSQS, AmazonSQSClient>();
                services.AddSingleton<IReceiptStore, S3ReceiptStore>();
                services.AddSingleton<IReceiptNotifier, SqsReceiptNotifier>();
                break;
        }

        return services;
    }
}
