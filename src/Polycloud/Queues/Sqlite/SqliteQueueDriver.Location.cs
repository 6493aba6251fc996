namespace Polycloud.Queues.Sqlite;

/// <content>Where the resource lives: on this machine.</content>
public sealed partial class SqliteQueueDriver
{
    /// <inheritdoc/>
    public Task<ResourceLocation> GetLocationAsync(CancellationToken cancellationToken)
        => Task.FromResult(ResourceLocation.Local(ProviderName, ResourceKind.Queue, QueueName, new Dictionary<string, string> { ["host"] = Environment.MachineName, ["path"] = DatabasePath }));
}
