namespace Polycloud.Blobs.FileSystem;

/// <content>Where the resource lives: on this machine.</content>
public sealed partial class FileBlobDriver
{
    /// <inheritdoc/>
    public Task<ResourceLocation> GetLocationAsync(CancellationToken cancellationToken)
        => Task.FromResult(ResourceLocation.Local(ProviderName, ResourceKind.Blob, BucketName, new Dictionary<string, string> { ["host"] = Environment.MachineName, ["path"] = _root }));
}
