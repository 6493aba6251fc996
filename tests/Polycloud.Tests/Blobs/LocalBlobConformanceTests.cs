using Polycloud.Blobs;
using Polycloud.Blobs.FileSystem;
using Polycloud.Blobs.Memory;
using Polycloud.Testing.Conformance.Blobs;

namespace Polycloud.Tests.Blobs;

public sealed class MemoryBlobConformanceTests : BlobConformanceTests
{
    protected override Task<BlobBucket> CreateBucketAsync() => Task.FromResult(new BlobBucket(new MemoryBlobDriver("conformance")));
}

public sealed class FileBlobConformanceTests : BlobConformanceTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "polycloud-file-conformance-" + Guid.NewGuid().ToString("N"));

    protected override Task<BlobBucket> CreateBucketAsync() => Task.FromResult(new BlobBucket(new FileBlobDriver(_root, createIfMissing: true)));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
