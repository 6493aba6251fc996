using Google.Apis.Auth.OAuth2;
using Polycloud.Testing.Conformance.Queues;
using Polycloud.Google.Queues;
using Polycloud.Queues;
using Polycloud.Queues.Drivers;
using Xunit;

namespace Polycloud.Google.Tests.Queues;

/// <summary>
/// The queue conformance suite against the Pub/Sub REST contract, served in process by <see cref="FakePubSubServer"/>
/// (no Pub/Sub emulator runs here). Subscriptions get a dead-letter policy, as Pub/Sub only reports delivery attempts
/// on subscriptions that have one.
/// </summary>
public sealed class PubSubQueueConformanceTests : QueueConformanceTests
{
    internal static readonly Uri Endpoint = new("http://pubsub.test/");
    private readonly FakePubSubServer _server = new();
    private readonly HttpClient _http;

    public PubSubQueueConformanceTests()
    {
        _http = new HttpClient(_server);
    }

    protected override int DeadLetterMaxDeliveries => 5;

    protected override string? StaleLeaseSkipReason
        => "Pub/Sub (without exactly-once delivery) accepts an acknowledgement of an expired ack id and ignores it, so the stale lease cannot be reported; QueueCapabilities.DetectsStaleLease is false and docs/queues.md says so.";

    protected override Task<IQueueDriver> CreateDriverAsync(string name)
    {
        string topic = $"projects/test/topics/{name}";
        _server.CreateTopic(topic);
        _server.CreateTopic(topic + "-dead");
        _server.CreateSubscription($"projects/test/subscriptions/{name}", topic, deadLetterTopic: topic + "-dead", maxDeliveryAttempts: 100);
        return Task.FromResult<IQueueDriver>(new PubSubQueueDriver(_http, topic, name, credential: null, Endpoint));
    }

    protected override IQueueDriver CreateMissingQueueDriver(string name)
        => new PubSubQueueDriver(_http, $"projects/test/topics/{name}", name, credential: null, Endpoint);

    protected override Task<(MessageQueue Queue, MessageQueue DeadLetter)> CreateQueueWithDeadLetterAsync(string name, int maxDeliveries)
    {
        string topic = $"projects/test/topics/{name}";
        string dead = $"projects/test/topics/{name}-dlq";
        _server.CreateTopic(topic);
        _server.CreateTopic(dead);
        _server.CreateSubscription($"projects/test/subscriptions/{name}-dlq", dead);
        _server.CreateSubscription($"projects/test/subscriptions/{name}", topic, deadLetterTopic: dead, maxDeliveryAttempts: maxDeliveries);
        var queue = Track(new MessageQueue(new PubSubQueueDriver(_http, topic, name, credential: null, Endpoint)));
        var dlq = Track(new MessageQueue(new PubSubQueueDriver(_http, dead, name + "-dlq", credential: null, Endpoint)));
        return Task.FromResult((queue, dlq));
    }

    protected override ValueTask CleanupAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>The driver's requests, checked at the wire against the documented REST contract.</summary>
public sealed class PubSubWireTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Publish_sends_base64_data_attributes_ordering_key_and_a_bearer_token()
    {
        var server = new FakePubSubServer { RequiredBearerToken = "token-1" };
        server.CreateTopic("projects/p/topics/orders");
        server.CreateSubscription("projects/p/subscriptions/orders-worker", "projects/p/topics/orders");
        using var http = new HttpClient(server);
        await using var queue = new MessageQueue(new PubSubQueueDriver(http, "projects/p/topics/orders", "orders-worker", new StaticToken("token-1"), PubSubQueueConformanceTests.Endpoint));

        var message = new QueueMessage(new byte[] { 0xFF, 0x00, 0x41 }) { GroupId = "customer-7", Attributes = { ["kind"] = "x" } };
        string id = await queue.SendAsync(message, Ct);

