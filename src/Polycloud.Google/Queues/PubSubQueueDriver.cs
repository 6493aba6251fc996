using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Google.Apis.Auth.OAuth2;
using Polycloud.Drivers;
using Polycloud.Queues;
using Polycloud.Queues.Drivers;

namespace Polycloud.Google.Queues;

/// <summary>
/// Google Cloud Pub/Sub through its documented REST API (v1: <c>topics.publish</c>, <c>subscriptions.pull</c>,
/// <c>subscriptions.acknowledge</c>, <c>subscriptions.modifyAckDeadline</c>), authenticated with Google.Apis.Auth.
/// The queue is a topic (for sends) and a pull subscription (for receives). Dead-lettering and delivery counts are
/// native: configure a dead-letter policy on the subscription; without one, Pub/Sub reports no delivery count
/// (<see cref="ReceivedMessage.DeliveryCount"/> is 0), so <see cref="QueueCapabilities.ReportsDeliveryCount"/> is
/// <see langword="false"/> and the portable dead-lettering is refused. Pub/Sub has no delayed delivery.
/// Opened as <c>gcppubsub://projects/{project}/topics/{topic}?subscription={subscription}</c>, or built from an
/// <see cref="HttpClient"/> with the constructor.
/// </summary>
public sealed partial class PubSubQueueDriver : IQueueDriver, Polycloud.Drivers.IResourceLocationProvider
{
    /// <summary>The OAuth scope the driver asks for.</summary>
    public const string Scope = "https://www.googleapis.com/auth/pubsub";

    /// <summary>The public endpoint.</summary>
    public static readonly Uri DefaultEndpoint = new("https://pubsub.googleapis.com/");

    private static readonly QueueCapabilities PubSubCapabilities = new()
    {
        MaxMessageSize = 10 * 1000 * 1000,
        MaxAttributes = 100,
        MaxLease = TimeSpan.FromSeconds(600),
        MaxDelay = TimeSpan.Zero,
        MaxReceiveBatch = 1000,
        MaxSendBatch = 1000,
        MaxNativeWait = TimeSpan.FromSeconds(60),
        NativeDeadLetter = true,
        ReportsDeliveryCount = false,
        DetectsStaleLease = false,
        Ordering = "best effort; in order per ordering key when the subscription has message ordering enabled",
    };

    private static readonly IReadOnlyDictionary<string, string> EmptyAttributes = new Dictionary<string, string>().AsReadOnly();
    private readonly HttpClient _http;
    private readonly bool _ownsHttpClient;
    private readonly Func<CancellationToken, Task<ITokenAccess?>> _credential;
    private readonly Uri _publishUri;
    private readonly Uri _pullUri;
    private readonly Uri _acknowledgeUri;
    private readonly Uri _modifyAckDeadlineUri;
    private readonly Uri _subscriptionUri;

    // Pulls whose receive stopped waiting (wait time over, or cancelled) while the service still held them. A pull is
    // never abandoned on the client side: the service would keep it open and deliver the next messages to it, where
    // they would stay invisible until the ack deadline. The next receive that can take its result adopts it; a result
    // that nobody adopts is handed back at once (modifyAckDeadline 0).
    private readonly List<PendingPull> _waitingPulls = [];

    /// <summary>Creates a driver.</summary>
    /// <param name="httpClient">The HTTP client that carries the REST calls.</param>
    /// <param name="topic">The topic, <c>projects/{project}/topics/{topic}</c>.</param>
    /// <param name="subscription">The pull subscription, <c>projects/{project}/subscriptions/{subscription}</c>, or
    /// its short name in the topic's project.</param>
    /// <param name="credential">The credential (for example <c>GoogleCredential.GetApplicationDefault().CreateScoped(PubSubQueueDriver.Scope)</c>),
    /// or <see langword="null"/> for no Authorization header (an emulator).</param>
    /// <param name="endpoint">The service root, default <see cref="DefaultEndpoint"/>.</param>
    /// <param name="ownsHttpClient">Dispose the HTTP client with the driver.</param>
    public PubSubQueueDriver(HttpClient httpClient, string topic, string subscription, ITokenAccess? credential = null, Uri? endpoint = null, bool ownsHttpClient = false)
        : this(httpClient, topic, subscription, _ => Task.FromResult(credential), endpoint, ownsHttpClient)
    {
    }

