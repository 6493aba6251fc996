using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Polycloud.Google.Tests.Queues;

/// <summary>
/// An in-process Pub/Sub that follows the documented v1 REST contract for publish, pull, acknowledge and
/// modifyAckDeadline: ack deadlines (messages not acknowledged in time are delivered again with a new ack id), nack by
/// a zero deadline, acknowledgements of stale ack ids ignored (no exactly-once delivery), deliveryAttempt reported only
/// when the subscription has a dead-letter policy, forwarding to the dead-letter topic once a message has been
/// delivered maxDeliveryAttempts times, held pulls that end when messages arrive or the request is cancelled, and
/// google.rpc error bodies (404 NOT_FOUND, 400 INVALID_ARGUMENT, 401 UNAUTHENTICATED).
/// </summary>
internal sealed class FakePubSubServer : HttpMessageHandler
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<string>> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);
    private long _nextId;

    public string? RequiredBearerToken { get; set; }

    public TimeSpan PullHoldTime { get; set; } = TimeSpan.FromSeconds(30);

    public ConcurrentQueue<(string Path, string? Authorization, JsonNode? Body)> Requests { get; } = new();

    public void CreateTopic(string topic)
    {
        lock (_gate)
        {
            _topics.TryAdd(topic, []);
        }
    }

    public void CreateSubscription(string subscription, string topic, int ackDeadlineSeconds = 10, string? deadLetterTopic = null, int maxDeliveryAttempts = 5)
    {
        lock (_gate)
        {
            _topics[topic].Add(subscription);
            _subscriptions[subscription] = new Subscription(ackDeadlineSeconds, deadLetterTopic, maxDeliveryAttempts);
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string path = request.RequestUri!.AbsolutePath;
        string text = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var body = text.Length == 0 ? null : JsonNode.Parse(text);
        string? auth = request.Headers.Authorization?.ToString();
        Requests.Enqueue((path, auth, body));
        if (RequiredBearerToken is not null && auth != "Bearer " + RequiredBearerToken)
        {
            return Error(HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
        }

        if (request.Method == HttpMethod.Get && path.StartsWith("/v1/", StringComparison.Ordinal) && path.Contains("/subscriptions/", StringComparison.Ordinal) && !path.Contains(':', StringComparison.Ordinal))
        {
            return GetSubscription(path[4..]);
        }

        if (request.Method != HttpMethod.Post || !path.StartsWith("/v1/", StringComparison.Ordinal) || !path.Contains(':', StringComparison.Ordinal))
        {
            return Error(HttpStatusCode.NotFound, "NOT_FOUND", $"No such method: {request.Method} {path}");
        }

        string resource = path[4..path.LastIndexOf(':')];
        string verb = path[(path.LastIndexOf(':') + 1)..];
        return verb switch
        {
            "publish" => Publish(resource, body!),
            "pull" => await PullAsync(resource, body!, cancellationToken),
            "acknowledge" => Acknowledge(resource, body!),
            "modifyAckDeadline" => ModifyAckDeadline(resource, body!),
            _ => Error(HttpStatusCode.NotFound, "NOT_FOUND", $"Unknown method {verb}"),
        };
    }

    private HttpResponseMessage Publish(string topic, JsonNode body)
    {
        var ids = new JsonArray();
        lock (_gate)
        {
            if (!_topics.TryGetValue(topic, out var subscriptions))
            {
                return Error(HttpStatusCode.NotFound, "NOT_FOUND", $"Resource not found (resource={topic}).");
            }

            foreach (var m in body["messages"]!.AsArray())
            {
                string? data = m!["data"]?.GetValue<string>();
                var attributes = m["attributes"]?.AsObject();
                if (string.IsNullOrEmpty(data) && (attributes is null || attributes.Count == 0))
                {
                    return Error(HttpStatusCode.BadRequest, "INVALID_ARGUMENT", "Some messages are empty: a message must have data or attributes.");
                }

                string id = (++_nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
                ids.Add(id);
                foreach (string s in subscriptions)
                {
                    _subscriptions[s].Messages.Add(new Stored(id, data, attributes?.DeepClone().AsObject(), m["orderingKey"]?.GetValue<string>(), DateTimeOffset.UtcNow));
                }
            }
        }

        return Json(new JsonObject { ["messageIds"] = ids });
    }

    private async Task<HttpResponseMessage> PullAsync(string subscription, JsonNode body, CancellationToken cancellationToken)
    {
        int max = body["maxMessages"]!.GetValue<int>();
        bool immediately = body["returnImmediately"]?.GetValue<bool>() ?? false;
        var deadline = DateTimeOffset.UtcNow + PullHoldTime;
        while (true)
        {
            var received = new JsonArray();
            lock (_gate)
            {
                if (!_subscriptions.TryGetValue(subscription, out var sub))
                {
                    return Error(HttpStatusCode.NotFound, "NOT_FOUND", $"Resource not found (resource={subscription}).");
                }

                var now = DateTimeOffset.UtcNow;
                foreach (var m in sub.Messages.ToArray())
                {
                    if (received.Count >= max)
                    {
                        break;
                    }

                    if (m.VisibleAt > now)
                    {
                        continue;
                    }

                    if (sub.DeadLetterTopic is not null && m.DeliveryAttempt >= sub.MaxDeliveryAttempts)
                    {
                        // Delivered the maximum number of times: forwarded to the dead-letter topic.
                        sub.Messages.Remove(m);
                        foreach (string s in _topics[sub.DeadLetterTopic])
                        {
                            _subscriptions[s].Messages.Add(m with { DeliveryAttempt = 0, VisibleAt = default, AckId = null });
                        }

                        continue;
                    }

                    m.DeliveryAttempt++;
                    m.AckId = Guid.NewGuid().ToString("N");
                    m.VisibleAt = now.AddSeconds(sub.AckDeadlineSeconds);
                    var message = new JsonObject { ["data"] = m.Data ?? string.Empty, ["messageId"] = m.Id, ["publishTime"] = m.PublishTime.ToString("O") };
                    if (m.Attributes is not null)
                    {
                        message["attributes"] = m.Attributes.DeepClone();
                    }

                    if (m.OrderingKey is not null)
                    {
                        message["orderingKey"] = m.OrderingKey;
                    }

                    var r = new JsonObject { ["ackId"] = m.AckId, ["message"] = message };
                    if (sub.DeadLetterTopic is not null)
                    {
                        r["deliveryAttempt"] = m.DeliveryAttempt;
                    }

                    received.Add(r);
                }
            }

            if (received.Count > 0)
            {
                return Json(new JsonObject { ["receivedMessages"] = received });
            }

            if (immediately || DateTimeOffset.UtcNow >= deadline)
            {
                return Json(new JsonObject());
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary><c>subscriptions.get</c>: the Subscription resource (name, ack deadline), or 404 for an unknown one.</summary>
    private HttpResponseMessage GetSubscription(string subscription)
    {
        lock (_gate)
        {
            if (!_subscriptions.TryGetValue(subscription, out var sub))
            {
                return Error(HttpStatusCode.NotFound, "NOT_FOUND", $"Resource not found (resource={subscription}).");
            }

            return Json(new JsonObject { ["name"] = subscription, ["ackDeadlineSeconds"] = sub.AckDeadlineSeconds });
        }
    }

    private HttpResponseMessage Acknowledge(string subscription, JsonNode body)
    {
        lock (_gate)
        {
            if (!_subscriptions.TryGetValue(subscription, out var sub))
            {
                return Error(HttpStatusCode.NotFound, "NOT_FOUND", $"Resource not found (resource={subscription}).");
            }

            foreach (var ackId in body["ackIds"]!.AsArray())
            {
                sub.Messages.RemoveAll(m => m.AckId == ackId!.GetValue<string>());
            }
        }

        return Json(new JsonObject());
    }

    private HttpResponseMessage ModifyAckDeadline(string subscription, JsonNode body)
    {
        int seconds = body["ackDeadlineSeconds"]!.GetValue<int>();
        if (seconds is < 0 or > 600)
        {
            return Error(HttpStatusCode.BadRequest, "INVALID_ARGUMENT", $"Invalid ack deadline given: {seconds}. The ack deadline must be between 0 and 600 seconds.");
        }

        lock (_gate)
        {
            if (!_subscriptions.TryGetValue(subscription, out var sub))
            {
                return Error(HttpStatusCode.NotFound, "NOT_FOUND", $"Resource not found (resource={subscription}).");
            }

            var now = DateTimeOffset.UtcNow;
            foreach (var ackId in body["ackIds"]!.AsArray())
            {
                var m = sub.Messages.Find(x => x.AckId == ackId!.GetValue<string>() && x.VisibleAt > now);
                if (m is not null)
                {
                    m.VisibleAt = now.AddSeconds(seconds);
                    if (seconds == 0)
                    {
                        m.AckId = null;
                    }
                }
            }
        }

        return Json(new JsonObject());
    }

    private static HttpResponseMessage Json(JsonNode node)
        => new(HttpStatusCode.OK) { Content = new StringContent(node.ToJsonString(), Encoding.UTF8, "application/json") };

    private static HttpResponseMessage Error(HttpStatusCode code, string status, string message)
        => new(code)
        {
            Content = new StringContent(
                new JsonObject { ["error"] = new JsonObject { ["code"] = (int)code, ["message"] = message, ["status"] = status } }.ToJsonString(),
                Encoding.UTF8,
                "application/json"),
        };

    private sealed record Subscription(int AckDeadlineSeconds, string? DeadLetterTopic, int MaxDeliveryAttempts)
    {
        public List<Stored> Messages { get; } = [];
    }

    private sealed record Stored(string Id, string? Data, JsonObject? Attributes, string? OrderingKey, DateTimeOffset PublishTime)
    {
        public int DeliveryAttempt { get; set; }

        public string? AckId { get; set; }

        public DateTimeOffset VisibleAt { get; set; }
    }
}
