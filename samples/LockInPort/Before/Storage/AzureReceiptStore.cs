using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace LockInPort.Storage;

/// <summary>Receipts in an Azure Blob Storage container (the EU tenant).</summary>
public sealed class AzureReceiptStore
{
    private readonly BlobContainerClient _container = new(new Uri("https://acmereceipts.blob.core.windows.net/receipts"), new Azure.Storage.StorageSharedKeyCredential("acmereceipts", "a2V5"));

    public async Task SaveAsync(string id, byte[] content, CancellationToken cancellationToken = default)
    {
        var blob = _container.GetBlobClient($"{id}.pdf");
        await blob.UploadAsync(new BinaryData(content), overwrite: true, cancellationToken);
        await blob.SetAccessTierAsync(AccessTier.Cool, cancellationToken: cancellationToken);
    }

    public async Task<byte[]?> LoadAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await _container.GetBlobClient($"{id}.pdf").DownloadContentAsync(cancellationToken);
            return result.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        await foreach (var item in _container.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            names.Add(item.Name);
        }

        return names;
    }

    public Task DeleteAsync(string id, CancellationToken cancellationToken = default)
        => _container.DeleteBlobIfExistsAsync($"{id}.pdf", cancellationToken: cancellationToken);
}
