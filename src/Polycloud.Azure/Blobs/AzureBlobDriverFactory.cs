using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;
using Polycloud.Blobs.Drivers;

namespace Polycloud.Azure.Blobs;

/// <summary>
/// Opens <c>azblob://container</c> URLs as <see cref="AzureBlobDriver"/>s.
/// </summary>
/// <remarks>
/// <para>Settings (URL query parameters, or keys next to <c>Url</c> in configuration; secrets belong in configuration):</para>
/// <list type="table">
/// <item><term><c>account</c></term><description>The storage account name: the endpoint is
/// <c>https://{account}.blob.core.windows.net</c> unless <c>endpoint</c> is set.</description></item>
/// <item><term><c>endpoint</c></term><description>The blob service URL, for sovereign clouds, private endpoints or
/// Azurite (<c>http://127.0.0.1:10000/devstoreaccount1</c>).</description></item>
/// <item><term><c>connectionString</c></term><description>A storage connection string (including
/// <c>UseDevelopmentStorage=true</c> for Azurite). Never logged. Excludes the other credential settings.</description></item>
/// <item><term><c>accountKey</c></term><description>The account's shared key (base64). Never logged.</description></item>
/// <item><term><c>sas</c></term><description>A SAS token (account or container). Never logged. Signed URLs are not
/// available with it.</description></item>
/// <item><term><c>credential</c>, <c>managedIdentityClientId</c></term><description>The kind of Microsoft Entra
/// credential (see <see cref="AzureSettings"/>).</description></item>
/// <item><term><c>anonymous</c></term><description><c>true</c>: no credentials, for containers with public read access.</description></item>
/// <item><term><c>location</c></term><description>The storage account's region (for example <c>westeurope</c>), reported by
/// <c>GetLocationAsync</c>; the data plane does not report it.</description></item>
/// <item><term><c>serviceVersion</c></term><description>Pins the REST API version, for example <c>2025-01-05</c>.</description></item>
/// </list>
/// <para>Without <c>connectionString</c>, <c>accountKey</c>, <c>sas</c> or <c>credential</c>, the driver authenticates with the
/// <see cref="TokenCredential"/> registered in the application's services, else with <see cref="DefaultAzureCredential"/>.</para>
/// </remarks>
public sealed class AzureBlobDriverFactory : IBlobDriverFactory
{
    private static readonly string[] SchemeList = ["azblob"];
    private readonly Action<BlobClientOptions>? _configureClientOptions;

