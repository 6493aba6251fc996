namespace Polycloud.Aws;

/// <summary>Shared helpers for the AWS drivers' locations.</summary>
internal static class AwsLocations
{
    /// <summary>The region of an AWS SDK client: its configured region endpoint, else its authentication region.</summary>
    public static string? ClientRegion(Amazon.Runtime.IClientConfig? config)
        => config?.RegionEndpoint?.SystemName is { Length: > 0 } r ? r
            : config?.AuthenticationRegion is { Length: > 0 } a ? a
            : null;

    /// <summary>The endpoint detail when the client talks to a custom endpoint (an emulator or a private endpoint).</summary>
    public static void AddEndpoint(Dictionary<string, string> details, string? serviceUrl)
    {
        if (!string.IsNullOrEmpty(serviceUrl) && Uri.TryCreate(serviceUrl, UriKind.Absolute, out Uri? uri))
        {
            // Only scheme, host and port: never a query that could carry a credential.
            details["endpoint"] = uri.GetLeftPart(UriPartial.Authority);
        }
    }
}
