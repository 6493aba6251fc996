namespace Polycloud.Blobs.Memory;

/// <content>Where the resource lives: on this machine.</content>
public sealed partial class MemoryBlobDriver
{
    /// <inheritdoc/>
    public Task<ResourceLocation> GetLocationAsync(CancellationToken cancellationToken)
        => Task.FromResult(ResourceLocation.Local(ProviderName, ResourceKind.Blob, BucketName, new Dictionary<string, string> { ["host"] = Environment.MachineName, ["storage"] = "process memory" }));
}
