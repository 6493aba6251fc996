using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polycloud.DependencyInjection;

namespace Polycloud.Blobs;

/// <summary>Checks that a bucket exists and can be listed: one listing of at most one key (read-only, and as cheap
/// as a bucket call gets on every provider; an existence check of one key would say nothing on providers that answer
/// "no such key" for a missing bucket too).</summary>
public sealed class BlobBucketHealthCheck : IHealthCheck
{
    private readonly Func<BlobBucket> _bucket;

    /// <summary>Creates the check.</summary>
    /// <param name="bucket">Gets the bucket to check (called at each check; the factories cache the bucket).</param>
    public BlobBucketHealthCheck(Func<BlobBucket> bucket)
    {
        _bucket = bucket ?? throw CloudException.InvalidArgument(nameof(bucket), "a bucket accessor is required.");
    }

    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => HealthResults.RunAsync(context, _bucket, static b => (b.Provider, b.Name), "bucket", async (bucket, data) =>
        {
            await bucket.ListPageAsync(new BlobListOptions { PageSize = 1 }, null, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{bucket.Provider}: bucket '{bucket.Name}' can be listed.", data);
        });
}
