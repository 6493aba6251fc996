using Polycloud.Aws.Blobs;
using Polycloud.Blobs;
using Polycloud.Testing.Conformance.Blobs;

namespace Polycloud.Aws.Tests.Blobs;

/// <summary>The transfer suite against fauxqs: memory → S3 and S3 → memory.</summary>
public sealed class S3TransferTests : BlobTransferConformanceTests
{
    private string? _name;

    protected override async Task<BlobBucket> CreateBucketAsync()
    {
        _name = await Fauxqs.CreateBucketAsync("xfer", Ct);
        return new BlobBucket(new S3BlobDriver(Fauxqs.Client, _name, new S3BlobDriverOptions { PartSize = 5 * 1024 * 1024 }));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_name is not null)
        {
            await Fauxqs.DeleteBucketAsync(_name);
        }
    }
}
