using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;
using Polycloud.Blobs.Drivers;

namespace Polycloud.Aws.Blobs;

/// <summary>
/// Opens <c>s3://bucket?region=…</c> URLs. Settings (query parameters, or values next to the URL in configuration):
/// the AWS settings every AWS resource reads (<see cref="AwsSettings"/>: <c>region</c>, <c>endpoint</c>,
/// <c>profile</c>, <c>accessKeyId</c> + <c>secretAccessKey</c> (+ <c>sessionToken</c>)), <c>forcePathStyle</c>, and
/// <c>partSize</c> (bytes).
/// </summary>
public sealed class S3BlobDriverFactory : IBlobDriverFactory
{
    private static readonly string[] SchemeList = ["s3"];

    /// <inheritdoc/>
    public IReadOnlyList<string> Schemes => SchemeList;

    /// <inheritdoc/>
    public IBlobDriver Create(CloudUrl url, IServiceProvider? services)
    {
        if (url is null)
        {
            throw CloudException.InvalidArgument(nameof(url), "a URL is required.");
        }

        string bucket = url.Host;
        if (bucket.Length == 0)
        {
            throw CloudException.InvalidArgument("url", $"'{url}' names no bucket; use 's3://bucket-name?region=us-east-1'.");
        }

        if (url.Path.Length > 0 && url.Path != "/")
        {
            throw CloudException.InvalidArgument("url", $"'{url}' has a path; an s3 URL names a bucket only ('s3://bucket-name'). Put key prefixes in the keys.");
        }

        var aws = AwsSettings.Read(url, pathStyle: true);
        long? partSize = url.GetInt64("partSize", 5L * 1024 * 1024, 2000L * 1024 * 1024);
        url.ThrowIfUnknownSettings(S3BlobDriver.Provider);

        var credentials = aws.GetCredentials(services);
        var config = aws.Configure(new AmazonS3Config { ForcePathStyle = aws.ForcePathStyle }, url);
        var client = credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
        var options = new S3BlobDriverOptions { DisposeClient = true, PartSize = partSize is { } size ? (int)size : S3BlobDriverOptions.DefaultPartSize };

        return new S3BlobDriver(client, bucket, options);
    }
}
