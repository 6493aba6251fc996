using Microsoft.Extensions.Logging;
using Polycloud.Databases;

namespace Polycloud.DependencyInjection;

/// <summary>Opens and caches the databases named under <c>Polycloud:Databases</c>.</summary>
internal sealed class CloudDatabaseFactory(PolycloudOpener opener, PolycloudConfigurationRoot root, ILoggerFactory? loggerFactory = null)
    : ICloudDatabaseFactory, IAsyncDisposable, IDisposable
{
    private readonly NamedResourceCache<CloudDatabase> _cache = new(
        root,
        ResourceKind.Databases,
        (url, settings, name) => opener.OpenDatabase(url, settings, name),
        static d => d.Description,
        loggerFactory);

    public IReadOnlyCollection<string> Names => _cache.Names;

    public CloudDatabase GetDatabase(string name) => _cache.Get(name);

    public ValueTask DisposeAsync() => _cache.DisposeAsync();

    public void Dispose() => _cache.Dispose();
}
