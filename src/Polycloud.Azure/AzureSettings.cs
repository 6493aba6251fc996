using Azure.Core;
using Azure.Identity;
using Azure.Storage;
using Polycloud.Drivers;

namespace Polycloud.Azure;

/// <summary>Which group of Azure settings a resource understands.</summary>
public enum AzureSettingsScope
{
    /// <summary>Storage accounts (<c>azblob://</c>, <c>azqueue://</c>): <c>account</c>, <c>endpoint</c>,
    /// <c>connectionString</c>, <c>accountKey</c>, <c>sas</c>, <c>credential</c>, <c>managedIdentityClientId</c>,
    /// <c>anonymous</c>.</summary>
    Storage,

    /// <summary>Storage queues (<c>azqueue://</c>): the storage settings but <c>anonymous</c> (queues always need a credential).</summary>
    Queue,

    /// <summary>HTTP endpoints of an app (<c>azfunc://</c>): <c>endpoint</c>, <c>credential</c>,
    /// <c>managedIdentityClientId</c>, <c>anonymous</c>.</summary>
    App,

    /// <summary>Token credentials only (databases with <c>auth=azure-entra</c>): <c>credential</c>,
    /// <c>managedIdentityClientId</c>.</summary>
    Credential,
}

/// <summary>
/// The settings every Azure resource URL understands, read the same way for each: <c>account</c>, <c>endpoint</c>,
/// <c>connectionString</c>, <c>accountKey</c>, <c>sas</c>, <c>credential</c> (the kind of Microsoft Entra credential),
/// <c>managedIdentityClientId</c>, <c>anonymous</c> and <c>location</c> — each resource the ones of its
/// <see cref="AzureSettingsScope"/>.
/// </summary>
/// <remarks>
/// <para><c>credential</c>: <c>default</c> (<see cref="DefaultAzureCredential"/>), <c>managedIdentity</c>,
/// <c>workloadIdentity</c>, <c>environment</c> or <c>azureCli</c>. Without it, the <see cref="TokenCredential"/>
/// registered in the application's services is used, else <see cref="DefaultAzureCredential"/>.
/// <c>managedIdentityClientId</c> picks a user-assigned managed identity (for <c>default</c>, <c>managedIdentity</c>
/// and <c>workloadIdentity</c>).</para>
/// <para>Secrets (<c>connectionString</c>, <c>accountKey</c>, <c>sas</c>) are never logged and never appear in errors.</para>
/// </remarks>
public sealed class AzureSettings : ProviderSettings
{
    private static readonly string[] CredentialKinds = ["default", "managedIdentity", "workloadIdentity", "environment", "azureCli"];
    private readonly string? _accountKey;
    private readonly string? _sas;
    private readonly string? _connectionString;

    private AzureSettings(string? account, Uri? endpoint, string? connectionString, string? accountKey, string? sas, string? credential, string? clientId, bool anonymous, string? location)
        : base(endpoint)
    {
        Location = location;
        Account = account;
        _connectionString = connectionString;
        _accountKey = accountKey;
        _sas = sas;
        CredentialKind = credential;
        ManagedIdentityClientId = clientId;
        Anonymous = anonymous;
    }

    /// <summary>The <c>account</c> setting (the storage account name), or <see langword="null"/>.</summary>
    public string? Account { get; }

    /// <summary>The <c>connectionString</c> setting, for the storage SDK clients. Never log it.</summary>
    public string? ConnectionString => _connectionString;

    /// <summary>The <c>accountKey</c> setting (base64), for a shared key credential. Never log it.</summary>
    public string? AccountKey => _accountKey;

    /// <summary>The <c>sas</c> setting (a SAS token without the leading <c>?</c>). Never log it.</summary>
    public string? Sas => _sas?.TrimStart('?');

    /// <summary>The <c>credential</c> setting: the kind of Entra credential, or <see langword="null"/>.</summary>
    public string? CredentialKind { get; }

    /// <summary>The <c>managedIdentityClientId</c> setting, or <see langword="null"/>.</summary>
    public string? ManagedIdentityClientId { get; }

    /// <summary>The <c>anonymous</c> setting: send no credentials at all.</summary>
    public bool Anonymous { get; }

    /// <summary>
    /// The <c>location</c> setting: the Azure region of the storage account or app (for example <c>westeurope</c>), which
    /// the data plane does not report; used to report where the resource lives. <see langword="null"/> when not set.
    /// </summary>
    public string? Location { get; }

