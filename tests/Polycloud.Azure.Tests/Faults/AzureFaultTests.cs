using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Polycloud.Azure.Blobs;
using Polycloud.Azure.Queues;
using Polycloud.Azure.Tests.Blobs;
using Polycloud.Azure.Tests.Queues;
using Polycloud.Blobs;
using Polycloud.FaultProxy;
using Polycloud.Queues;
using Xunit;

namespace Polycloud.Azure.Tests.Faults;

/// <summary>
/// The blob and queue fault suites on Azurite through <see cref="FaultInjectingProxy"/>: each operation goes through the
/// proxy, each result is checked against Azurite directly. POLYCLOUD_FAULT_OPERATIONS sets the run's length.
/// </summary>
public sealed class AzureFaultTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The SDK's retry policy, with the per-attempt timeout short enough that a stalled request ends in it.</summary>
    private static void Configure(RetryOptions retry)
    {
        retry.NetworkTimeout = TimeSpan.FromSeconds(3);
        retry.Delay = TimeSpan.FromMilliseconds(100);
        retry.MaxDelay = TimeSpan.FromSeconds(2);
        retry.MaxRetries = 3;
    }

    private static Uri ThroughProxy(FaultInjectingProxy proxy, Uri emulator, string path)
        => new(proxy.Uri().ToString().TrimEnd('/') + emulator.AbsolutePath.TrimEnd('/') + "/" + path);

    [Fact]
    public async Task Azure_blob_operations_through_faults_succeed_with_the_right_data_or_fail_transiently()
    {
        await using var proxy = new FaultInjectingProxy(Azurite.Endpoint, ErrorDialect.AzureXml);
        var container = await Azurite.CreateContainerAsync("fault");
        try
        {
            var options = new BlobClientOptions();
            Configure(options.Retry);
            var faulty = new BlobContainerClient(ThroughProxy(proxy, Azurite.Endpoint, container.Name), Azurite.Credential, options);
            await using var viaProxy = new BlobBucket(new AzureBlobDriver(faulty));
            await using var direct = new BlobBucket(new AzureBlobDriver(container));
            var report = await BlobFaultSuite.RunAsync("Azure Blob (Azurite)", viaProxy, direct, proxy, FaultRuns.Profile, FaultRuns.Operations, Ct);
            FaultRuns.AssertClean(report, output);
        }
        finally
        {
            await Azurite.DeleteQuietlyAsync(container);
        }
    }

    [Fact]
    public async Task Azure_calls_whose_every_attempt_stalls_fail_with_Timeout_not_Unknown()
    {
        var queueEmulator = new Uri(AzureQueueConformanceTests.QueueEndpoint);
        await using var blobProxy = new FaultInjectingProxy(Azurite.Endpoint, ErrorDialect.AzureXml);
        await using var queueProxy = new FaultInjectingProxy(queueEmulator, ErrorDialect.AzureXml);
        var container = await Azurite.CreateContainerAsync("stall");
        var queueClient = new QueueServiceClient(AzureQueueConformanceTests.ConnectionString).GetQueueClient("pc-stall-" + Guid.NewGuid().ToString("N")[..12]);
        await queueClient.CreateAsync(cancellationToken: Ct);
        try
        {
            // One retry, each attempt cut off by a one-second network timeout: two stalls exhaust the call.
            var blobOptions = new BlobClientOptions();
            var queueOptions = new QueueClientOptions();
            foreach (var retry in new[] { blobOptions.Retry, queueOptions.Retry })
            {
                retry.NetworkTimeout = TimeSpan.FromSeconds(1);
                retry.Delay = TimeSpan.FromMilliseconds(10);
                retry.MaxRetries = 1;
            }

            await using var bucket = new BlobBucket(new AzureBlobDriver(new BlobContainerClient(ThroughProxy(blobProxy, Azurite.Endpoint, container.Name), Azurite.Credential, blobOptions)));
            await using var queue = new MessageQueue(new AzureQueueDriver(new QueueClient(ThroughProxy(queueProxy, queueEmulator, queueClient.Name), Azurite.Credential, queueOptions)));

            blobProxy.Enqueue(FaultKind.Stall, FaultKind.Stall);
            var list = await Assert.ThrowsAsync<CloudException>(() => bucket.ListPageAsync(cancellationToken: Ct));
            Assert.Equal(CloudErrorCode.Timeout, list.ErrorCode);
            Assert.True(list.IsTransient);

            queueProxy.Enqueue(FaultKind.Stall, FaultKind.Stall);
            var send = await Assert.ThrowsAsync<CloudException>(() => queue.SendAsync("x", Ct));
            Assert.Equal(CloudErrorCode.Timeout, send.ErrorCode);
            Assert.True(send.IsTransient);
            Assert.Equal(2, blobProxy.Faults[FaultKind.Stall]);
            Assert.Equal(2, queueProxy.Faults[FaultKind.Stall]);
        }
        finally
        {
            await Azurite.DeleteQuietlyAsync(container);
            await queueClient.DeleteIfExistsAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Azure_queue_operations_through_faults_lose_no_message()
    {
        var emulator = new Uri(AzureQueueConformanceTests.QueueEndpoint);
        await using var proxy = new FaultInjectingProxy(emulator, ErrorDialect.AzureXml);
        var directClient = new QueueServiceClient(AzureQueueConformanceTests.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 })
            .GetQueueClient("pc-fault-" + Guid.NewGuid().ToString("N")[..12]);
        await directClient.CreateAsync(cancellationToken: Ct);
        try
        {
            var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
            Configure(options.Retry);
            var faulty = new QueueClient(ThroughProxy(proxy, emulator, directClient.Name), Azurite.Credential, options);
            await using var viaProxy = new MessageQueue(new AzureQueueDriver(faulty, clientEncodesBase64: true));
            await using var direct = new MessageQueue(new AzureQueueDriver(directClient, clientEncodesBase64: true));
            var report = await QueueFaultSuite.RunAsync("Azure Queue (Azurite)", viaProxy, direct, proxy, FaultRuns.Profile, FaultRuns.Operations, FaultRuns.Lease, FaultRuns.DrainFor, Ct);
            FaultRuns.AssertClean(report, output);
        }
        finally
        {
            await directClient.DeleteIfExistsAsync(CancellationToken.None);
        }
    }
}
