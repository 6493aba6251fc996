using Microsoft.Extensions.DependencyInjection;
using Polycloud.Queues;
using Polycloud.Queues.Drivers;
using Polycloud.Queues.Memory;
using Polycloud.Queues.Sqlite;

namespace Polycloud;

/// <summary>Opening queues by URL.</summary>
public sealed partial class PolycloudOpener
{
    private readonly SchemeTable<IQueueDriverFactory> _queues = new("queue", "'services.AddPolycloud(configuration).AddAws()' or 'opener.AddAws()'");

    /// <summary>The registered queue URL schemes.</summary>
    public IReadOnlyCollection<string> QueueSchemes => _queues.Schemes;

    /// <summary>Registers a queue driver factory for its schemes, replacing any earlier one for the same scheme.</summary>
    /// <param name="factory">The factory.</param>
    /// <returns>This opener.</returns>
    public PolycloudOpener AddQueueDriver(IQueueDriverFactory factory)
    {
        if (factory is null)
        {
            throw CloudException.InvalidArgument(nameof(factory), "a queue driver factory is required.");
        }

        foreach (string scheme in factory.Schemes)
        {
            _queues.Add(scheme, factory);
        }

        return this;
    }

    /// <summary>
    /// Opens a queue from its URL. No network call is made until the first operation. Two settings are read by the
    /// portable layer on every provider: <c>deadLetterQueue</c>, the URL of the queue that receives messages delivered
    /// more than <c>maxDeliveries</c> times (default 5). Use them where the provider has no native dead-letter queue; a provider that does not report
    /// delivery counts (Pub/Sub) refuses them.
    /// </summary>
    /// <param name="url">For example <c>mem://orders</c>, <c>sqlite:///var/data/queues.db?queue=orders</c>,
    /// <c>sqs://orders?region=eu-west-1</c>, <c>azqueue://orders?account=acct</c>,
    /// <c>gcppubsub://projects/p/topics/orders?subscription=orders-worker</c>.</param>
    /// <param name="settings">Settings that do not belong in the URL (for example a connection string from a secret store).</param>
    /// <returns>The queue. Dispose it when done.</returns>
    /// <exception cref="CloudException">InvalidArgument when the URL is malformed, its scheme is not registered, or a
    /// setting is missing, unknown or invalid.</exception>
    public MessageQueue OpenQueue(string url, IEnumerable<KeyValuePair<string, string>>? settings = null)
    {
        var parsed = CloudUrl.Parse(url, settings);
        string? deadLetterUrl = parsed.Get("deadLetterQueue");
        long? maxDeliveries = parsed.GetInt64("maxDeliveries", 1, 1000);
        if (maxDeliveries is not null && string.IsNullOrEmpty(deadLetterUrl))
        {
            throw CloudException.InvalidArgument("maxDeliveries", $"'{parsed}' sets maxDeliveries without deadLetterQueue. Without a dead-letter queue a failing message is never dropped: it is retried with back-off for as long as the provider keeps it. Set deadLetterQueue to the URL of the queue that receives messages delivered more than maxDeliveries times, or remove maxDeliveries.");
        }

        if (!string.IsNullOrEmpty(deadLetterUrl) && string.Equals(Normalize(parsed), Normalize(CloudUrl.Parse(deadLetterUrl)), StringComparison.Ordinal))
        {
            throw CloudException.InvalidArgument("deadLetterQueue", $"'{parsed}' names itself as its dead-letter queue; dead-lettering into it would redeliver failing messages forever under new ids. Set deadLetterQueue to another queue's URL.");
        }

        var factory = _queues.Resolve(parsed);
        var driver = factory.Create(parsed, _services);
        MessageQueue? deadLetter = null;
        try
        {
            ObsoleteSettingsLog.Report(parsed, _services);
            var time = _services?.GetService<TimeProvider>();
            if (string.IsNullOrEmpty(deadLetterUrl))
            {
                return new MessageQueue(driver, time is null ? null : new MessageQueueOptions { TimeProvider = time });
            }

            if (!driver.Capabilities.ReportsDeliveryCount)
            {
                throw CloudException.InvalidArgument(
                    "deadLetterQueue",
                    $"'{parsed}': {driver.ProviderName} does not report how often a message was delivered unless the queue has a native dead-letter policy, so deadLetterQueue and maxDeliveries would never move a message; remove them and configure the provider's dead-letter policy on the queue (docs/queues.md, Dead-letter queues).");
            }

            deadLetter = OpenQueue(deadLetterUrl);
            return new MessageQueue(driver, new MessageQueueOptions { DeadLetterQueue = deadLetter, MaxDeliveries = (int)(maxDeliveries ?? 5), TimeProvider = time });
        }
        catch (Exception ex)
        {
            // Nothing opened here outlives a failed open. The one error re-worded: the queue and its dead-letter queue
            // are the same queue reached by two URLs (MessageQueue compares the drivers) — said in the URL's terms.
            var sameQueue = deadLetter is not null && ex is CloudException { ErrorCode: CloudErrorCode.InvalidArgument } c && c.Data["ArgumentName"] is "options.DeadLetterQueue"
                ? CloudException.InvalidArgument("deadLetterQueue", $"'{parsed}' and its dead-letter queue '{deadLetter.Provider}:{deadLetter.Name}' are the same queue reached by two names; dead-lettering into it would redeliver failing messages forever under new ids. Set deadLetterQueue to another queue.", driver.ProviderName)
                : null;
            driver.DisposeAsync().AsTask().GetAwaiter().GetResult();
            deadLetter?.Dispose();
            if (sameQueue is not null)
            {
                throw sameQueue;
            }

            throw;
        }
    }

    /// <summary>A queue URL in a form where two spellings of the same URL compare equal: lower-case scheme, no trailing
    /// slash, settings sorted by name without the portable dead-lettering ones.</summary>
    private static string Normalize(CloudUrl url)
    {
        var sb = new System.Text.StringBuilder(url.Scheme).Append("://").Append(url.Host).Append(url.Path.TrimEnd('/'));
        foreach (var (name, value) in url.Settings.Where(kv => !IsPortableQueueSetting(kv.Key)).OrderBy(kv => kv.Key, StringComparer.OrdinalIgnoreCase))
        {
            sb.Append('\n').Append(name.ToLowerInvariant()).Append('=').Append(value);
        }

        return sb.ToString();
    }

    private static bool IsPortableQueueSetting(string name)
        => name.Equals("deadLetterQueue", StringComparison.OrdinalIgnoreCase) || name.Equals("maxDeliveries", StringComparison.OrdinalIgnoreCase)
            || name.Equals("create", StringComparison.OrdinalIgnoreCase);

    private void InitializeQueues(IServiceProvider? services)
    {
        AddQueueDriver(new MemoryQueueDriverFactory());
        AddQueueDriver(new SqliteQueueDriverFactory());
        if (services is not null)
        {
            foreach (var factory in services.GetServices<IQueueDriverFactory>())
            {
                AddQueueDriver(factory);
            }
        }
    }
}
