using Google;
using Google.Cloud.Storage.V1;

namespace LockInPort.Storage;

/// <summary>Receipts in a Google Cloud Storage bucket (the analytics copy).</summary>
public sealed class GcsReceiptStore
{
    private const string Bucket = "acme-receipts-analytics";
    private readonly StorageClient _client = StorageClient.Create();

    public async Task SaveAsync(string id, byte[] content, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(content);
        await _client.UploadObjectAsync(Bucket, $"receipts/{id}.pdf", "application/pdf", stream, cancellationToken: cancellationToken);
    }

    public async Task<byte[]?> LoadAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            using var buffer = new MemoryStream();
            await _client.DownloadObjectAsync(Bucket, $"receipts/{id}.pdf", buffer, cancellationToken: cancellationToken);
            return buffer.ToArray();
        }
        catch (GoogleApiException e) when (e.HttpStatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public string PublicUrl(string id) => $"https://storage.googleapis.com/{Bucket}/receipts/{id}.pdf";

    public string ExportLocation => "gs://acme-receipts-analytics/exports/";
}