    internal PubSubQueueDriver(HttpClient httpClient, string topic, string subscription, Func<CancellationToken, Task<ITokenAccess?>> credential, Uri? endpoint, bool ownsHttpClient)
    {
        _http = httpClient ?? throw CloudException.InvalidArgument(nameof(httpClient), "an HTTP client is required.");
        Topic = ValidateName(topic, "topics", nameof(topic));
        if (string.IsNullOrEmpty(subscription))
        {
            throw CloudException.InvalidArgument(nameof(subscription), "a pull subscription is required: 'projects/{project}/subscriptions/{name}' or a short name.");
        }

        Subscription = subscription.Contains('/', StringComparison.Ordinal)
            ? ValidateName(subscription, "subscriptions", nameof(subscription))
            : ValidateName(Topic[..Topic.IndexOf("/topics/", StringComparison.Ordinal)] + "/subscriptions/" + subscription, "subscriptions", nameof(subscription));
        _credential = credential;
        _ownsHttpClient = ownsHttpClient;
        var root = endpoint ?? DefaultEndpoint;
        if (!root.AbsoluteUri.EndsWith('/'))
        {
            root = new Uri(root.AbsoluteUri + "/");
        }

        _publishUri = new Uri(root, "v1/" + Topic + ":publish");
        _pullUri = new Uri(root, "v1/" + Subscription + ":pull");
        _acknowledgeUri = new Uri(root, "v1/" + Subscription + ":acknowledge");
        _modifyAckDeadlineUri = new Uri(root, "v1/" + Subscription + ":modifyAckDeadline");
        _subscriptionUri = new Uri(root, "v1/" + Subscription);
        QueueName = Subscription[(Subscription.LastIndexOf('/') + 1)..];
    }

    /// <summary>The clock that stamps lease expiry times; default <see cref="TimeProvider.System"/> (the factory uses
    /// the <see cref="System.TimeProvider"/> registered in dependency injection, if any).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <inheritdoc/>
    public string ProviderName => "gcp-pubsub";

    /// <inheritdoc/>
    public string QueueName { get; }

    /// <summary>The topic, <c>projects/{project}/topics/{topic}</c>.</summary>
    public string Topic { get; }

    /// <summary>The subscription, <c>projects/{project}/subscriptions/{subscription}</c>.</summary>
    public string Subscription { get; }

    /// <inheritdoc/>
    public QueueCapabilities Capabilities => PubSubCapabilities;

    /// <inheritdoc/>
    /// <remarks>Pub/Sub refuses a message with neither data nor attributes: a message with an empty body and no
    /// attributes is <see cref="CloudErrorCode.InvalidArgument"/> before any call.</remarks>
    public async Task<IReadOnlyList<string>> SendAsync(IReadOnlyList<QueueMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        for (int i = 0; i < messages.Count; i++)
        {
            if (messages[i].Body.ToMemory().IsEmpty && messages[i].Attributes.Count == 0)
            {
                throw CloudException.InvalidArgument(
                    messages.Count == 1 ? "message.Body" : $"messages[{i}].Body",
                    "Pub/Sub refuses a message with an empty body and no attributes; send at least one byte or one attribute.");
            }
        }

        var request = new PublishRequest { Messages = new List<PubsubMessage>(messages.Count) };
        foreach (var m in messages)
        {
            request.Messages.Add(new PubsubMessage
            {
                Data = Convert.ToBase64String(m.Body.ToMemory().Span),
                Attributes = m.Attributes.Count == 0 ? null : m.Attributes as Dictionary<string, string> ?? new Dictionary<string, string>(m.Attributes),
                OrderingKey = m.GroupId,
            });
        }

        var response = await PostAsync(_publishUri, request, PubSubJsonContext.Default.PublishRequest, PubSubJsonContext.Default.PublishResponse, cancellationToken).ConfigureAwait(false);
        if (response?.MessageIds is not { } ids || ids.Count != messages.Count)
        {
            throw new CloudException(CloudErrorCode.Internal, $"{ProviderName}: publish to '{QueueName}' returned {response?.MessageIds?.Count ?? 0} message ids for {messages.Count} messages.", ProviderName);
        }

        return ids;
    }

