namespace Polycloud.Queues.Memory;

/// <content>Where the resource lives: on this machine.</content>
public sealed partial class MemoryQueueDriver
{
    /// <inheritdoc/>
    public Task<ResourceLocation> GetLocationAsync(CancellationToken cancellationToken)
        => Task.FromResult(ResourceLocation.Local(ProviderName, ResourceKind.Queue, QueueName, new Dictionary<string, string> { ["host"] = Environment.MachineName, ["storage"] = "process memory" }));
}