    // One DefaultAzureCredential per factory, so every container opened through it shares the token cache.
    private readonly Lazy<TokenCredential> _defaultCredential = new(static () => new DefaultAzureCredential(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Creates the factory with the Azure SDK's default client options.</summary>
    public AzureBlobDriverFactory()
        : this(null)
    {
    }

    /// <summary>Creates the factory, letting the caller adjust each client's options (retry, transport, diagnostics).</summary>
    /// <param name="configureClientOptions">Called for every new <see cref="BlobClientOptions"/>, or <see langword="null"/>.</param>
    public AzureBlobDriverFactory(Action<BlobClientOptions>? configureClientOptions)
    {
        _configureClientOptions = configureClientOptions;
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> Schemes => SchemeList;

    /// <inheritdoc/>
    public IBlobDriver Create(CloudUrl url, IServiceProvider? services)
    {
        ArgumentNullException.ThrowIfNull(url);
        string container = url.Host;
        ValidateContainerName(container);
        if (url.Path.Length > 0 && url.Path != "/")
        {
            throw CloudException.InvalidArgument("url", $"'{url}' has a path; an azblob URL names a container only ('azblob://container?account=…'). Use key prefixes in the bucket API instead.");
        }

        var azure = AzureSettings.Read(url, AzureSettingsScope.Storage);
        string? serviceVersion = NullIfEmpty(url.Get("serviceVersion"));
        url.ThrowIfUnknownSettings(AzureBlobDriver.Provider);

        string? account = azure.Account;
        var options = CreateClientOptions(serviceVersion);
        BlobContainerClient client;
        bool userDelegation = false;
        if (azure.ConnectionString is { } connectionString)
        {
            try
            {
                client = new BlobContainerClient(connectionString, container, options);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                // The message of the SDK's exception may quote the connection string: never surface it.
                throw CloudException.InvalidArgument("connectionString", "the setting is not a valid Azure Storage connection string (expected 'DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;…' or 'UseDevelopmentStorage=true').");
            }

            if (account is not null && !string.Equals(account, client.AccountName, StringComparison.OrdinalIgnoreCase))
            {
                throw CloudException.InvalidArgument("account", $"the account '{account}' differs from the account '{client.AccountName}' of the connection string.");
            }
        }
        else
        {
            Uri serviceUri = azure.Endpoint
                ?? (account is not null
                    ? new Uri($"https://{account}.blob.core.windows.net/")
                    : throw CloudException.InvalidArgument("account", $"'{url}' needs the storage account: add '?account=name', an 'endpoint', or a 'connectionString' setting."));
            if (account is not null && !IsAccountName(account))
            {
                throw CloudException.InvalidArgument("account", $"'{account}' is not a storage account name: 3 to 24 lower-case letters and digits.");
            }

            var uriBuilder = new BlobUriBuilder(serviceUri) { BlobContainerName = container, BlobName = null };
            string accountName = account ?? uriBuilder.AccountName;
            Uri containerUri = uriBuilder.ToUri();
            if (azure.AccountKey is not null)
            {
                client = new BlobContainerClient(containerUri, azure.GetSharedKeyCredential(accountName), options);
            }
            else if (azure.Sas is { } sas)
            {
                // Carried in the URL (not as an AzureSasCredential) so that copy sources are authorized by it too.
                var withSas = new UriBuilder(containerUri) { Query = sas };
                client = new BlobContainerClient(withSas.Uri, options);
            }
            else if (azure.Anonymous)
            {
                // Public read access: no credential, no signed URLs.
                client = new BlobContainerClient(containerUri, options);
            }
            else
            {
                client = new BlobContainerClient(containerUri, azure.GetTokenCredential(services, () => _defaultCredential.Value), options);
                userDelegation = true;
            }
        }

        return new AzureBlobDriver(client, new AzureBlobDriverOptions
        {
            SignWithUserDelegationKey = userDelegation,
            TimeProvider = services?.GetService(typeof(TimeProvider)) as TimeProvider,
        })
        {
            Location = azure.Location,
        };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static bool IsAccountName(string name)
    {
        if (name.Length is < 3 or > 24)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static void ValidateContainerName(string name)
    {
        if (name.Length == 0)
        {
            throw CloudException.InvalidArgument("url", "an azblob URL names its container: 'azblob://container?account=name'.");
        }

        if (name is "$root" or "$web" or "$logs")
        {
            return;
        }

        bool valid = name.Length is >= 3 and <= 63 && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1]) && !name.Contains("--", StringComparison.Ordinal);
        if (valid)
        {
            foreach (char c in name)
            {
                if (!char.IsAsciiLetterLower(c) && !char.IsAsciiDigit(c) && c != '-')
                {
                    valid = false;
                    break;
                }
            }
        }

        if (!valid)
        {
            throw CloudException.InvalidArgument("url", $"'{name}' is not an Azure container name: 3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit.");
        }
    }

    private BlobClientOptions CreateClientOptions(string? serviceVersion)
    {
        BlobClientOptions options;
        if (serviceVersion is null)
        {
            options = new BlobClientOptions();
        }
        else
        {
            string name = serviceVersion.StartsWith('V') ? serviceVersion : "V" + serviceVersion.Replace('-', '_');
            if (!Enum.TryParse(name, ignoreCase: false, out BlobClientOptions.ServiceVersion version) || !Enum.IsDefined(version))
            {
                var latest = Enum.GetValues<BlobClientOptions.ServiceVersion>().Max();
                throw CloudException.InvalidArgument("serviceVersion", $"'{serviceVersion}' is not a Blob service version this SDK knows; use a date such as '{latest.ToString()[1..].Replace('_', '-')}'.");
            }

            options = new BlobClientOptions(version);
        }

        _configureClientOptions?.Invoke(options);
        return options;
    }
}
