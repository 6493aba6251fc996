using Microsoft.Extensions.Logging;
using Polycloud.Blobs;

namespace Polycloud.DependencyInjection;

/// <summary>Opens and caches the buckets named under <c>Polycloud:Blobs</c>.</summary>
internal sealed class BlobBucketFactory(PolycloudOpener opener, PolycloudConfigurationRoot root, ILoggerFactory? loggerFactory = null)
    : IBlobBucketFactory, IAsyncDisposable, IDisposable
{
    private readonly NamedResourceCache<BlobBucket> _cache = new(
        root,
        ResourceKind.Blobs,
        (url, settings, _) => opener.OpenBucket(url, settings),
        static b => $"provider {b.Provider}, bucket {b.Name}",
        loggerFactory);

    public IReadOnlyCollection<string> Names => _cache.Names;

    public BlobBucket GetBucket(string name) => _cache.Get(name);

    public ValueTask DisposeAsync() => _cache.DisposeAsync();

    public void Dispose() => _cache.Dispose();
}
