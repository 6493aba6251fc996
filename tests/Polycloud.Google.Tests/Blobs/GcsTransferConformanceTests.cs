using Google.Cloud.Storage.V1;
using Polycloud.Blobs;
using Polycloud.Google.Blobs;
using Polycloud.Testing.Conformance.Blobs;

namespace Polycloud.Google.Tests.Blobs;

/// <summary>The multipart conformance suite on the GCS emulator: hidden part objects composed into the blob.</summary>
public sealed class GcsBlobMultipartConformanceTests : BlobMultipartConformanceTests
{
    private readonly StorageClient _client = GcsTestEnvironment.CreateEmulatorClient();

    // A composed object has a CRC32C but no MD5.
    protected override bool KeepsMultipartContentMD5 => false;

    protected override bool ListsCrc32c => true;

    protected override Task<BlobBucket> CreateBucketAsync()
        => Task.FromResult(new BlobBucket(new GcsBlobDriver(_client, GcsTestEnvironment.NewBucketName("mpc"))));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _client.Dispose();
    }
}

/// <summary>The server-side copy conformance suite on the GCS emulator: objects.rewrite between two buckets.</summary>
public sealed class GcsBlobServerSideCopyConformanceTests : BlobServerSideCopyConformanceTests
{
    private readonly StorageClient _client = GcsTestEnvironment.CreateEmulatorClient();

    protected override Task<BlobBucket> CreateBucketAsync()
        => Task.FromResult(new BlobBucket(new GcsBlobDriver(_client, GcsTestEnvironment.NewBucketName("cpc"))));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _client.Dispose();
    }
}
