using Microsoft.Extensions.Diagnostics.HealthChecks;
using Polycloud.DependencyInjection;

namespace Polycloud.Blobs;

/// <summary>Checks that a bucket exists and can be listed: one listing of at most one key (read-only, and as cheap
/// as a bucket call gets on every provider; an existence check of one key would say nothing on providers that answer
/// "no such key" for a missing bucket too).</summary>
public sealed class BlobBucketHealthCheck : IHealthCheck
{
    private static readonly BlobListOptions OneItem = new() { PageSize = 1 };
    private readonly Func<BlobBucket> _bucket;

    /// <summary>Creates the check.</summary>
    /// <param name="bucket">Gets the bucket to check (called at each check; the factories cache the bucket).</param>
    public BlobBucketHealthCheck(Func<BlobBucket> bucket)
    {
        _bucket = bucket ?? throw CloudException.InvalidArgument(nameof(bucket), "a bucket accessor is required.");
    }

    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        BlobBucket bucket;
        try
        {
            bucket = _bucket();
        }
        catch (CloudException e)
        {
            return HealthResults.Failed(context, e.Message, e);
        }

        var data = HealthResults.Data(bucket.Provider, bucket.Name);
        try
        {
            await bucket.ListPageAsync(OneItem, null, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{bucket.Provider}: bucket '{bucket.Name}' can be listed.", data);
        }
        catch (CloudException e)
        {
            return HealthResults.Failed(context, $"{bucket.Provider}: bucket '{bucket.Name}': {e.ErrorCode}: {e.Message}", e, data);
        }
    }
}
