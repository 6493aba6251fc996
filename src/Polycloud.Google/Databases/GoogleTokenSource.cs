using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using Polycloud.Databases;

namespace Polycloud.Google.Databases;

/// <summary>Gives OAuth 2.0 access tokens (scope <c>sqlservice.login</c>) as database passwords.</summary>
internal sealed class GoogleTokenSource : IDatabasePasswordSource
{
    internal const string Provider = "google";

    private GoogleCredential? _credential;

    /// <param name="credential">The scoped credential, or <see langword="null"/> for the application default (looked up on first use).</param>
    public GoogleTokenSource(GoogleCredential? credential)
    {
        _credential = credential;
    }

    public TimeSpan? RefreshInterval => GcpIamDatabaseAuthProvider.TokenRefreshInterval;

    public async ValueTask<string> GetPasswordAsync(DatabaseEndpoint endpoint, CancellationToken cancellationToken)
    {
        try
        {
            // The application default is looked up here, not when the database is opened: it may ask the metadata server.
            var credential = _credential ??= (await GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false)).CreateScoped(GcpIamDatabaseAuthProvider.Scope);
            return await credential.UnderlyingCredential.GetAccessTokenForRequestAsync(authUri: null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TokenResponseException or InvalidOperationException or HttpRequestException or IOException)
        {
            throw new CloudException(
                CloudErrorCode.Unauthenticated,
                $"{Provider}: could not get an access token (scope {GcpIamDatabaseAuthProvider.Scope}) for {endpoint}. Set 'credentialsFile', register a GoogleCredential in the services, or configure application default credentials: {ex.Message}",
                Provider,
                ex);
        }
    }

    public override string ToString() => "gcp-iam token source";
}
