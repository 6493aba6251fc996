namespace Polycloud;

/// <summary>The kind of a portable resource.</summary>
public enum ResourceKind
{
    /// <summary>A blob bucket or container (<see cref="Blobs.BlobBucket"/>).</summary>
    Blob,

    /// <summary>A message queue (<see cref="Queues.MessageQueue"/>).</summary>
    Queue,

    /// <summary>A function (<see cref="Functions.CloudFunction"/>).</summary>
    Function,

    /// <summary>A database.</summary>
    Database,
}

/// <summary>
/// Where a resource lives: its provider, account or project, region, the kind of location, and how its data is
/// replicated, as reported by the provider. A field the provider cannot report is <see cref="LocationValue.Unknown"/>
/// with the reason, never an empty string. Read it with <c>GetLocationAsync</c> on <see cref="Blobs.BlobBucket"/>,
/// <see cref="Queues.MessageQueue"/> or <see cref="Functions.CloudFunction"/>.
/// </summary>
public sealed record ResourceLocation
{
    /// <summary>The provider: <c>aws</c>, <c>azure</c>, <c>gcp</c>, <c>local</c>, or a third-party driver's name.</summary>
    public required string Provider { get; init; }

    /// <summary>The driver's service name, for example <c>aws-s3</c>, <c>azure-queue</c>, <c>memory</c>.</summary>
    public required string Service { get; init; }

    /// <summary>The kind of resource.</summary>
    public required ResourceKind Kind { get; init; }

    /// <summary>The resource's name at the provider (bucket, container, queue, function).</summary>
    public required string Name { get; init; }

    /// <summary>The account, storage account, project or (for local resources) machine that holds the resource.</summary>
    public LocationValue Account { get; init; }

    /// <summary>The region (lower case, as the provider names it: <c>eu-west-1</c>, <c>westeurope</c>, <c>europe-west1</c>,
    /// <c>eu</c> for a multi-region), or <c>local</c> for local resources.</summary>
    public LocationValue Region { get; init; }

    /// <summary>The kind of location: <c>region</c>, <c>multi-region</c>, <c>dual-region</c>, <c>global</c>, <c>local</c>.</summary>
    public LocationValue LocationType { get; init; }

    /// <summary>How the data is replicated, for example <c>LRS</c>, <c>GRS</c>, <c>RA-GZRS</c>, or a recovery point objective.</summary>
    public LocationValue Replication { get; init; }

    /// <summary>Further facts, for example <c>path</c>, <c>endpoint</c>, <c>accountKind</c>. Never secrets.</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = EmptyDetails;

    /// <summary><see langword="true"/> when the region is known.</summary>
    public bool IsRegionKnown => Region.IsKnown;

    private static IReadOnlyDictionary<string, string> EmptyDetails { get; } = new Dictionary<string, string>();

    /// <summary>A location of which nothing is known, for drivers that do not report one.</summary>
    /// <param name="provider">The provider (or driver) name.</param>
    /// <param name="kind">The kind.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="reason">Why nothing is known.</param>
    /// <returns>The location.</returns>
    public static ResourceLocation Unknown(string provider, ResourceKind kind, string name, string reason)
    {
        var unknown = LocationValue.Unknown(reason);
        return new ResourceLocation
        {
            Provider = provider,
            Service = provider,
            Kind = kind,
            Name = name,
            Account = unknown,
            Region = unknown,
            LocationType = unknown,
            Replication = unknown,
        };
    }

    /// <summary>A local resource: provider and region <c>local</c>, the machine as account, no replication.</summary>
    /// <param name="service">The driver's name (<c>memory</c>, <c>file</c>, <c>sqlite</c>, <c>local</c>).</param>
    /// <param name="kind">The kind.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="details">Where on the machine: <c>path</c> or <c>host</c>.</param>
    /// <returns>The location.</returns>
    public static ResourceLocation Local(string service, ResourceKind kind, string name, IReadOnlyDictionary<string, string>? details = null)
        => new()
        {
            Provider = "local",
            Service = service,
            Kind = kind,
            Name = name,
            Account = LocationValue.Known(Environment.MachineName),
            Region = LocationValue.Known("local"),
            LocationType = LocationValue.Known("local"),
            Replication = LocationValue.NotApplicable,
            Details = details ?? EmptyDetails,
        };

    /// <summary>A one-line description, for logs: provider, name, account, region.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => $"{Kind} {Service}:{Name} account={Account} region={Region}";
}
