using Microsoft.Extensions.DependencyInjection;
using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;
using Polycloud.Blobs.FileSystem;
using Polycloud.Blobs.Memory;

namespace Polycloud;

/// <summary>
/// Opens portable resources from URLs: <c>mem://name</c>, <c>file:///path</c>, and whatever schemes the provider
/// packages add (<c>s3://</c>, <c>azblob://</c>, <c>gs://</c>, …). The local schemes are always registered. Providers are
/// registered explicitly: <c>new PolycloudOpener().AddAws().AddAzure()</c>, or through
/// <c>services.AddPolycloud(configuration).AddAws()</c>, which registers an opener in the container.
/// Thread-safe.
/// </summary>
public sealed partial class PolycloudOpener
{
    private readonly IServiceProvider? _services;
    private readonly SchemeTable<IBlobDriverFactory> _blobs = new("blob", "'services.AddPolycloud(configuration).AddAws()' or 'opener.AddAws()'");

    /// <summary>Creates an opener with the local schemes registered.</summary>
    public PolycloudOpener()
        : this(null)
    {
    }

    /// <summary>
    /// Creates an opener with the local schemes and every factory registered in <paramref name="services"/>
    /// (as <see cref="IBlobDriverFactory"/> and the other capabilities' factory types).
    /// </summary>
    /// <param name="services">The application's services, passed on to the factories, or <see langword="null"/>.</param>
    public PolycloudOpener(IServiceProvider? services)
    {
        _services = services;
        AddBlobDriver(new MemoryBlobDriverFactory());
        AddBlobDriver(new FileBlobDriverFactory());
        if (services is not null)
        {
            foreach (var factory in services.GetServices<IBlobDriverFactory>())
            {
                AddBlobDriver(factory);
            }
        }

        InitializeQueues(services);
    }

    /// <summary>The registered blob URL schemes.</summary>
    public IReadOnlyCollection<string> BlobSchemes => _blobs.Schemes;

    /// <summary>Registers a blob driver factory for its schemes, replacing any earlier one for the same scheme.</summary>
    /// <param name="factory">The factory.</param>
    /// <returns>This opener.</returns>
    public PolycloudOpener AddBlobDriver(IBlobDriverFactory factory)
    {
        if (factory is null)
        {
            throw CloudException.InvalidArgument(nameof(factory), "a blob driver factory is required.");
        }

        foreach (string scheme in factory.Schemes)
        {
            _blobs.Add(scheme, factory);
        }

        return this;
    }

    /// <summary>Opens a bucket from its URL. No network call is made until the first operation.</summary>
    /// <param name="url">For example <c>mem://scratch</c>, <c>file:///var/data?create=true</c>,
    /// <c>s3://bucket?region=eu-west-1</c>, <c>azblob://container?account=acct</c>, <c>gs://bucket</c>.</param>
    /// <param name="settings">Settings that do not belong in the URL (for example a connection string from a secret store).</param>
    /// <returns>The bucket. Dispose it when done.</returns>
    /// <exception cref="CloudException">InvalidArgument when the URL is malformed, its scheme is not registered, or a
    /// setting is missing, unknown or invalid.</exception>
    public BlobBucket OpenBucket(string url, IEnumerable<KeyValuePair<string, string>>? settings = null)
    {
        var parsed = CloudUrl.Parse(url, settings);
        var factory = _blobs.Resolve(parsed);
        var bucket = new BlobBucket(factory.Create(parsed, _services));
        ObsoleteSettingsLog.Report(parsed, _services);
        return bucket;
    }
}
