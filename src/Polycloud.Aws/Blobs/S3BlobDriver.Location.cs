using Amazon.S3.Model;

namespace Polycloud.Aws.Blobs;

/// <content>Where the bucket lives: GetBucketLocation.</content>
public sealed partial class S3BlobDriver
{
    /// <summary>
    /// Reads the bucket's region with <c>GetBucketLocation</c>: an empty answer means <c>us-east-1</c>, the legacy
    /// <c>EU</c> means <c>eu-west-1</c>. S3 does not report the owning account on the data plane, so the account is unknown.
    /// </summary>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The location.</returns>
    public async Task<ResourceLocation> GetLocationAsync(CancellationToken cancellationToken)
    {
        var response = await _client.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = BucketName }, cancellationToken).ConfigureAwait(false);
        string region = NormalizeBucketRegion(response.Location?.Value);
        var details = new Dictionary<string, string> { ["bucketLocationConstraint"] = string.IsNullOrEmpty(response.Location?.Value) ? "(none: us-east-1)" : response.Location!.Value };
        AwsLocations.AddEndpoint(details, _client.Config?.ServiceURL);
        return new ResourceLocation
        {
            Provider = "aws",
            Service = Provider,
            Kind = ResourceKind.Blob,
            Name = BucketName,
            Account = LocationValue.Unknown("S3 does not report the owning account of a bucket on the data plane"),
            Region = LocationValue.Known(region),
            LocationType = LocationValue.Known("region"),
            Replication = LocationValue.Known("multi-AZ (S3 Standard)"),
            Details = details,
        };
    }

    /// <summary>Maps a GetBucketLocation answer to a region name: empty is <c>us-east-1</c>, <c>EU</c> is <c>eu-west-1</c>.</summary>
    /// <param name="locationConstraint">The location constraint S3 returned.</param>
    /// <returns>The region.</returns>
    internal static string NormalizeBucketRegion(string? locationConstraint) => locationConstraint switch
    {
        null or "" or "US" => "us-east-1",
        "EU" => "eu-west-1",
        _ => locationConstraint.ToLowerInvariant(),
    };
}
