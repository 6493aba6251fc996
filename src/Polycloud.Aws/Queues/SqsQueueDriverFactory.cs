using Amazon;
using Amazon.Runtime;
using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;
using Polycloud.Queues.Drivers;

namespace Polycloud.Aws.Queues;

/// <summary>
/// Opens <c>sqs://queue-name</c> queues. Settings: <c>region</c> (for example <c>us-east-1</c>; default: the SDK's
/// region chain), <c>endpoint</c> (a service URL, for example a local emulator), <c>queueUrl</c> (use this URL instead
/// of resolving the name). Credentials: an <see cref="AWSCredentials"/> registered in the container, else the SDK's
/// default chain. An <see cref="IAmazonSQS"/> registered in the container is used as is when no region or endpoint is given.
/// </summary>
public sealed class SqsQueueDriverFactory : IQueueDriverFactory
{
    private static readonly string[] SchemeList = ["sqs"];

    /// <inheritdoc/>
    public IReadOnlyList<string> Schemes => SchemeList;

    /// <inheritdoc/>
    public IQueueDriver Create(CloudUrl url, IServiceProvider? services)
    {
        ArgumentNullException.ThrowIfNull(url);
        string? region = url.Get("region");
        var endpoint = url.GetUri("endpoint");
        string? queueUrl = url.Get("queueUrl");
        url.ThrowIfUnknownSettings("aws-sqs");
        if (url.Host.Length == 0 && string.IsNullOrEmpty(queueUrl))
        {
            throw CloudException.InvalidArgument("url", $"'{url}' has no queue name; write 'sqs://queue-name?region=us-east-1'.");
        }

        if (region is null && endpoint is null && services?.GetService<IAmazonSQS>() is { } shared)
        {
            return new SqsQueueDriver(shared, queueUrl ?? url.Host, ownsClient: false);
        }

        var config = new AmazonSQSConfig();
        if (region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        if (endpoint is not null)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = region ?? "us-east-1";
        }

        var credentials = services?.GetService<AWSCredentials>();
        var client = credentials is null ? new AmazonSQSClient(config) : new AmazonSQSClient(credentials, config);
        return new SqsQueueDriver(client, queueUrl ?? url.Host, ownsClient: true);
    }
}
