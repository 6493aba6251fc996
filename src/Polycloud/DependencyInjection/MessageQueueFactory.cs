using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polycloud.Queues;

namespace Polycloud.DependencyInjection;

/// <summary>Opens and caches the queues named under <c>Polycloud:Queues</c>.</summary>
internal sealed partial class MessageQueueFactory : IMessageQueueFactory, IAsyncDisposable, IDisposable
{
    private readonly PolycloudOpener _opener;
    private readonly IConfiguration? _section;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Lazy<MessageQueue>> _queues = new(StringComparer.OrdinalIgnoreCase);

    public MessageQueueFactory(PolycloudOpener opener, PolycloudConfigurationRoot root, ILoggerFactory? loggerFactory = null)
    {
        _opener = opener;
        _section = root.Section?.GetSection("Queues");
        _logger = (ILogger?)loggerFactory?.CreateLogger("Polycloud.Queues") ?? NullLogger.Instance;
    }

    public IReadOnlyCollection<string> Names => ResourceConfiguration.Names(_section).ToArray();

    /// <summary>Registers the factory (from <c>AddCore</c>).</summary>
    public static void Register(IServiceCollection services)
    {
        services.TryAddSingleton<MessageQueueFactory>();
        services.TryAddSingleton<IMessageQueueFactory>(static sp => sp.GetRequiredService<MessageQueueFactory>());
    }

    public MessageQueue GetQueue(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw CloudException.InvalidArgument(nameof(name), "a queue name is required.");
        }

        return _queues.GetOrAdd(name, n => new Lazy<MessageQueue>(() => Open(n))).Value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in _queues.Values)
        {
            if (lazy.IsValueCreated)
            {
                await lazy.Value.DisposeAsync().ConfigureAwait(false);
            }
        }

        _queues.Clear();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private MessageQueue Open(string name)
    {
        var entry = ResourceConfiguration.Find(_section, name)
            ?? throw CloudException.InvalidArgument(
                nameof(name),
                $"no queue named '{name}' is configured. Configured: {(Names.Count == 0 ? "none" : string.Join(", ", Names))}. Add 'Polycloud:Queues:{name}' with a URL such as 'sqlite:///var/data/queues.db?queue={name}' or 'sqs://{name}?region=us-east-1'.");
        var queue = _opener.OpenQueue(entry.Url, entry.Settings);
        LogOpened(_logger, name, queue.Provider, queue.Name);
        return queue;
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Opened queue '{Name}': provider {Provider}, queue {Queue}")]
    private static partial void LogOpened(ILogger logger, string name, string provider, string queue);
}
