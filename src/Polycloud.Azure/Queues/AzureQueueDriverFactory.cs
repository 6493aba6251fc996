using Azure.Core;
using Azure.Identity;
using Azure.Storage.Queues;
using Polycloud.Queues.Drivers;

namespace Polycloud.Azure.Queues;

/// <summary>
/// Opens <c>azqueue://queue-name</c> queues. Settings: the Azure storage settings (<see cref="AzureSettings"/>):
/// <c>account</c> (the storage account, reached at <c>https://{account}.queue.core.windows.net</c>), <c>endpoint</c>
/// (a queue service URL; its old name <c>serviceUri</c> still works, with a warning), <c>connectionString</c> (for
/// example <c>UseDevelopmentStorage=true</c> for Azurite; keep it out of the URL, in configuration),
/// <c>accountKey</c>, <c>sas</c>, <c>credential</c>, <c>managedIdentityClientId</c>; and <c>messageEncoding</c>:
/// <c>base64</c> (default, what Azure Functions expects) or <c>none</c>. Without a connection string, key or SAS, the
/// client authenticates with the credential named by <c>credential</c>, else the <see cref="TokenCredential"/>
/// registered in the container, else <see cref="DefaultAzureCredential"/>.
/// </summary>
public sealed class AzureQueueDriverFactory : IQueueDriverFactory
{
    private static readonly string[] SchemeList = ["azqueue"];

    // One DefaultAzureCredential per factory, so every queue opened through it shares the token cache.
    private readonly Lazy<TokenCredential> _defaultCredential = new(static () => new DefaultAzureCredential(), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <inheritdoc/>
    public IReadOnlyList<string> Schemes => SchemeList;

    /// <inheritdoc/>
    public IQueueDriver Create(CloudUrl url, IServiceProvider? services)
    {
        ArgumentNullException.ThrowIfNull(url);
        var azure = AzureSettings.Read(url, AzureSettingsScope.Queue, obsoleteEndpointName: "serviceUri");
        string encoding = url.Get("messageEncoding") ?? "base64";
        url.ThrowIfUnknownSettings("azure-queue");
        if (url.Host.Length == 0)
        {
            throw CloudException.InvalidArgument("url", $"'{url}' has no queue name; write 'azqueue://queue-name?account=myaccount'.");
        }

        bool base64 = encoding.ToLowerInvariant() switch
        {
            "base64" => true,
            "none" => false,
            _ => throw CloudException.InvalidArgument("messageEncoding", $"the setting 'messageEncoding' must be 'base64' or 'none', not '{encoding}'."),
        };
        var options = new QueueClientOptions { MessageEncoding = base64 ? QueueMessageEncoding.Base64 : QueueMessageEncoding.None };
        QueueClient client;
        if (azure.ConnectionString is { } connectionString)
        {
            try
            {
                client = new QueueClient(connectionString, url.Host, options);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                // The message of the SDK's exception may quote the connection string: never surface it.
                throw CloudException.InvalidArgument("connectionString", "the setting is not a valid Azure Storage connection string (expected 'DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;…' or 'UseDevelopmentStorage=true').");
            }

            if (azure.Account is { } named && !string.Equals(named, client.AccountName, StringComparison.OrdinalIgnoreCase))
            {
                throw CloudException.InvalidArgument("account", $"the account '{named}' differs from the account '{client.AccountName}' of the connection string.");
            }
        }
        else
        {
            var root = azure.Endpoint
                ?? (azure.Account is { } account
                    ? new Uri($"https://{account}.queue.core.windows.net/")
                    : throw CloudException.InvalidArgument("account", $"'{url}' needs the storage account: add '?account=name', an 'endpoint', or a 'connectionString' setting."));
            var queueUri = new Uri(root, root.AbsolutePath.TrimEnd('/') + "/" + Uri.EscapeDataString(url.Host));
            if (azure.AccountKey is not null)
            {
                client = new QueueClient(queueUri, azure.GetSharedKeyCredential(azure.Account ?? new QueueUriBuilder(queueUri).AccountName), options);
            }
            else if (azure.Sas is { } sas)
            {
                client = new QueueClient(new UriBuilder(queueUri) { Query = sas }.Uri, options);
            }
            else
            {
                client = new QueueClient(queueUri, azure.GetTokenCredential(services, () => _defaultCredential.Value), options);
            }
        }

        return new AzureQueueDriver(client, base64) { Location = azure.Location, TimeProvider = services?.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System };
    }
}
