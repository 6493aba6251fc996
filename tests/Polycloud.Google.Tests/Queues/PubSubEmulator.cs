using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Polycloud.Google.Queues;
using Polycloud.Queues;
using Xunit;

namespace Polycloud.Google.Tests.Queues;

/// <summary>
/// Google's Pub/Sub emulator (POLYCLOUD_TEST_PUBSUB, default http://127.0.0.1:8681/, project <c>test</c>; started by
/// <c>eng/emulators.sh start pubsub</c>). Topics and subscriptions are created over its REST API with unique names.
/// </summary>
internal static class PubSubEmulator
{
    public const string Project = "test";

    private static readonly Lazy<string?> Unreachable = new(Probe);

    /// <summary>The emulator's REST root.</summary>
    public static Uri Endpoint { get; } = new(WithSlash(Environment.GetEnvironmentVariable("POLYCLOUD_TEST_PUBSUB") is { Length: > 0 } e ? e : "http://127.0.0.1:8681/"));

    /// <summary>One HTTP client for all emulator tests (held pulls may outlive a test).</summary>
    public static HttpClient Http { get; } = new(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Skips the test, with the reason, when the emulator does not answer.</summary>
    public static void SkipIfUnreachable()
    {
        if (Unreachable.Value is { } reason)
        {
            Assert.Skip(reason);
        }
    }

    /// <summary>A unique topic id.</summary>
    public static string NewId(string purpose) => $"pc-{purpose}-{Guid.NewGuid().ToString("N")[..12]}";

    public static string TopicPath(string id) => $"projects/{Project}/topics/{id}";

    public static string SubscriptionPath(string id) => $"projects/{Project}/subscriptions/{id}";

    public static async Task CreateTopicAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await Http.PutAsync(new Uri(Endpoint, "v1/" + TopicPath(id)), null, cancellationToken);
        await EnsureAsync(response, cancellationToken);
    }

    public static async Task CreateSubscriptionAsync(string id, string topicId, CancellationToken cancellationToken, string? deadLetterTopicId = null, int maxDeliveryAttempts = 5, bool ordering = false)
    {
        var body = new JsonObject { ["topic"] = TopicPath(topicId), ["ackDeadlineSeconds"] = 10 };
        if (deadLetterTopicId is not null)
        {
            body["deadLetterPolicy"] = new JsonObject { ["deadLetterTopic"] = TopicPath(deadLetterTopicId), ["maxDeliveryAttempts"] = maxDeliveryAttempts };
        }

        if (ordering)
        {
            body["enableMessageOrdering"] = true;
        }

        using var response = await Http.PutAsync(new Uri(Endpoint, "v1/" + SubscriptionPath(id)), JsonContent.Create(body), cancellationToken);
        await EnsureAsync(response, cancellationToken);
    }

    /// <summary>A topic and its subscription of the same id; with <paramref name="deadLetterTopicId"/>, a dead-letter policy.</summary>
    public static async Task<PubSubQueueDriver> CreateQueueAsync(string id, CancellationToken cancellationToken, string? deadLetterTopicId = null, int maxDeliveryAttempts = 5, bool ordering = false)
    {
        await CreateTopicAsync(id, cancellationToken);
        await CreateSubscriptionAsync(id, id, cancellationToken, deadLetterTopicId, maxDeliveryAttempts, ordering);
        return Driver(id);
    }

    public static PubSubQueueDriver Driver(string id) => new(Http, TopicPath(id), id, credential: null, Endpoint);

    /// <summary>
    /// A topic and its subscription of the same id, and a queue on them whose requests pass through a
    /// <see cref="TcpRelay"/> on its own HTTP client, so that the pulls it holds open are its own.
    /// </summary>
    public static async Task<RelayedQueue> CreateRelayedQueueAsync(string id, CancellationToken cancellationToken)
    {
        await CreateTopicAsync(id, cancellationToken);
        await CreateSubscriptionAsync(id, id, cancellationToken);
        return new RelayedQueue(id);
    }

    /// <summary>A gcppubsub:// URL for the emulator.</summary>
    public static string Url(string id) => $"gcppubsub://{TopicPath(id)}?subscription={id}&anonymous=true&endpoint={Uri.EscapeDataString(Endpoint.AbsoluteUri)}";

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    private static string? Probe()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(Endpoint.Host, Endpoint.Port);
            return null;
        }
        catch (SocketException e)
        {
            return $"Google's Pub/Sub emulator is not reachable at {Endpoint} ({e.SocketErrorCode}): start it with 'eng/emulators.sh start pubsub' (it needs the Debian package google-cloud-cli-pubsub-emulator and Java), or set POLYCLOUD_TEST_PUBSUB.";
        }
    }

    private static string WithSlash(string s) => s.EndsWith('/') ? s : s + "/";
}

/// <summary>A queue on the emulator reached through a <see cref="TcpRelay"/>; disposing it closes the queue, the client and the relay.</summary>
internal sealed class RelayedQueue : IAsyncDisposable
{
    private readonly TcpRelay _relay = new(PubSubEmulator.Endpoint);
    private readonly HttpClient _http = new(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };

    public RelayedQueue(string id)
        => Queue = new MessageQueue(new PubSubQueueDriver(_http, PubSubEmulator.TopicPath(id), id, credential: null, _relay.Endpoint));

    public MessageQueue Queue { get; }

    public async ValueTask DisposeAsync()
    {
        await Queue.DisposeAsync();
        _http.Dispose();
        await _relay.DisposeAsync();
    }
}
