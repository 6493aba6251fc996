namespace Polycloud.Azure.Queues;

/// <content>Where the queue lives: its storage account, and the optional <c>location</c> setting.</content>
public sealed partial class AzureQueueDriver
{
    /// <summary>
    /// The storage account's region as the user gave it (the <c>location</c> setting), or <see langword="null"/>.
    /// The queue data plane reports neither region nor replication, so without it the region is unknown with that reason.
    /// </summary>
    public string? Location { get; init; }

    /// <summary>Reports the queue's storage account and, from <see cref="Location"/>, its region. No call is made.</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The location.</returns>
    public Task<ResourceLocation> GetLocationAsync(CancellationToken cancellationToken)
        => Task.FromResult(new ResourceLocation
        {
            Provider = "azure",
            Service = ProviderName,
            Kind = ResourceKind.Queue,
            Name = QueueName,
            Account = LocationValue.KnownOrUnknown(_client.AccountName, "the queue URL names no storage account"),
            Region = AzureLocations.Region(Location),
            LocationType = LocationValue.Known("region"),
            Replication = LocationValue.Unknown("the queue service has no Get Account Information operation; the account's SKU is only in Azure Resource Manager"),
            Details = new Dictionary<string, string> { ["endpoint"] = AzureLocations.Endpoint(_client.Uri) },
        });
}
