using Azure;
using Azure.Storage.Blobs;
using LockInPort.Receipts;
using Microsoft.Extensions.Options;

namespace LockInPort.Adapters;

internal sealed class AzureReceiptStore(BlobContainerClient container) : IReceiptStore
{
    public AzureReceiptStore(IOptions<ReceiptOptions> options)
        : this(new BlobContainerClient(new Uri(options.Value.AzureContainerUri), new Azure.Identity.DefaultAzureCredential()))
    {
    }

    public async Task SaveAsync(string id, byte[] content, CancellationToken cancellationToken = default)
    {
        try
        {
            await container.GetBlobClient($"{id}.pdf").UploadAsync(new BinaryData(content), overwrite: true, cancellationToken);
        }
        catch (RequestFailedException e)
        {
            throw NativeErrors.Map(e, "azure-blob");
        }
    }

    public async Task<byte[]> LoadAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await container.GetBlobClient($"{id}.pdf").DownloadContentAsync(cancellationToken);
            return result.Value.Content.ToArray();
        }
        catch (RequestFailedException e)
        {
            throw NativeErrors.Map(e, "azure-blob");
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        await foreach (var item in container.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            names.Add(item.Name);
        }

        return names;
    }

    public Task DeleteAsync(string id, CancellationToken cancellationToken = default)
        => container.DeleteBlobIfExistsAsync($"{id}.pdf", cancellationToken: cancellationToken);
}
