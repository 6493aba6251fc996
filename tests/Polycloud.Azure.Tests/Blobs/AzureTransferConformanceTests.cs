using Azure.Storage.Blobs;
using Polycloud.Azure.Blobs;
using Polycloud.Blobs;
using Polycloud.Testing.Conformance.Blobs;

namespace Polycloud.Azure.Tests.Blobs;

/// <summary>The multipart conformance suite on Azurite: uncommitted blocks and Put Block List.</summary>
public sealed class AzureBlobMultipartConformanceTests : BlobMultipartConformanceTests
{
    private BlobContainerClient? _container;

    protected override async Task<BlobBucket> CreateBucketAsync()
    {
        _container = await Azurite.CreateContainerAsync("mpc");
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

/// <summary>The server-side copy conformance suite on Azurite: two containers of one account, and Put Block From URL
/// from a SAS URL of the source container.</summary>
public sealed class AzureBlobServerSideCopyConformanceTests : BlobServerSideCopyConformanceTests
{
    private readonly List<BlobContainerClient> _containers = [];

    protected override bool CopiesFromUrl => true;

    protected override async Task<BlobBucket> CreateBucketAsync()
    {
        var container = await Azurite.CreateContainerAsync("cpc");
        _containers.Add(container);
        return new BlobBucket(new AzureBlobDriver(container));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var container in _containers)
        {
            await Azurite.DeleteQuietlyAsync(container);
        }
    }
}
