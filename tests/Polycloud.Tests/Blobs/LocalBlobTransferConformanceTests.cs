using Polycloud.Blobs;
using Polycloud.Blobs.FileSystem;
using Polycloud.Blobs.Memory;
using Polycloud.Testing.Conformance.Blobs;

namespace Polycloud.Tests.Blobs;

public sealed class MemoryBlobMultipartConformanceTests : BlobMultipartConformanceTests
{
    protected override Task<BlobBucket> CreateBucketAsync() => Task.FromResult(new BlobBucket(new MemoryBlobDriver("multipart")));
}

public sealed class FileBlobMultipartConformanceTests : BlobMultipartConformanceTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "polycloud-file-multipart-" + Guid.NewGuid().ToString("N"));

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

public sealed class MemoryBlobServerSideCopyConformanceTests : BlobServerSideCopyConformanceTests
{
    private readonly string _foreignRoot = Path.Combine(Path.GetTempPath(), "polycloud-mem-copy-foreign-" + Guid.NewGuid().ToString("N"));

    protected override Task<BlobBucket> CreateBucketAsync() => Task.FromResult(new BlobBucket(new MemoryBlobDriver("copy")));

    protected override Task<BlobBucket> CreateForeignBucketAsync() => Task.FromResult(new BlobBucket(new FileBlobDriver(_foreignRoot, createIfMissing: true)));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_foreignRoot))
        {
            Directory.Delete(_foreignRoot, recursive: true);
        }
    }
}

public sealed class FileBlobServerSideCopyConformanceTests : BlobServerSideCopyConformanceTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "polycloud-file-copy-" + Guid.NewGuid().ToString("N"));

    protected override Task<BlobBucket> CreateBucketAsync()
        => Task.FromResult(new BlobBucket(new FileBlobDriver(Path.Combine(_root, Guid.NewGuid().ToString("N")), createIfMissing: true)));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
