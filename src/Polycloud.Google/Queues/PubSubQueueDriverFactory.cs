using Google.Apis.Auth.OAuth2;
using Microsoft.Extensions.DependencyInjection;
using Polycloud.Queues.Drivers;

namespace Polycloud.Google.Queues;

/// <summary>
/// Opens <c>gcppubsub://projects/{project}/topics/{topic}?subscription={subscription}</c> queues. Settings:
/// <c>subscription</c> (required: a short name in the topic's project or a full
/// <c>projects/{p}/subscriptions/{s}</c>), <c>endpoint</c> (the service root; default the public endpoint),
/// <c>unauthenticated</c> (<c>true</c> for an emulator: no Authorization header). Credentials: a
/// <see cref="GoogleCredential"/> registered in the container, else Application Default Credentials, resolved at the
/// first call and scoped to <see cref="PubSubQueueDriver.Scope"/>.
/// </summary>
public sealed class PubSubQueueDriverFactory : IQueueDriverFactory
{
    private static readonly string[] SchemeList = ["gcppubsub"];
    private static readonly Lazy<HttpClient> SharedHttp = new(() => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan });

    /// <inheritdoc/>
    public IReadOnlyList<string> Schemes => SchemeList;

    /// <inheritdoc/>
    public IQueueDriver Create(CloudUrl url, IServiceProvider? services)
    {
        ArgumentNullException.ThrowIfNull(url);
        string subscription = url.GetRequired("subscription", "the pull subscription to receive from, e.g. 'orders-worker'");
        var endpoint = url.GetUri("endpoint");
        bool unauthenticated = url.GetBoolean("unauthenticated", false);
        url.ThrowIfUnknownSettings("gcp-pubsub");
        string topic = url.Host + url.Path;
        Func<CancellationToken, Task<ITokenAccess?>> credential;
        if (unauthenticated)
        {
            credential = static _ => Task.FromResult<ITokenAccess?>(null);
        }
        else
        {
            var registered = services?.GetService<GoogleCredential>();
            Task<ITokenAccess?>? resolved = null;
            credential = ct => resolved ??= ResolveAsync(registered, ct);
        }

        return new PubSubQueueDriver(SharedHttp.Value, topic, subscription, credential, endpoint, ownsHttpClient: false);
    }

    private static async Task<ITokenAccess?> ResolveAsync(GoogleCredential? registered, CancellationToken cancellationToken)
    {
        var credential = registered ?? await GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false);
        return credential.CreateScoped(PubSubQueueDriver.Scope);
    }
}
