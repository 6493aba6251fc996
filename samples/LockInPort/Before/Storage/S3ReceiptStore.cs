using Amazon.S3;
using Amazon.S3.Model;

namespace LockInPort.Storage;

/// <summary>Receipts in an S3 bucket.</summary>
public sealed class S3ReceiptStore(IAmazonS3 s3)
{
    private const string Bucket = "acme-receipts-prod";
    private const string KmsKey = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    public async Task SaveAsync(string id, byte[] content, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(content);
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = Bucket,
            Key = $"receipts/{id}.pdf",
            InputStream = stream,
            ContentType = "application/pdf",
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = KmsKey,
        }, cancellationToken);
    }

    public async Task<byte[]?> LoadAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await s3.GetObjectAsync(Bucket, $"receipts/{id}.pdf", cancellationToken);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = "receipts/" };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request, cancellationToken);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
        return keys;
    }

    public Task DeleteAsync(string id, CancellationToken cancellationToken = default)
        => s3.DeleteObjectAsync(Bucket, $"receipts/{id}.pdf", cancellationToken);

    public Task<string> ShareAsync(string id)
        => s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = Bucket,
            Key = $"receipts/{id}.pdf",
            Expires = DateTime.UtcNow.AddHours(1),
        });

    public Task ExpireOldReceiptsAsync(CancellationToken cancellationToken = default)
        => s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = Bucket,
            Configuration = new LifecycleConfiguration(),
        }, cancellationToken);
}
