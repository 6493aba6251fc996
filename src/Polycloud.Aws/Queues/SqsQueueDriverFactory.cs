using Amazon.SQS;
using Microsoft.Extensions.DependencyInjection;
using Polycloud.Queues.Drivers;

namespace Polycloud.Aws.Queues;

/// <summary>
/// Opens <c>sqs://queue-name</c> queues. Settings: the AWS settings every AWS resource reads (<see cref="AwsSettings"/>:
/// <c>region</c>, <c>endpoint</c>, <c>profile</c>, <c>accessKeyId</c> + <c>secretAccessKey</c> (+ <c>sessionToken</c>)),
/// and <c>queueUrl</c> (use this URL instead of resolving the name). An <see cref="IAmazonSQS"/> registered in the
/// container is used as is when the URL names no region, endpoint, profile or keys.
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
        var aws = AwsSettings.Read(url);
        string? queueUrl = url.Get("queueUrl");
        url.ThrowIfUnknownSettings("aws-sqs");
        aws.Validate();
        if (url.Host.Length == 0 && string.IsNullOrEmpty(queueUrl))
        {
            throw CloudException.InvalidArgument("url", $"'{url}' has no queue name; write 'sqs://queue-name?region=us-east-1'.");
        }

        if (!aws.HasConnectionSettings && services?.GetService<IAmazonSQS>() is { } shared)
        {
            return new SqsQueueDriver(shared, queueUrl ?? url.Host, ownsClient: false) { TimeProvider = services?.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System };
        }

        var credentials = aws.GetCredentials(services);
        var config = aws.Configure(new AmazonSQSConfig(), url);
        var client = credentials is null ? new AmazonSQSClient(config) : new AmazonSQSClient(credentials, config);
        return new SqsQueueDriver(client, queueUrl ?? url.Host, ownsClient: true) { TimeProvider = services?.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System };
    }
}
