using System.Diagnostics.CodeAnalysis;
using Polycloud.Aws.Blobs;
using Polycloud.Blobs;
using Polycloud.Blobs.Drivers;
using Polycloud.Testing.Conformance.Blobs;

namespace Polycloud.Aws.Tests.Blobs;

/// <summary>
/// The blob conformance suite on the S3 driver against fauxqs, one fresh bucket per test. Buckets are addressed
/// virtual-hosted style (<c>http://{bucket}.s3.localhost:4566</c>, connected to the emulator), as the SDK does against
/// AWS by default: path style cannot carry keys that begin with '/' (see
/// S3WireTests.PathStyle_KeyWithLeadingSlash_IsRejectedBeforeAnyRequest). Signed URLs are made by a path-style driver on
/// the same bucket, because the plain HttpClient the suite uses to follow them cannot resolve <c>*.s3.localhost</c>.
/// </summary>
public sealed class S3BlobConformanceTests : BlobConformanceTests
{
    private const int PartSize = 8 * 1024 * 1024; // fauxqs rejects request bodies above about 11 MiB
    private string? _bucketName;

    protected override int? LargeUploadPartSize => PartSize;

    protected override async Task<BlobBucket> CreateBucketAsync()
    {
        _bucketName = await Fauxqs.CreateBucketAsync("conf", Ct);
        var options = new S3BlobDriverOptions { PartSize = PartSize };
        var driver = new S3BlobDriver(Fauxqs.VirtualHostedClient, _bucketName, options);
        var signer = new S3BlobDriver(Fauxqs.Client, _bucketName, options);
        return new BlobBucket(new SignedUrlsFrom(driver, signer));
    }

    protected override string? GapReason(BlobGap gap) => gap switch
    {
        BlobGap.CreateOnlyNotEnforced =>
            "fauxqs does not enforce If-None-Match: * on PutObject/CompleteMultipartUpload; the request is checked at the wire in S3WireTests.IfNotExists_SendsIfNoneMatchStar_AndMaps412ToAlreadyExists",
        BlobGap.IfMatchNotEnforced =>
            "fauxqs does not enforce If-Match on PutObject; the request is checked at the wire in S3WireTests.IfMatch_SendsIfMatchETag_AndMaps412And404ToPreconditionFailed",
        BlobGap.SignedUrlExpiryNotEnforced =>
            "fauxqs accepts any presigned signature, expired or not; the URL's expiry is checked at the wire in S3WireTests.SignedUrl_PointsAtEndpoint_WithExpiryMethodAndContentType",
        _ => null,
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_bucketName is not null)
        {
            await Fauxqs.DeleteBucketAsync(_bucketName);
        }
    }

    /// <summary>Delegates everything to one driver except signing, which goes to another driver on the same bucket.</summary>
    private sealed class SignedUrlsFrom(S3BlobDriver inner, S3BlobDriver signer) : IBlobDriver
    {
        public string ProviderName => inner.ProviderName;

        public string BucketName => inner.BucketName;

        public BlobCapabilities Capabilities => inner.Capabilities;

        public Task<BlobWriteResult> UploadAsync(string key, Stream content, BlobUploadOptions options, CancellationToken cancellationToken) => inner.UploadAsync(key, content, options, cancellationToken);

        public Task<BlobWriteResult> UploadAsync(string key, BinaryData content, BlobUploadOptions options, CancellationToken cancellationToken) => inner.UploadAsync(key, content, options, cancellationToken);

        public Task<BlobDownload> OpenReadAsync(string key, BlobRange range, CancellationToken cancellationToken) => inner.OpenReadAsync(key, range, cancellationToken);

        public Task<BlobProperties> GetPropertiesAsync(string key, CancellationToken cancellationToken) => inner.GetPropertiesAsync(key, cancellationToken);

        public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => inner.ExistsAsync(key, cancellationToken);

        public Task<BlobPage> ListPageAsync(string prefix, string? delimiter, int pageSize, string? continuationToken, CancellationToken cancellationToken) => inner.ListPageAsync(prefix, delimiter, pageSize, continuationToken, cancellationToken);

        public Task<BlobWriteResult> CopyAsync(string sourceKey, string destinationKey, BlobCopyOptions options, CancellationToken cancellationToken) => inner.CopyAsync(sourceKey, destinationKey, options, cancellationToken);

        public Task<bool> DeleteAsync(string key, bool throwIfMissing, CancellationToken cancellationToken) => inner.DeleteAsync(key, throwIfMissing, cancellationToken);

        public Task<Uri> GetSignedUrlAsync(string key, BlobSignedUrlOptions options, CancellationToken cancellationToken) => signer.GetSignedUrlAsync(key, options, cancellationToken);

        public CloudErrorCode ClassifyError(Exception exception) => inner.ClassifyError(exception);

        public bool TryAs<T>([NotNullWhen(true)] out T? value)
            where T : class => inner.TryAs(out value);

        public async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await signer.DisposeAsync();
        }
    }
}
