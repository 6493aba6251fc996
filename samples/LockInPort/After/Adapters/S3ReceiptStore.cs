using Amazon.S3;
using Amazon.S3.Model;
using LockInPort.Receipts;
using Microsoft.Extensions.Options;

namespace LockInPort.Adapters;

internal sealed class S3ReceiptStore(IAmazonS3 s3, IOptions<ReceiptOptions> options) : IReceiptStore
{
    private readonly ReceiptOptions _options = options.Value;

    public async Task SaveAsync(string id, byte[] content, CancellationToken cancellationToken = default)
    {
        using var stream = new MemoryStream(content);
        var request = new PutObjectRequest { BucketName = _options.Bucket, Key = $"receipts/{id}.pdf", InputStream = stream, ContentType = "application/pdf" };
        if (_options.KmsKeyId.Length > 0)
        {
            request.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS;
            request.ServerSideEncryptionKeyManagementServiceKeyId = _options.KmsKeyId;
        }

        try
        {
            await s3.PutObjectAsync(request, cancellationToken);
        }
        catch (AmazonS3Exception e)
        {
            throw NativeErrors.Map(e, "aws-s3");
        }
    }

    public async Task<byte[]> LoadAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await s3.GetObjectAsync(_options.Bucket, $"receipts/{id}.pdf", cancellationToken);
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }
        catch (AmazonS3Exception e)
        {
            throw NativeErrors.Map(e, "aws-s3");
        }
    }

    public async Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default)
    {
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = "receipts/" };
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
        => s3.DeleteObjectAsync(_options.Bucket, $"receipts/{id}.pdf", cancellationToken);
}