    /// <inheritdoc/>
    /// <remarks>A wait of zero is one pull with <c>returnImmediately</c>. A longer wait holds a pull on the service;
    /// when the wait ends (or is cancelled) first, the pull is not abandoned: the next receive adopts it, and messages it
    /// brings while no receive waits are made visible again at once (modifyAckDeadline 0), so none waits for the ack
    /// deadline.</remarks>
    public async Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(int maxMessages, TimeSpan leaseDuration, TimeSpan waitTime, CancellationToken cancellationToken)
    {
        PullResponse? response;
        if (waitTime <= TimeSpan.Zero)
        {
            var request = new PullRequest { MaxMessages = maxMessages, ReturnImmediately = true };
            response = await PostAsync(_pullUri, request, PubSubJsonContext.Default.PullRequest, PubSubJsonContext.Default.PullResponse, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var pull = AdoptWaitingPull(maxMessages) ?? new PendingPull(maxMessages, PostAsync(
                _pullUri,
                new PullRequest { MaxMessages = maxMessages },
                PubSubJsonContext.Default.PullRequest,
                PubSubJsonContext.Default.PullResponse,
                CancellationToken.None));
            try
            {
                response = await pull.Response.WaitAsync(waitTime, TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LeaveWaiting(pull);
                return [];
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                LeaveWaiting(pull);
                throw;
            }
        }

        if (response?.ReceivedMessages is not { Count: > 0 } received)
        {
            return [];
        }

        int seconds = (int)Math.Ceiling(leaseDuration.TotalSeconds);
        var ackIds = new List<string>(received.Count);
        foreach (var r in received)
        {
            ackIds.Add(r.AckId!);
        }

        // Pull gives the subscription's ack deadline; set the lease the caller asked for.
        var requestedAt = TimeProvider.GetUtcNow();
        await PostAsync(_modifyAckDeadlineUri, new ModifyAckDeadlineRequest { AckIds = ackIds, AckDeadlineSeconds = seconds }, PubSubJsonContext.Default.ModifyAckDeadlineRequest, CancellationToken.None).ConfigureAwait(false);
        var leaseEnd = requestedAt.AddSeconds(seconds);
        var result = new ReceivedMessage[received.Count];
        for (int i = 0; i < result.Length; i++)
        {
            var r = received[i];
            var m = r.Message!;
            result[i] = new ReceivedMessage(
                m.MessageId!,
                r.AckId!,
                m.Data is { Length: > 0 } data ? new BinaryData(Convert.FromBase64String(data)) : BinaryData.Empty,
                m.Attributes is { Count: > 0 } a ? a.AsReadOnly() : EmptyAttributes,
                r.DeliveryAttempt ?? 0,
                m.PublishTime,
                leaseEnd)
            {
                GroupId = string.IsNullOrEmpty(m.OrderingKey) ? null : m.OrderingKey,
            };
        }

        return result;
    }

    /// <inheritdoc/>
    public Task CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken)
        => PostAsync(_acknowledgeUri, new AcknowledgeRequest { AckIds = [message.LeaseToken] }, PubSubJsonContext.Default.AcknowledgeRequest, cancellationToken);

    /// <inheritdoc/>
    public async Task<string?> ChangeLeaseAsync(ReceivedMessage message, TimeSpan visibleAfter, CancellationToken cancellationToken)
    {
        await PostAsync(
            _modifyAckDeadlineUri,
            new ModifyAckDeadlineRequest { AckIds = [message.LeaseToken], AckDeadlineSeconds = (int)Math.Ceiling(visibleAfter.TotalSeconds) },
            PubSubJsonContext.Default.ModifyAckDeadlineRequest,
            cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <inheritdoc/>
    /// <remarks>One <c>subscriptions.get</c>: it says that the subscription exists and can be read; Pub/Sub reports no
    /// message count there, so <see cref="QueueProperties.ApproximateMessageCount"/> is <see langword="null"/>.</remarks>
    public async Task<QueueProperties> GetPropertiesAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _subscriptionUri);
        if (await _credential(cancellationToken).ConfigureAwait(false) is { } credential)
        {
            string token = await credential.GetAccessTokenForRequestAsync(_subscriptionUri.AbsoluteUri, cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
        }

        return new QueueProperties();
    }

    /// <inheritdoc/>
    public CloudErrorCode ClassifyError(Exception exception)
        => exception switch
        {
            CloudException cloud => cloud.ErrorCode,
            PubSubException e => GoogleErrors.FromStatus(e.Status) ?? CloudErrors.FromHttpStatus(e.StatusCode),
            global::Google.Apis.Auth.OAuth2.Responses.TokenResponseException => CloudErrorCode.Unauthenticated,
            _ when CloudErrors.TryClassifyTransport(exception, out var transport) => transport,

            // An answer that is not the documented JSON.
            JsonException or FormatException => CloudErrorCode.Internal,
            _ => CloudErrorCode.Unknown,
        };

    /// <inheritdoc/>
    public bool TryAs<T>([NotNullWhen(true)] out T? value)
        where T : class
    {
        value = _http as T ?? this as T;
        return value is not null;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        if (_ownsHttpClient)
        {
            _http.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private static string ValidateName(string name, string kind, string argumentName)
    {
        // projects/{project}/{kind}/{name}
        var parts = name?.Split('/') ?? [];
        if (parts.Length != 4 || parts[0] != "projects" || parts[2] != kind || parts[1].Length == 0 || parts[3].Length == 0)
        {
            throw CloudException.InvalidArgument(argumentName, $"'{name}' is not a Pub/Sub {kind[..^1]} name; write 'projects/{{project}}/{kind}/{{name}}'.");
        }

        // The documented resource name rule: 3-255 characters, a letter first, then letters, digits and - _ . ~ + %,
        // not starting with "goog".
        string id = parts[3];
        if (id.Length is < 3 or > 255 || !char.IsAsciiLetter(id[0]) || id.StartsWith("goog", StringComparison.OrdinalIgnoreCase)
            || id.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.' or '~' or '+' or '%')))
        {
            throw CloudException.InvalidArgument(argumentName, $"'{id}' is not a valid Pub/Sub {kind[..^1]} id: it must be 3-255 characters, start with a letter, use only letters, digits and - _ . ~ + %, and not start with 'goog'.");
        }

        return name!;
    }

    private PendingPull? AdoptWaitingPull(int maxMessages)
    {
        lock (_waitingPulls)
        {
            for (int i = 0; i < _waitingPulls.Count; i++)
            {
                // A pull asked for more messages than this receive may return is left to its own fate.
                if (_waitingPulls[i].MaxMessages <= maxMessages)
                {
                    var pull = _waitingPulls[i];
                    _waitingPulls.RemoveAt(i);
                    return pull;
                }
            }
        }

        return null;
    }

    private void LeaveWaiting(PendingPull pull)
    {
        lock (_waitingPulls)
        {
            _waitingPulls.Add(pull);
        }

        _ = ReleaseUnadoptedAsync(pull);
    }

    private async Task ReleaseUnadoptedAsync(PendingPull pull)
    {
        PullResponse? response;
        try
        {
            response = await pull.Response.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The pull failed after its receive stopped waiting: nothing was leased, nobody to tell.
            lock (_waitingPulls)
            {
                _waitingPulls.Remove(pull);
            }

            return;
        }

        lock (_waitingPulls)
        {
            if (!_waitingPulls.Remove(pull))
            {
                return; // adopted by a receive, which returns the messages
            }
        }

        if (response?.ReceivedMessages is { Count: > 0 } received)
        {
            try
            {
                var ackIds = received.Select(r => r.AckId!).ToList();
                await PostAsync(_modifyAckDeadlineUri, new ModifyAckDeadlineRequest { AckIds = ackIds, AckDeadlineSeconds = 0 }, PubSubJsonContext.Default.ModifyAckDeadlineRequest, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The messages come back after the subscription's ack deadline instead.
            }
        }
    }

    private sealed class PendingPull(int maxMessages, Task<PullResponse?> response)
    {
        public int MaxMessages { get; } = maxMessages;

        public Task<PullResponse?> Response { get; } = response;
    }

    private Task<ErrorResponse?> PostAsync<TRequest>(Uri uri, TRequest body, JsonTypeInfo<TRequest> requestType, CancellationToken cancellationToken)
        => PostAsync<TRequest, ErrorResponse>(uri, body, requestType, null, cancellationToken);

    private async Task<TResponse?> PostAsync<TRequest, TResponse>(Uri uri, TRequest body, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse>? responseType, CancellationToken cancellationToken)
        where TResponse : class
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = JsonContent.Create(body, requestType),
        };
        string? token;
        try
        {
            token = await _credential(cancellationToken).ConfigureAwait(false) is { } credential
                ? await credential.GetAccessTokenForRequestAsync(uri.AbsoluteUri, cancellationToken).ConfigureAwait(false)
                : null;
        }
        catch (InvalidOperationException ex)
        {
            // Google.Apis.Auth reports missing or unusable credentials (no application default credentials, a key
            // file of the wrong kind) this way.
            throw new CloudException(CloudErrorCode.Unauthenticated, $"{ProviderName}: no Google credentials to authorize the request with: {ex.Message}", ProviderName, ex);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
        }

        if (responseType is null)
        {
            return null;
        }

        return await response.Content.ReadFromJsonAsync(responseType, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<PubSubException> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (JsonSerializer.Deserialize(text, PubSubJsonContext.Default.ErrorResponse)?.Error is { } error)
            {
                return new PubSubException(response.StatusCode, error.Status, $"{(int)response.StatusCode} {error.Status}: {error.Message}");
            }
        }
        catch (JsonException)
        {
            // Not the documented error shape: report the raw text below.
        }

        return new PubSubException(response.StatusCode, null, $"{(int)response.StatusCode} {response.ReasonPhrase}: {(text.Length > 500 ? text[..500] : text)}");
    }
}
