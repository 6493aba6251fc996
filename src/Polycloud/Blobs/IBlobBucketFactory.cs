namespace Polycloud.Blobs;

/// <summary>
/// Gives the buckets named in configuration (<c>Polycloud:Blobs:{name}</c>). Registered by
/// <c>services.AddPolycloud(configuration)</c>; each named bucket is also a keyed service
/// (<c>[FromKeyedServices("images")] BlobBucket images</c>).
/// </summary>
public interface IBlobBucketFactory
{
    /// <summary>The configured bucket names.</summary>
    IReadOnlyCollection<string> Names { get; }

    /// <summary>Gets the bucket configured under <paramref name="name"/>. The same instance is returned every time.</summary>
    /// <param name="name">The name, as in <c>Polycloud:Blobs:{name}</c>.</param>
    /// <returns>The bucket; the container owns it.</returns>
    /// <exception cref="CloudException">InvalidArgument when no bucket has that name or its URL is invalid.</exception>
    BlobBucket GetBucket(string name);
}
