using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Polycloud.Queues;

namespace Polycloud.DependencyInjection;

/// <summary>Opens and caches the queues named under <c>Polycloud:Queues</c>.</summary>
internal sealed class MessageQueueFactory(PolycloudOpener opener, PolycloudConfigurationRoot root, ILoggerFactory? loggerFactory = null)
    : IMessageQueueFactory, IAsyncDisposable, IDisposable
{
    private readonly NamedResourceCache<MessageQueue> _cache = new(
        root,
        ResourceKind.Queues,
        (url, settings, _) => opener.OpenQueue(url, settings),
        static q => $"provider {q.Provider}, queue {q.Name}",
        loggerFactory);

    public IReadOnlyCollection<string> Names => _cache.Names;

    /// <summary>Registers the factory (from <c>AddCore</c>).</summary>
    public static void Register(IServiceCollection services)
    {
        services.TryAddSingleton<MessageQueueFactory>();
        services.TryAddSingleton<IMessageQueueFactory>(static sp => sp.GetRequiredService<MessageQueueFactory>());
    }

    public MessageQueue GetQueue(string name) => _cache.Get(name);

    public ValueTask DisposeAsync() => _cache.DisposeAsync();

    public void Dispose() => _cache.Dispose();
}
