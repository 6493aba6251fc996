using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Polycloud.Databases;

namespace Polycloud.DependencyInjection;

/// <summary>Opens and caches the databases named under <c>Polycloud:Databases</c>, in the same named-resource cache as
/// buckets, queues and functions.</summary>
internal sealed class CloudDatabaseFactory(PolycloudOpener opener, IConfiguration? polycloudSection, ILoggerFactory? loggerFactory = null)
    : ICloudDatabaseFactory, IAsyncDisposable, IDisposable
{
    private readonly NamedResourceCache<CloudDatabase> _cache = new(
        polycloudSection,
        "Databases",
        "database",
        static n => $"'sqlite:///var/data/{n}.db' or 'postgresql://host:5432/{n}?user=app&auth=aws-iam&region=eu-west-1'",
        (url, settings, name) => opener.OpenDatabase(url, settings, name),
        static d => d.Description,
        loggerFactory);

    public IReadOnlyCollection<string> Names => _cache.Names;

    public CloudDatabase GetDatabase(string name) => _cache.Get(name);

    public ValueTask DisposeAsync() => _cache.DisposeAsync();

    public void Dispose() => _cache.Dispose();
}
