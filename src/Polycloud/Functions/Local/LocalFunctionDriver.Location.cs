namespace Polycloud.Functions.Local;

/// <content>Where the resource lives: on this machine.</content>
public sealed partial class LocalFunctionDriver
{
    /// <inheritdoc/>
    public Task<ResourceLocation> GetLocationAsync(CancellationToken cancellationToken)
        => Task.FromResult(ResourceLocation.Local(ProviderName, ResourceKind.Function, FunctionName, new Dictionary<string, string> { ["host"] = Environment.MachineName, ["runtime"] = "in-process" }));
}
