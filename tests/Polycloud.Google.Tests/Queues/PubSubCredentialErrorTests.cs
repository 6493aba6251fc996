using Polycloud.Google.Queues;
using Polycloud.Queues;

namespace Polycloud.Google.Tests.Queues;

/// <summary>
/// Google.Apis.Auth reports missing application default credentials with an InvalidOperationException; the driver
/// reports it as Unauthenticated where it asks for a token, without reading the message, and sends nothing.
/// </summary>
public sealed class PubSubCredentialErrorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MissingCredentials_AreUnauthenticated_AndNothingIsSent()
    {
        var handler = new CountingHandler();
        await using var driver = new PubSubQueueDriver(
            new HttpClient(handler),
            "projects/errors/topics/errors",
            "projects/errors/subscriptions/errors",
            _ => throw new InvalidOperationException("The Application Default Credentials are not available."),
            new Uri("http://pubsub.test/"),
            ownsHttpClient: true);
        var message = new ReceivedMessage("m-1", "ack-1", BinaryData.FromString("x"), new Dictionary<string, string>(), 1, null, DateTimeOffset.UtcNow);
        var ex = await Assert.ThrowsAsync<CloudException>(() => driver.CompleteAsync(message, Ct));
        Assert.Equal(CloudErrorCode.Unauthenticated, ex.ErrorCode);
        Assert.IsType<InvalidOperationException>(ex.InnerException);
        Assert.Equal(0, handler.Calls);
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        public int Calls { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
        }
    }
}
