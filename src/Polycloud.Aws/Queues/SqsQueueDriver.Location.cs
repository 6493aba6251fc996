namespace Polycloud.Aws.Queues;

/// <content>Where the queue lives: the client's region and the queue URL's account.</content>
public sealed partial class SqsQueueDriver
{
    /// <summary>
    /// Reports the queue's region (the client's region, else the one in the queue URL's host
    /// <c>sqs.{region}.amazonaws.com</c>) and account (the queue URL's first path segment). Resolves the queue URL
    /// when only a name was given.
    /// </summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The location.</returns>
    public async Task<ResourceLocation> GetLocationAsync(CancellationToken cancellationToken)
    {
        string queueUrl = _fixedQueueUrl ?? await GetQueueUrlAsync(cancellationToken).ConfigureAwait(false);
        var (urlRegion, account) = ParseQueueUrl(queueUrl);
        string? region = AwsLocations.ClientRegion(_client.Config) ?? urlRegion;
        var details = new Dictionary<string, string>();
        AwsLocations.AddEndpoint(details, _client.Config?.ServiceURL);
        if (Uri.TryCreate(queueUrl, UriKind.Absolute, out Uri? uri))
        {
            details["queueUrl"] = uri.GetLeftPart(UriPartial.Path);
        }

        return new ResourceLocation
        {
            Provider = "aws",
            Service = ProviderName,
            Kind = ResourceKind.Queue,
            Name = QueueName,
            Account = LocationValue.KnownOrUnknown(account, $"the queue URL '{queueUrl}' has no account segment"),
            Region = LocationValue.KnownOrUnknown(region, "the SQS client has no region and the queue URL names none"),
            LocationType = LocationValue.Known("region"),
            Replication = LocationValue.Known("multi-AZ (SQS)"),
            Details = details,
        };
    }

    /// <summary>Reads region and account from <c>https://sqs.{region}.amazonaws.com/{account}/{name}</c>.</summary>
    /// <param name="queueUrl">The queue URL.</param>
    /// <returns>The region (or <see langword="null"/>) and account (or <see langword="null"/>).</returns>
    internal static (string? Region, string? Account) ParseQueueUrl(string queueUrl)
    {
        if (!Uri.TryCreate(queueUrl, UriKind.Absolute, out Uri? uri))
        {
            return (null, null);
        }

        string? region = null;
        string[] labels = uri.Host.Split('.');
        if (labels.Length >= 4 && labels[0] == "sqs" && labels[2] == "amazonaws")
        {
            region = labels[1];
        }
        else if (labels.Length >= 4 && labels[1] == "queue" && labels[2] == "amazonaws")
        {
            region = labels[0]; // the legacy {region}.queue.amazonaws.com form
        }

        string[] segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string? account = segments.Length >= 2 ? segments[0] : null;
        return (region, account);
    }
}