        var (path, auth, body) = server.Requests.Single();
        Assert.Equal("/v1/projects/p/topics/orders:publish", path);
        Assert.Equal("Bearer token-1", auth);
        var sent = body!["messages"]![0]!;
        Assert.Equal("/wBB", sent["data"]!.GetValue<string>());
        Assert.Equal("x", sent["attributes"]!["kind"]!.GetValue<string>());
        Assert.Equal("customer-7", sent["orderingKey"]!.GetValue<string>());

        var m = Assert.Single(await queue.ReceiveAsync(new QueueReceiveOptions { LeaseDuration = TimeSpan.FromSeconds(42) }, Ct));
        Assert.Equal(id, m.MessageId);
        Assert.Equal("customer-7", m.GroupId);
        Assert.Equal(0, m.DeliveryCount); // no dead-letter policy: Pub/Sub does not report delivery attempts
        var requests = server.Requests.ToArray();
        Assert.Equal("/v1/projects/p/subscriptions/orders-worker:pull", requests[1].Path);
        Assert.True(requests[1].Body!["returnImmediately"]!.GetValue<bool>());
        Assert.Equal("/v1/projects/p/subscriptions/orders-worker:modifyAckDeadline", requests[2].Path);
        Assert.Equal(42, requests[2].Body!["ackDeadlineSeconds"]!.GetValue<int>());
        Assert.Equal(m.LeaseToken, requests[2].Body!["ackIds"]![0]!.GetValue<string>());

        await queue.AbandonAsync(m, cancellationToken: Ct);
        Assert.Equal(0, server.Requests.Last().Body!["ackDeadlineSeconds"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_rejected_token_is_Unauthenticated_and_a_missing_topic_NotFound()
    {
        var server = new FakePubSubServer { RequiredBearerToken = "right" };
        using var http = new HttpClient(server);
        await using var queue = new MessageQueue(new PubSubQueueDriver(http, "projects/p/topics/orders", "orders-worker", new StaticToken("wrong"), PubSubQueueConformanceTests.Endpoint));
        var ex = await Assert.ThrowsAsync<CloudException>(() => queue.SendAsync("x", Ct));
        Assert.Equal(CloudErrorCode.Unauthenticated, ex.ErrorCode);
        Assert.IsType<PubSubException>(ex.InnerException);

        server.RequiredBearerToken = null;
        ex = await Assert.ThrowsAsync<CloudException>(() => queue.SendAsync("x", Ct));
        Assert.Equal(CloudErrorCode.NotFound, ex.ErrorCode);
        Assert.Contains("projects/p/topics/orders", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Urls_name_a_topic_and_a_subscription()
    {
        var opener = new PolycloudOpener().AddGoogle();
        using var queue = opener.OpenQueue("gcppubsub://projects/p1/topics/orders?subscription=orders-worker&anonymous=true&endpoint=http://127.0.0.1:8085");
        var driver = queue.As<PubSubQueueDriver>();
        Assert.Equal("projects/p1/topics/orders", driver.Topic);
        Assert.Equal("projects/p1/subscriptions/orders-worker", driver.Subscription);
        Assert.Equal("orders-worker", queue.Name);
        Assert.Equal("gcp-pubsub", queue.Provider);
        Assert.True(queue.TryAs<HttpClient>(out _));

        var ex = Assert.Throws<CloudException>(() => opener.OpenQueue("gcppubsub://projects/p1/topics/orders"));
        Assert.Contains("subscription", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<CloudException>(() => opener.OpenQueue("gcppubsub://projects/p1/orders?subscription=s"));
        Assert.Contains("projects/{project}/topics/{name}", ex.Message, StringComparison.Ordinal);
    }

    private sealed class StaticToken(string token) : ITokenAccess
    {
        public Task<string> GetAccessTokenForRequestAsync(string? authUri = null, CancellationToken cancellationToken = default) => Task.FromResult(token);
    }
}
