using Google;
using Google.Cloud.Storage.V1;
using LockInPort.Receipts;
using Microsoft.Extensions.Options;

namespace LockInPort.Adapters;

internal sealed class GcsReceiptStore(IOptions<ReceiptOptions> options) : IReceiptStore
{
    private readonly StorageClient _client = StorageClient.Create();
    private readonly string _bucket = options.Value.GoogleBucket;

    public async Task SaveAsync(string id, byte[] content, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(content);
        try
        {
            await _client.UploadObjectAsync(_bucket, $"receipts/{id}.pdf", "application/pdf", stream, cancellationToken: cancellationToken);
        }
        catch (GoogleApiException e)
        {
            throw NativeErrors.Map(e, "google-gcs");
        }
    }

    public async Task<byte[]> LoadAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            using var buffer = new MemoryStream();
            await _client.DownloadObjectAsync(_bucket, $"receipts/{id}.pdf", buffer, cancellationToken: cancellationToken);
            return buffer.ToArray();
        }
        catch (GoogleApiException e)
        {
            throw NativeErrors.Map(e, "google-gcs");
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        await foreach (var item in _client.ListObjectsAsync(_bucket, "receipts/"))
        {
            names.Add(item.Name);
        }

        return names;
    }

    public Task DeleteAsync(string id, CancellationToken cancellationToken = default)
        => _client.DeleteObjectAsync(_bucket, $"receipts/{id}.pdf", cancellationToken: cancellationToken);
}
