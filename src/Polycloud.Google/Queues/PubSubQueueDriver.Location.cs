using System.Net.Http.Headers;
using System.Text.Json;

namespace Polycloud.Google.Queues;

/// <content>Where the queue lives: the project of its topic, and the regions of the topic's message storage policy.</content>
public sealed partial class PubSubQueueDriver
{
    /// <summary>
    /// Reports the topic's project and reads the topic (topics.get) for its message storage policy: the regions where
    /// messages may be stored. With one allowed region, that is the region; with several, they are listed separated by
    /// commas (a residency check requires every one to be allowed). Without a policy, or when the topic cannot be read
    /// (for example a subscriber without <c>pubsub.topics.get</c>), the region is unknown with the reason.
    /// </summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The location.</returns>
    public async Task<ResourceLocation> GetLocationAsync(CancellationToken cancellationToken)
    {
        string project = Topic.Split('/')[1];
        LocationValue region;
        var details = new Dictionary<string, string> { ["topic"] = Topic, ["subscription"] = Subscription, ["endpoint"] = _publishUri.GetLeftPart(UriPartial.Authority) };
        try
        {
            var regions = await ReadStorageRegionsAsync(cancellationToken).ConfigureAwait(false);
            region = regions.Count == 0
                ? LocationValue.Unknown("Pub/Sub is global and the topic has no message storage policy: messages may be stored in any region")
                : LocationValue.Known(string.Join(",", regions));
            if (regions.Count > 0)
            {
                details["allowedPersistenceRegions"] = string.Join(",", regions);
            }
        }
        catch (PubSubException e)
        {
            region = LocationValue.Unknown($"Pub/Sub is global; the topic's message storage policy could not be read ({e.Message})");
        }

        return new ResourceLocation
        {
            Provider = "gcp",
            Service = ProviderName,
            Kind = ResourceKind.Queue,
            Name = QueueName,
            Account = LocationValue.Known(project),
            Region = region,
            LocationType = LocationValue.Known(region.IsKnown ? (region.Value!.Contains(',', StringComparison.Ordinal) ? "multi-region" : "region") : "global"),
            Replication = LocationValue.Known("multi-zone (Pub/Sub)"),
            Details = details,
        };
    }

    private async Task<List<string>> ReadStorageRegionsAsync(CancellationToken cancellationToken)
    {
        var uri = new Uri(_publishUri.AbsoluteUri[..^":publish".Length]);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (await _credential(cancellationToken).ConfigureAwait(false) is { } credential)
        {
            string token = await credential.GetAccessTokenForRequestAsync(uri.AbsoluteUri, cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var topic = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        var regions = new List<string>();
        if (topic.RootElement.TryGetProperty("messageStoragePolicy", out var policy)
            && policy.TryGetProperty("allowedPersistenceRegions", out var allowed)
            && allowed.ValueKind == JsonValueKind.Array)
        {
            foreach (var r in allowed.EnumerateArray())
            {
                if (r.GetString() is { Length: > 0 } name)
                {
                    regions.Add(name.ToLowerInvariant());
                }
            }
        }

        return regions;
    }
}
