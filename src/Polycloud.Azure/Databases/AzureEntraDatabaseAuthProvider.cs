using Azure.Core;
using Azure.Identity;
using Polycloud.Databases;

namespace Polycloud.Azure.Databases;

/// <summary>
/// The <c>auth=azure-entra</c> database authentication mode: Microsoft Entra authentication for Azure Database for
/// PostgreSQL and Azure Database for MySQL. The password is an Entra access token for
/// <c>https://ossrdbms-aad.database.windows.net/.default</c>, renewed before it expires.
/// </summary>
/// <remarks>
/// <para>Credential, in order: with the setting <c>managedIdentityClientId</c>, a <see cref="DefaultAzureCredential"/>
/// whose managed identity is that user-assigned identity; else the <see cref="TokenCredential"/> registered in the
/// application's services; else a <see cref="DefaultAzureCredential"/> (one per provider, so databases share its token
/// cache). The user is the Entra principal's database role name (the user, group or managed identity name).</para>
/// <para>A token is fetched when the first connection opens and renewed every 5 minutes, or 5 minutes before it
/// expires when that comes first. Connections in this mode default to <c>sslmode=verify-full</c>.</para>
/// </remarks>
public sealed class AzureEntraDatabaseAuthProvider : IDatabaseAuthProvider
{
    /// <summary>The scope of the access token Azure Database for PostgreSQL and MySQL accept.</summary>
    public const string Scope = "https://ossrdbms-aad.database.windows.net/.default";

    private readonly Lazy<TokenCredential> _defaultCredential = new(static () => new DefaultAzureCredential(), LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly TimeProvider _time;

    /// <summary>Creates the provider.</summary>
    public AzureEntraDatabaseAuthProvider()
        : this(TimeProvider.System)
    {
    }

    internal AzureEntraDatabaseAuthProvider(TimeProvider time)
    {
        _time = time;
    }

    /// <inheritdoc/>
    public string Mode => "azure-entra";

    /// <inheritdoc/>
    public bool RequiresVerifiedTls => true;

    /// <inheritdoc/>
    public IDatabasePasswordSource Create(CloudUrl url, IServiceProvider? services)
    {
        if (url is null)
        {
            throw CloudException.InvalidArgument(nameof(url), "a database URL is required.");
        }

        var azure = AzureSettings.Read(url, AzureSettingsScope.Credential);
        var credential = azure.GetTokenCredential(services, () => _defaultCredential.Value);
        return new EntraTokenSource(credential, _time);
    }
}
