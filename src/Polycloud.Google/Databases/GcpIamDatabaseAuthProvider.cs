using Google.Apis.Auth.OAuth2;
using Polycloud.Databases;

namespace Polycloud.Google.Databases;

/// <summary>
/// The <c>auth=gcp-iam</c> database authentication mode: Cloud SQL IAM database authentication for PostgreSQL and
/// MySQL. The password is an OAuth 2.0 access token with the <c>sqlservice.login</c> scope, asked for every 5 minutes
/// (the credential caches it and fetches a new one before it expires; tokens live about an hour).
/// </summary>
/// <remarks>
/// <para>Credential, in order: the service-account key file named by the setting <c>credentialsFile</c>; the
/// <see cref="GoogleCredential"/> registered in the application's services; else the application default credentials
/// (GOOGLE_APPLICATION_CREDENTIALS, gcloud's application-default login, or the metadata server), looked up when the
/// first token is needed. The user is the IAM database user: the e-mail without <c>.gserviceaccount.com</c> for
/// service accounts (PostgreSQL), or the user's e-mail.</para>
/// <para>Connections in this mode default to <c>sslmode=verify-full</c>; for the instance's private or public IP, point
/// <c>sslrootcert</c> at its server CA.</para>
/// </remarks>
public sealed class GcpIamDatabaseAuthProvider : IDatabaseAuthProvider
{
    /// <summary>The OAuth 2.0 scope Cloud SQL IAM database authentication accepts.</summary>
    public const string Scope = "https://www.googleapis.com/auth/sqlservice.login";

    /// <summary>How often the driver asks for the token: 5 minutes.</summary>
    public static readonly TimeSpan TokenRefreshInterval = TimeSpan.FromMinutes(5);

    /// <inheritdoc/>
    public string Mode => "gcp-iam";

    /// <inheritdoc/>
    public bool RequiresVerifiedTls => true;

    /// <inheritdoc/>
    public IDatabasePasswordSource Create(CloudUrl url, IServiceProvider? services)
    {
        if (url is null)
        {
            throw CloudException.InvalidArgument(nameof(url), "a database URL is required.");
        }

        var credential = GoogleSettings.Read(url, GoogleSettingKinds.Credentials).GetCredential(services, GoogleTokenSource.Provider);
        return new GoogleTokenSource(credential?.CreateScoped(Scope));
    }
}
