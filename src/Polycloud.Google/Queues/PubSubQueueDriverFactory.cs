using Google.Apis.Auth.OAuth2;
using Polycloud.Queues.Drivers;

namespace Polycloud.Google.Queues;

/// <summary>
/// Opens <c>gcppubsub://projects/{project}/topics/{topic}?subscription={subscription}</c> (or
/// <c>gcppubsub://{topic}?project={project}&amp;subscription=…</c>) queues. Settings: <c>subscription</c> (required: a
/// short name in the topic's project or a full <c>projects/{p}/subscriptions/{s}</c>), and the Google settings
/// (<see cref="GoogleSettings"/>): <c>project</c>, <c>endpoint</c> (the service root; default the public endpoint),
/// <c>credentialsFile</c>, <c>anonymous</c> (<c>true</c> for an emulator: no Authorization header; old name
/// <c>unauthenticated</c>). Credentials: the service-account key file, else a <see cref="GoogleCredential"/>
/// registered in the container, else Application Default Credentials, resolved at the first call and scoped to
/// <see cref="PubSubQueueDriver.Scope"/>.
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
        var google = GoogleSettings.Read(url, GoogleSettingKinds.Project | GoogleSettingKinds.Endpoint | GoogleSettingKinds.Anonymous, obsoleteAnonymousName: "unauthenticated");
        string subscription = url.GetRequired("subscription", "the pull subscription to receive from, e.g. 'orders-worker'");
        url.ThrowIfUnknownSettings("gcp-pubsub");
        string topic;
        if (string.Equals(url.Host, "projects", StringComparison.Ordinal))
        {
            topic = url.Host + url.Path;
            if (google.Project is { } named && !topic.StartsWith($"projects/{named}/", StringComparison.Ordinal))
            {
                throw CloudException.InvalidArgument("project", $"the setting 'project' ({named}) differs from the project in the topic '{topic}'; remove one.");
            }
        }
        else
        {
            if (url.Host.Length == 0 || url.Path.Trim('/').Length > 0)
            {
                throw CloudException.InvalidArgument("url", $"'{url}' is not a Pub/Sub topic: write 'gcppubsub://projects/{{project}}/topics/{{topic}}' or 'gcppubsub://{{topic}}?project={{project}}'.");
            }

            string project = google.FindProject("gcp-pubsub")
                ?? throw CloudException.InvalidArgument("project", $"'{url}' names the topic without its project: add 'project=…', set GOOGLE_CLOUD_PROJECT, or write 'gcppubsub://projects/{{project}}/topics/{url.Host}'.");
            topic = $"projects/{project}/topics/{url.Host}";
        }

        Func<CancellationToken, Task<ITokenAccess?>> credential;
        if (google.Anonymous)
        {
            credential = static _ => Task.FromResult<ITokenAccess?>(null);
        }
        else
        {
            var registered = google.GetCredential(services, "gcp-pubsub");
            Task<ITokenAccess?>? resolved = null;
            credential = ct => resolved ??= ResolveAsync(registered, ct);
        }

        return new PubSubQueueDriver(SharedHttp.Value, topic, subscription, credential, google.Endpoint, ownsHttpClient: false) { TimeProvider = services?.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System };
    }

    private static async Task<ITokenAccess?> ResolveAsync(GoogleCredential? registered, CancellationToken cancellationToken)
    {
        var credential = registered ?? await GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false);
        return credential.CreateScoped(PubSubQueueDriver.Scope);
    }
}
