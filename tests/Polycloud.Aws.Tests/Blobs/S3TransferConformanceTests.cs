using Polycloud.Aws.Blobs;
using Polycloud.Blobs;
using Polycloud.Testing.Conformance.Blobs;

namespace Polycloud.Aws.Tests.Blobs;

/// <summary>The multipart conformance suite on the S3 driver against fauxqs, one fresh bucket per test.</summary>
public sealed class S3BlobMultipartConformanceTests : BlobMultipartConformanceTests
{
    private string? _bucketName;

    // S3 keeps no whole-object MD5 for a multipart object (its ETag is the MD5 of the part MD5s, with "-N").
    protected override bool KeepsMultipartContentMD5 => false;

    protected override async Task<BlobBucket> CreateBucketAsync()
    {
        _bucketName = await Fauxqs.CreateBucketAsync("mpc", Ct);
        return new BlobBucket(new S3BlobDriver(Fauxqs.Client, _bucketName));
    }

    protected override string? GapReason(BlobGap gap) => S3TransferGaps.Reason(gap);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_bucketName is not null)
        {
            await Fauxqs.DeleteBucketAsync(_bucketName);
        }
    }
}

/// <summary>The server-side copy conformance suite on the S3 driver against fauxqs: two buckets of one endpoint.</summary>
public sealed class S3BlobServerSideCopyConformanceTests : BlobServerSideCopyConformanceTests
{
    private readonly List<string> _buckets = [];

    protected override async Task<BlobBucket> CreateBucketAsync()
    {
        string name = await Fauxqs.CreateBucketAsync("cpc", Ct);
        _buckets.Add(name);
        return new BlobBucket(new S3BlobDriver(Fauxqs.Client, name));
    }

    protected override string? GapReason(BlobGap gap) => S3TransferGaps.Reason(gap);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (string name in _buckets)
        {
            await Fauxqs.DeleteBucketAsync(name);
        }
    }
}

internal static class S3TransferGaps
{
    public static string? Reason(BlobGap gap) => gap switch
    {
        BlobGap.MultipartPartsNotListed =>
            "fauxqs 2.4 has no ListParts: GET ?uploadId= is served as GetObject (NoSuchKey); the request is checked at the wire in S3TransferWireTests.ListUploadedParts_SendsListParts_AndPages",
        BlobGap.MultipartUploadsNotListed =>
            "fauxqs 2.4 has no ListMultipartUploads: GET ?uploads is served as ListObjects; the request is checked at the wire in S3TransferWireTests.ListMultipartUploads_SendsPrefix_AndPages",
        _ => null,
    };
}
