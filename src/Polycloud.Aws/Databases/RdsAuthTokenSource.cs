using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Polycloud.Databases;

namespace Polycloud.Aws.Databases;

/// <summary>Gives RDS IAM authentication tokens as database passwords, a new one every 10 minutes.</summary>
internal sealed class RdsAuthTokenSource : IDatabasePasswordSource
{
    internal const string Provider = "aws";

    private readonly string _region;
    private readonly TimeProvider _time;
    private AWSCredentials? _credentials;

    public RdsAuthTokenSource(string region, AWSCredentials? credentials, TimeProvider time)
    {
        _region = region;
        _credentials = credentials;
        _time = time;
    }

    public TimeSpan? RefreshInterval => AwsIamDatabaseAuthProvider.TokenRefreshInterval;

    public async ValueTask<string> GetPasswordAsync(DatabaseEndpoint endpoint, CancellationToken cancellationToken)
    {
        ImmutableCredentials keys;
        try
        {
            // The default chain is resolved here, not when the database is opened: opening makes no network call.
            var credentials = _credentials ??= await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(null).ConfigureAwait(false);
            keys = await credentials.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AmazonClientException or AmazonServiceException or InvalidOperationException or IOException or HttpRequestException)
        {
            throw new CloudException(
                CloudErrorCode.Unauthenticated,
                $"{Provider}: no AWS credentials to sign the RDS IAM token for {endpoint} (set 'profile', register AWSCredentials in the services, or configure the default chain: environment, shared files, web identity, container or instance role): {ex.Message}",
                Provider,
                ex);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return RdsAuthTokenGenerator.Generate(endpoint.Host, endpoint.Port, endpoint.User, _region, keys, _time.GetUtcNow().UtcDateTime);
    }

    public override string ToString() => $"aws-iam token source (region {_region})";
}
