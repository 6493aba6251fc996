using Google.Cloud.Storage.V1;
using Polycloud.Blobs;
using Polycloud.Google.Blobs;
using Polycloud.Testing.Conformance.Blobs;

namespace Polycloud.Google.Tests.Blobs;

/// <summary>The transfer suite against the Cloud Storage emulator: memory → Cloud Storage and back.</summary>
public sealed class GcsTransferTests : BlobTransferConformanceTests
{
    private readonly StorageClient _client = GcsTestEnvironment.CreateEmulatorClient();

    // The emulator keeps only the first chunk of a chunked resumable upload: parts larger than the large object.
    protected override int PartSize => 8 * 1024 * 1024;

    protected override Task<BlobBucket> CreateBucketAsync()
        => Task.FromResult(new BlobBucket(new GcsBlobDriver(_client, GcsTestEnvironment.NewBucketName("xfer"), UrlSigner.FromCredential(GcsTestEnvironment.Credential))));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _client.Dispose();
    }
}
