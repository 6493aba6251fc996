namespace Polycloud.Google.Functions;

/// <content>Where the function lives: region and project from its URL.</content>
public sealed partial class CloudFunctionsDriver
{
    /// <summary>
    /// Reports region and project from a <c>https://{region}-{project}.cloudfunctions.net/{name}</c> URL. Other URLs
    /// (Cloud Run's <c>*.run.app</c>) do not name them, so they are unknown with that reason. No call is made.
    /// </summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The location.</returns>
    public Task<ResourceLocation> GetLocationAsync(CancellationToken cancellationToken)
    {
        var (region, project) = ParseFunctionHost(_url.Host);
        string why = $"the function URL's host '{_url.Host}' is not '{{region}}-{{project}}.cloudfunctions.net'";
        return Task.FromResult(new ResourceLocation
        {
            Provider = "gcp",
            Service = ProviderName,
            Kind = ResourceKind.Function,
            Name = FunctionName,
            Account = LocationValue.KnownOrUnknown(project, why),
            Region = LocationValue.KnownOrUnknown(region, why),
            LocationType = region is null ? LocationValue.Unknown(why) : LocationValue.Known("region"),
            Replication = LocationValue.NotApplicable,
            Details = new Dictionary<string, string> { ["endpoint"] = _url.GetLeftPart(UriPartial.Authority) },
        });
    }

    /// <summary>Splits <c>{region}-{project}.cloudfunctions.net</c>; a region is two dash-separated words, the second ending in a digit.</summary>
    /// <param name="host">The host.</param>
    /// <returns>Region and project, or nulls.</returns>
    internal static (string? Region, string? Project) ParseFunctionHost(string host)
    {
        const string Suffix = ".cloudfunctions.net";
        if (!host.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase))
        {
            return (null, null);
        }

        string label = host[..^Suffix.Length];
        int first = label.IndexOf('-', StringComparison.Ordinal);
        int second = first < 0 ? -1 : label.IndexOf('-', first + 1);
        if (first <= 0 || second <= first + 1 || second == label.Length - 1 || !char.IsAsciiDigit(label[second - 1]))
        {
            return (null, null);
        }

        return (label[..second].ToLowerInvariant(), label[(second + 1)..]);
    }
}
