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
            output.WriteLine(report.ToString());
            FaultRuns.AssertClean(report);
        }
        finally
        {
            await Azurite.DeleteQuietlyAsync(container);
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
            output.WriteLine(report.ToString());
            FaultRuns.AssertClean(report);
        }
        finally
        {
            await directClient.DeleteIfExistsAsync(CancellationToken.None);
        }
    }
}
