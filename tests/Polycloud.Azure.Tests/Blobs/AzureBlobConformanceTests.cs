using Azure.Storage.Blobs;
using Polycloud.Azure.Blobs;
using Polycloud.Blobs;
using Polycloud.Conformance.Blobs;

namespace Polycloud.Azure.Tests.Blobs;

/// <summary>The blob conformance suite on Azurite, through a shared-key container client (service SAS for signed URLs).</summary>
public sealed class AzureBlobConformanceTests : BlobConformanceTests
{
    private BlobContainerClient? _container;

    protected override async Task<BlobBucket> CreateBucketAsync()
    {
        _container = await Azurite.CreateContainerAsync("conf");
        return new BlobBucket(new AzureBlobDriver(_container));
    }

    // Azure's Put Blob protocol: a plain HTTP PUT to a SAS URL must say which kind of blob it creates.
    protected override void PrepareSignedPut(HttpRequestMessage request) => request.Headers.Add("x-ms-blob-type", "BlockBlob");

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_container is not null)
        {
            await Azurite.DeleteQuietlyAsync(_container);
        }
    }
}
