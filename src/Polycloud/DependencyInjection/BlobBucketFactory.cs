using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polycloud.Blobs;

namespace Polycloud.DependencyInjection;

/// <summary>Opens and caches the buckets named under <c>Polycloud:Blobs</c>.</summary>
internal sealed partial class BlobBucketFactory : IBlobBucketFactory, IAsyncDisposable, IDisposable
{
    private readonly PolycloudOpener _opener;
    private readonly IConfiguration? _section;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Lazy<BlobBucket>> _buckets = new(StringComparer.OrdinalIgnoreCase);

    public BlobBucketFactory(PolycloudOpener opener, PolycloudConfigurationRoot root, ILoggerFactory? loggerFactory = null)
    {
        _opener = opener;
        _section = root.Section?.GetSection("Blobs");
        _logger = (ILogger?)loggerFactory?.CreateLogger("Polycloud.Blobs") ?? NullLogger.Instance;
    }

    public IReadOnlyCollection<string> Names => ResourceConfiguration.Names(_section).ToArray();

    public BlobBucket GetBucket(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw CloudException.InvalidArgument(nameof(name), "a bucket name is required.");
        }

        return _buckets.GetOrAdd(name, n => new Lazy<BlobBucket>(() => Open(n))).Value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in _buckets.Values)
        {
            if (lazy.IsValueCreated)
            {
                await lazy.Value.DisposeAsync().ConfigureAwait(false);
            }
        }

        _buckets.Clear();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private BlobBucket Open(string name)
    {
        var entry = ResourceConfiguration.Find(_section, name)
            ?? throw CloudException.InvalidArgument(
                nameof(name),
                $"no blob bucket named '{name}' is configured. Configured: {(Names.Count == 0 ? "none" : string.Join(", ", Names))}. Add 'Polycloud:Blobs:{name}' with a URL such as 'file:///data?create=true' or 's3://bucket?region=us-east-1'.");
        var bucket = _opener.OpenBucket(entry.Url, entry.Settings);
        LogOpened(_logger, name, bucket.Provider, bucket.Name);
        return bucket;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Opened blob bucket '{Name}': provider {Provider}, bucket {Bucket}")]
    private static partial void LogOpened(ILogger logger, string name, string provider, string bucket);
}
