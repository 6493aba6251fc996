using Azure.Core;
using Azure.Identity;
using Polycloud.Databases;

namespace Polycloud.Azure.Databases;

/// <summary>
/// Gives Entra access tokens as database passwords. The driver asks every minute; a new token is fetched 5 minutes after
/// the last one, or 5 minutes before it expires when that comes first; otherwise the last one is given again.
/// </summary>
internal sealed class EntraTokenSource : IDatabasePasswordSource
{
    internal const string Provider = "azure";

    /// <summary>How often the driver asks (and the token is checked).</summary>
    internal static readonly TimeSpan PollInterval = TimeSpan.FromMinutes(1);

    /// <summary>A token is used for at most this long.</summary>
    internal static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>A token is replaced this long before it expires.</summary>
    internal static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(5);

    private static readonly TokenRequestContext Context = new([AzureEntraDatabaseAuthProvider.Scope]);

    private readonly TokenCredential _credential;
    private readonly TimeProvider _time;
    private volatile Cached? _cached;

    public EntraTokenSource(TokenCredential credential, TimeProvider time)
    {
        _credential = credential;
        _time = time;
    }

    public TimeSpan? RefreshInterval => PollInterval;

    public async ValueTask<string> GetPasswordAsync(DatabaseEndpoint endpoint, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_cached is { } cached && now < cached.RenewAt)
        {
            return cached.Token;
        }

        // The driver asks from one timer, so calls do not overlap; if they did, both would fetch, which is harmless.
        AccessToken token;
        try
        {
            token = await _credential.GetTokenAsync(Context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationFailedException or CredentialUnavailableException or global::Azure.RequestFailedException or HttpRequestException)
        {
            throw new CloudException(
                CloudErrorCode.Unauthenticated,
                $"{Provider}: could not get a Microsoft Entra token for {endpoint} (scope {AzureEntraDatabaseAuthProvider.Scope}): {ex.Message}",
                Provider,
                ex);
        }

        var byAge = now + MaxAge;
        var byExpiry = token.ExpiresOn - ExpiryMargin;
        _cached = new Cached(token.Token, byAge < byExpiry ? byAge : byExpiry);
        return token.Token;
    }

    public override string ToString() => "azure-entra token source";

    private sealed record Cached(string Token, DateTimeOffset RenewAt)
    {
        public override string ToString() => $"token (hidden), renewed at {RenewAt:O}";
    }
}
