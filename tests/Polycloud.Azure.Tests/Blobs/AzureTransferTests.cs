using Azure.Storage.Blobs;
using Polycloud.Azure.Blobs;
using Polycloud.Blobs;
using Polycloud.Testing.Conformance.Blobs;

namespace Polycloud.Azure.Tests.Blobs;

/// <summary>The transfer suite against Azurite: memory → Azure Blob and Azure Blob → memory (Azure signs URLs, memory
/// cannot copy from them, so the copy falls back to streaming).</summary>
public sealed class AzureTransferTests : BlobTransferConformanceTests
{
    private BlobContainerClient? _container;

    protected override async Task<BlobBucket> CreateBucketAsync()
    {
        _container = await Azurite.CreateContainerAsync("xfer");
        return new BlobBucket(new AzureBlobDriver(_container));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_container is not null)
        {
            await Azurite.DeleteQuietlyAsync(_container);
        }
    }
}
