using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;
using Polycloud.Blobs.Drivers;

namespace Polycloud.Aws.Blobs;

/// <summary>
/// Opens <c>s3://bucket?region=…</c> URLs. Settings (query parameters, or values next to the URL in configuration):
/// <c>region</c>, <c>endpoint</c> (an S3-compatible server's URL), <c>forcePathStyle</c>, <c>profile</c> (a shared
/// credentials/config profile), <c>accessKeyId</c> + <c>secretAccessKey</c> (+ <c>sessionToken</c>) and
/// <c>partSize</c> (bytes). Credentials, in order: the keys from the settings, the profile, an
/// <see cref="AWSCredentials"/> registered in the application's services, then the SDK's default chain
/// (environment, shared files, container or instance role).
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

        string? region = url.Get("region");
        Uri? endpoint = url.GetUri("endpoint");
        bool forcePathStyle = url.GetBoolean("forcePathStyle", defaultValue: false);
        string? profile = url.Get("profile");
        string? accessKeyId = url.Get("accessKeyId");
        string? secretAccessKey = url.Get("secretAccessKey");
        string? sessionToken = url.Get("sessionToken");
        long? partSize = url.GetInt64("partSize", 5L * 1024 * 1024, 2000L * 1024 * 1024);
        url.ThrowIfUnknownSettings(S3BlobDriver.Provider);

        if (region is not null && !IsRegionName(region))
        {
            throw CloudException.InvalidArgument("region", $"'{region}' is not an AWS region name such as 'us-east-1' or 'eu-west-1'.");
        }

        if (string.IsNullOrEmpty(accessKeyId) != string.IsNullOrEmpty(secretAccessKey))
        {
            throw CloudException.InvalidArgument(
                string.IsNullOrEmpty(accessKeyId) ? "accessKeyId" : "secretAccessKey",
                "the settings 'accessKeyId' and 'secretAccessKey' go together: set both, or neither to use the default credential chain.");
        }

        if (!string.IsNullOrEmpty(sessionToken) && string.IsNullOrEmpty(accessKeyId))
        {
            throw CloudException.InvalidArgument("sessionToken", "a session token needs 'accessKeyId' and 'secretAccessKey' too.");
        }

        AWSCredentials? credentials = null;
        if (!string.IsNullOrEmpty(accessKeyId))
        {
            credentials = string.IsNullOrEmpty(sessionToken)
                ? new BasicAWSCredentials(accessKeyId, secretAccessKey)
                : new SessionAWSCredentials(accessKeyId, secretAccessKey, sessionToken);
        }

        if (!string.IsNullOrEmpty(profile))
        {
            var chain = new CredentialProfileStoreChain();
            if (!chain.TryGetProfile(profile, out CredentialProfile? found))
            {
                throw CloudException.InvalidArgument("profile", $"the AWS profile '{profile}' is not in the shared config or credentials files.");
            }

            region ??= found.Region?.SystemName;
            if (credentials is null && !chain.TryGetAWSCredentials(profile, out credentials))
            {
                throw CloudException.InvalidArgument("profile", $"the AWS profile '{profile}' has no usable credentials.");
            }
        }

        credentials ??= services?.GetService(typeof(AWSCredentials)) as AWSCredentials;

        var config = new AmazonS3Config { ForcePathStyle = forcePathStyle };
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint.ToString();
            config.AuthenticationRegion = region ?? "us-east-1";
        }
        else
        {
            // Never let the SDK look the region up from instance metadata here: opening makes no network call.
            region ??= Environment.GetEnvironmentVariable("AWS_REGION") is { Length: > 0 } r ? r : Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION");
            if (string.IsNullOrEmpty(region))
            {
                throw CloudException.InvalidArgument("region", $"'{url}' needs the setting 'region' (for example 's3://{bucket}?region=us-east-1'), a profile with a region, or the AWS_REGION environment variable.");
            }

            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        var client = credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
        var options = new S3BlobDriverOptions { DisposeClient = true };
        if (partSize is { } size)
        {
            options.PartSize = (int)size;
        }

        return new S3BlobDriver(client, bucket, options);
    }

    private static bool IsRegionName(string region)
    {
        if (region.Length is 0 or > 64 || !char.IsAsciiLetterLower(region[0]))
        {
            return false;
        }

        foreach (char c in region)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')
            {
                return false;
            }
        }

        return true;
    }
}
