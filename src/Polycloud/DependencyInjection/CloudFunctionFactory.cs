using Microsoft.Extensions.Logging;
using Polycloud.Functions;

namespace Polycloud.DependencyInjection;

/// <summary>Opens and caches the functions named under <c>Polycloud:Functions</c>.</summary>
internal sealed class CloudFunctionFactory(PolycloudOpener opener, PolycloudConfigurationRoot root, ILoggerFactory? loggerFactory = null)
    : ICloudFunctionFactory, IAsyncDisposable, IDisposable
{
    private readonly NamedResourceCache<CloudFunction> _cache = new(
        root,
        ResourceKind.Functions,
        (url, settings, _) => opener.OpenFunction(url, settings),
        static f => $"provider {f.Provider}, function {f.Name}",
        loggerFactory);

    public IReadOnlyCollection<string> Names => _cache.Names;

    public CloudFunction GetFunction(string name) => _cache.Get(name);

    public ValueTask DisposeAsync() => _cache.DisposeAsync();

    public void Dispose() => _cache.Dispose();
}
