using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.Runtime.Credentials;
using Polycloud.Databases;

namespace Polycloud.Aws.Databases;

/// <summary>
/// The <c>auth=aws-iam</c> database authentication mode: RDS and Aurora IAM database authentication for PostgreSQL and
/// MySQL. The password is an RDS IAM authentication token (a SigV4-presigned <c>connect</c> request for the host, port
/// and user, valid for 15 minutes), made locally without a network call and renewed every 10 minutes.
/// </summary>
/// <remarks>
/// <para>Settings: <c>region</c> (required: the database's AWS region) and <c>profile</c> (a profile in the shared AWS
/// config/credentials files). Credentials, in order: the profile, an <see cref="AWSCredentials"/> registered in the
/// application's services, then the SDK's default chain (environment, shared files, web identity, container or
/// instance role), resolved when the first token is needed.</para>
/// <para>Connections in this mode default to <c>sslmode=verify-full</c>: RDS requires TLS for IAM authentication.</para>
/// </remarks>
public sealed class AwsIamDatabaseAuthProvider : IDatabaseAuthProvider
{
    /// <summary>How often a new token is made: 10 minutes, well within the tokens' 15-minute lifetime.</summary>
    public static readonly TimeSpan TokenRefreshInterval = TimeSpan.FromMinutes(10);

    private readonly TimeProvider _time;

    /// <summary>Creates the provider.</summary>
    public AwsIamDatabaseAuthProvider()
        : this(TimeProvider.System)
    {
    }

    internal AwsIamDatabaseAuthProvider(TimeProvider time)
    {
        _time = time;
    }

    /// <inheritdoc/>
    public string Mode => "aws-iam";

    /// <inheritdoc/>
    public bool RequiresVerifiedTls => true;

    /// <inheritdoc/>
    public IDatabasePasswordSource Create(CloudUrl url, IServiceProvider? services)
    {
        if (url is null)
        {
            throw CloudException.InvalidArgument(nameof(url), "a database URL is required.");
        }

        var aws = AwsSettings.Read(url, endpoint: false);
        string? region = aws.FindRegion();
        if (region is null)
        {
            string? hint = RegionFromHost(url.Host);
            throw CloudException.InvalidArgument(
                "region",
                $"auth=aws-iam needs the setting 'region' (the database's AWS region, which the token is signed for), as in '{url.Scheme}://{url.Host}/…?user=…&auth=aws-iam&region={hint ?? "us-east-1"}'.");
        }

        var credentials = aws.GetCredentials(services);
        return new RdsAuthTokenSource(region, credentials, _time);
    }

    /// <summary>The region in an RDS endpoint name (<c>name.id.us-east-1.rds.amazonaws.com</c>), for error messages.</summary>
    private static string? RegionFromHost(string host)
    {
        const string Suffix = ".rds.amazonaws.com";
        if (!host.EndsWith(Suffix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        string rest = host[..^Suffix.Length];
        int dot = rest.LastIndexOf('.');
        string candidate = dot >= 0 ? rest[(dot + 1)..] : rest;
        return AwsSettings.IsRegionName(candidate) ? candidate : null;
    }
}
