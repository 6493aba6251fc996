namespace Polycloud.Google.Queues;

/// <content>Where the queue lives: the project of its topic.</content>
public sealed partial class PubSubQueueDriver
{
    /// <summary>
    /// Reports the project of the topic and subscription. Pub/Sub is a global service: where messages are stored
    /// depends on the topic's message storage policy, which this driver does not read, so the region is unknown with that reason.
    /// No call is made.
    /// </summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The location.</returns>
    public Task<ResourceLocation> GetLocationAsync(CancellationToken cancellationToken)
    {
        string project = Topic.Split('/')[1];
        return Task.FromResult(new ResourceLocation
        {
            Provider = "gcp",
            Service = ProviderName,
            Kind = ResourceKind.Queue,
            Name = QueueName,
            Account = LocationValue.Known(project),
            Region = LocationValue.Unknown("Pub/Sub is global; messages are stored in the regions of the topic's message storage policy, which is not read"),
            LocationType = LocationValue.Known("global"),
            Replication = LocationValue.Known("multi-zone (Pub/Sub)"),
            Details = new Dictionary<string, string> { ["topic"] = Topic, ["subscription"] = Subscription, ["endpoint"] = _publishUri.GetLeftPart(UriPartial.Authority) },
        });
    }
}
