namespace Polycloud.Aws.Functions;

/// <content>Where the function lives: its configured region and, when named by ARN, its account.</content>
public sealed partial class LambdaFunctionDriver
{
    /// <summary>Reports the function's region (from its options) and, when the function was named by ARN, its account. No call is made.</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The location.</returns>
    public Task<ResourceLocation> GetLocationAsync(CancellationToken cancellationToken)
    {
        // arn:aws:lambda:{region}:{account}:function:{name}[:{qualifier}], or the partial {account}:function:{name}.
        string[] parts = FunctionName.Split(':');
        string? account = parts.Length >= 7 && parts[0] == "arn" ? parts[4] : parts.Length >= 3 && parts[1] == "function" ? parts[0] : null;
        string region = parts.Length >= 7 && parts[0] == "arn" && parts[3].Length > 0 ? parts[3] : _signer.Region;
        var details = new Dictionary<string, string> { ["invokeEndpoint"] = new Uri(_invokeUrl).GetLeftPart(UriPartial.Authority) };
        return Task.FromResult(new ResourceLocation
        {
            Provider = "aws",
            Service = ProviderName,
            Kind = ResourceKind.Function,
            Name = parts.Length >= 7 && parts[0] == "arn" ? parts[6] : FunctionName,
            Account = LocationValue.KnownOrUnknown(account, "the function is named without an ARN; the Invoke API does not report its account"),
            Region = LocationValue.Known(region),
            LocationType = LocationValue.Known("region"),
            Replication = LocationValue.Known("multi-AZ (Lambda)"),
            Details = details,
        });
    }
}
