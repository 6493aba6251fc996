using Azure.Core;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Polycloud.Queues.Drivers;

namespace Polycloud.Azure.Queues;

/// <summary>
/// Opens <c>azqueue://queue-name</c> queues. Settings: <c>account</c> (the storage account, reached at
/// <c>https://{account}.queue.core.windows.net</c> with a <see cref="TokenCredential"/> from the container or
/// <see cref="DefaultAzureCredential"/>), or <c>connectionString</c> (for example <c>UseDevelopmentStorage=true</c>
/// for Azurite; keep it out of the URL, in configuration), or <c>serviceUri</c> (a queue service endpoint, with the
/// token credential); <c>messageEncoding</c>: <c>base64</c> (default, what Azure Functions expects) or <c>none</c>.
/// </summary>
public sealed class AzureQueueDriverFactory : IQueueDriverFactory
{
    private static readonly string[] SchemeList = ["azqueue"];

    /// <inheritdoc/>
    public IReadOnlyList<string> Schemes => SchemeList;

    /// <inheritdoc/>
    public IQueueDriver Create(CloudUrl url, IServiceProvider? services)
    {
        ArgumentNullException.ThrowIfNull(url);
        string? account = url.Get("account");
        string? connectionString = url.Get("connectionString");
        var serviceUri = url.GetUri("serviceUri");
        string encoding = url.Get("messageEncoding") ?? "base64";
        string? location = url.Get("location");
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
        int sources = (account is null ? 0 : 1) + (connectionString is null ? 0 : 1) + (serviceUri is null ? 0 : 1);
        if (sources != 1)
        {
            throw CloudException.InvalidArgument("url", $"'{url}' needs exactly one of the settings 'account', 'connectionString' or 'serviceUri'.");
        }

        QueueClient client;
        if (connectionString is not null)
        {
            client = new QueueClient(connectionString, url.Host, options);
        }
        else
        {
            var credential = services?.GetService<TokenCredential>() ?? new DefaultAzureCredential();
            var root = serviceUri ?? new Uri($"https://{account}.queue.core.windows.net/");
            client = new QueueClient(new Uri(root, root.AbsolutePath.TrimEnd('/') + "/" + Uri.EscapeDataString(url.Host)), credential, options);
        }

        return new AzureQueueDriver(client, base64) { Location = location };
    }
}