    /// <summary>
    /// Reads the Azure settings of a URL for a scope (and marks them as known, so that
    /// <see cref="CloudUrl.ThrowIfUnknownSettings"/> accepts them), then checks their form and that they fit together.
    /// Call it before the capability reads its own settings and checks for unknown ones.
    /// </summary>
    /// <param name="url">The resource URL with its settings.</param>
    /// <param name="scope">Which settings the resource understands.</param>
    /// <param name="obsoleteEndpointName">The old name of <c>endpoint</c> for this scheme, still accepted for one
    /// release (with a warning), or <see langword="null"/>.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="CloudException">InvalidArgument naming the setting and the rule.</exception>
    public static AzureSettings Read(CloudUrl url, AzureSettingsScope scope, string? obsoleteEndpointName = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        bool storage = scope is AzureSettingsScope.Storage or AzureSettingsScope.Queue;
        bool endpoints = scope != AzureSettingsScope.Credential;
        string? account = storage ? ReadString(url, "account") : null;
        Uri? endpoint = endpoints ? ReadEndpoint(url, obsoleteEndpointName) : null;
        string? connectionString = storage ? ReadString(url, "connectionString") : null;
        string? accountKey = storage ? ReadString(url, "accountKey") : null;
        string? sas = storage ? ReadString(url, "sas") : null;
        string? clientId = ReadString(url, "managedIdentityClientId");
        bool anonymous = scope is AzureSettingsScope.Storage or AzureSettingsScope.App && ReadBoolean(url, "anonymous");
        // Accepted as Azure Resource Manager writes it ('westeurope') or as the portal shows it ('West Europe').
        string? location = endpoints ? ReadString(url, "location")?.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant() : null;
        if (location is { Length: 0 })
        {
            location = null;
        }

        if (location is not null && !IsRegionName(location))
        {
            throw CloudException.InvalidArgument("location", $"'{location}' is not an Azure region name such as 'westeurope' or 'eastus2'.");
        }

        string? credential = ReadChoice(url, "credential", CredentialKinds);
        if (clientId is not null && !Guid.TryParse(clientId, out _))
        {
            throw CloudException.InvalidArgument("managedIdentityClientId", $"'{clientId}' is not a client ID; give the user-assigned managed identity's client ID (a GUID).");
        }

        if (clientId is not null && credential is "environment" or "azureCli")
        {
            throw CloudException.InvalidArgument("managedIdentityClientId", $"'managedIdentityClientId' does not apply to credential={credential}.");
        }

        if (accountKey is not null && sas is not null)
        {
            throw CloudException.InvalidArgument("sas", "give either 'accountKey' or 'sas', not both.");
        }

        if (connectionString is not null && (endpoint is not null || accountKey is not null || sas is not null))
        {
            throw CloudException.InvalidArgument("connectionString", "a connection string already holds the endpoint and credential; remove 'endpoint', 'accountKey' and 'sas', or remove 'connectionString'.");
        }

        if (anonymous && (connectionString is not null || accountKey is not null || sas is not null || credential is not null || clientId is not null))
        {
            throw CloudException.InvalidArgument("anonymous", "anonymous=true sends no credentials; remove the credential settings ('connectionString', 'accountKey', 'sas', 'credential', 'managedIdentityClientId') or 'anonymous'.");
        }

        if ((connectionString is not null || accountKey is not null || sas is not null) && (credential is not null || clientId is not null))
        {
            throw CloudException.InvalidArgument("credential", "a connection string, account key or SAS is already a credential; remove 'credential' and 'managedIdentityClientId', or the key.");
        }

        return new AzureSettings(account, endpoint, connectionString, accountKey, sas, credential, clientId, anonymous, location);
    }

    /// <summary><see langword="true"/> when a connection string, account key or SAS authenticates the client.</summary>
    public bool HasStorageCredential => _connectionString is not null || _accountKey is not null || _sas is not null;

    /// <summary>
    /// The Entra credential: the kind named by <c>credential</c>; else, with <c>managedIdentityClientId</c>, a
    /// <see cref="DefaultAzureCredential"/> for that identity; else the <see cref="TokenCredential"/> registered in
    /// <paramref name="services"/>; else <paramref name="fallback"/>.
    /// </summary>
    /// <param name="services">The application's services, or <see langword="null"/>.</param>
    /// <param name="fallback">The shared default credential (one per factory, so that its token cache is shared).</param>
    /// <returns>The credential.</returns>
    public TokenCredential GetTokenCredential(IServiceProvider? services, Func<TokenCredential> fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        string? clientId = ManagedIdentityClientId;
        return CredentialKind switch
        {
            null when clientId is null => services?.GetService(typeof(TokenCredential)) as TokenCredential ?? fallback(),
            null or "default" => clientId is null ? fallback() : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId }),
            "managedIdentity" => new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId)),
            "workloadIdentity" => new WorkloadIdentityCredential(new WorkloadIdentityCredentialOptions { ClientId = clientId }),
            "environment" => new EnvironmentCredential(),
            _ => new AzureCliCredential(),
        };
    }

    /// <summary>The shared key credential of <c>accountKey</c> for an account.</summary>
    /// <param name="accountName">The account name: the <c>account</c> setting, else the one in the endpoint.</param>
    /// <returns>The credential.</returns>
    /// <exception cref="CloudException">InvalidArgument when there is no key, no account name, or the key is not base64.</exception>
    public StorageSharedKeyCredential GetSharedKeyCredential(string? accountName)
    {
        string key = _accountKey ?? throw CloudException.InvalidArgument("accountKey", "no 'accountKey' setting is given.");
        if (string.IsNullOrEmpty(accountName))
        {
            throw CloudException.InvalidArgument("account", "shared key authentication needs the account name: add 'account=name'.");
        }

        try
        {
            return new StorageSharedKeyCredential(accountName, key);
        }
        catch (FormatException)
        {
            throw CloudException.InvalidArgument("accountKey", "the account key must be the base64 key shown for the storage account.");
        }
    }

    private static bool IsRegionName(string location)
    {
        foreach (char c in location)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return location.Length is > 0 and <= 40;
    }
}
