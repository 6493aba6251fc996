namespace Polycloud.Azure.Functions;

/// <content>Where the function lives: its app, and the optional <c>location</c> setting.</content>
public sealed partial class AzureFunctionsDriver
{
    /// <summary>
    /// The function app's region as the user gave it (the <c>location</c> setting), or <see langword="null"/>.
    /// The app's HTTP endpoint does not report its region, so without it the region is unknown with that reason.
    /// </summary>
    public string? Location { get; init; }

    /// <summary>Reports the function app (from the host <c>{app}.azurewebsites.net</c>) and, from <see cref="Location"/>, its region. No call is made.</summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The location.</returns>
    public Task<ResourceLocation> GetLocationAsync(CancellationToken cancellationToken)
    {
        string host = _url.Host;
        int dot = host.IndexOf('.', StringComparison.Ordinal);
        string? app = dot > 0 && host.EndsWith(".azurewebsites.net", StringComparison.OrdinalIgnoreCase) ? host[..dot] : null;
        return Task.FromResult(new ResourceLocation
        {
            Provider = "azure",
            Service = ProviderName,
            Kind = ResourceKind.Function,
            Name = FunctionName,
            Account = LocationValue.KnownOrUnknown(app, $"the function URL's host '{host}' is not '{{app}}.azurewebsites.net'"),
            Region = AzureLocations.Region(Location),
            LocationType = LocationValue.Known("region"),
            Replication = LocationValue.NotApplicable,
            Details = new Dictionary<string, string> { ["endpoint"] = AzureLocations.Endpoint(_url) },
        });
    }
}
