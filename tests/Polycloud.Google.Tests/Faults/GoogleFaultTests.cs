using System.Net.Http.Json;
using Google.Cloud.Storage.V1;
using Polycloud.Blobs;
using Polycloud.FaultProxy;
using Polycloud.Google.Blobs;
using Polycloud.Google.Queues;
using Polycloud.Google.Tests.Blobs;
using Polycloud.Queues;

namespace Polycloud.Google.Tests.Faults;

/// <summary>
/// The blob and queue fault suites on the Cloud Storage emulator and Google's Pub/Sub emulator (POLYCLOUD_TEST_PUBSUB,
/// default http://127.0.0.1:8681, project <c>test</c>) through <see cref="FaultInjectingProxy"/>: each operation goes
/// through the proxy, each result is checked against the emulator directly.
/// </summary>
public sealed class GoogleFaultTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The driver's own time limit per attempt: a stalled request ends in it.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);

    internal static Uri PubSubEndpoint { get; } = new((Environment.GetEnvironmentVariable("POLYCLOUD_TEST_PUBSUB") is { Length: > 0 } e ? e.TrimEnd('/') : "http://127.0.0.1:8681") + "/");

    [Fact]
    public async Task Gcs_blob_operations_through_faults_succeed_with_the_right_data_or_fail_transiently()
    {
        await using var proxy = new FaultInjectingProxy(GcsTestEnvironment.Endpoint, ErrorDialect.GoogleJson);
        string bucket = GcsTestEnvironment.NewBucketName("fault");
        using var faulty = new StorageClientBuilder { BaseUri = proxy.Uri().AbsoluteUri, UnauthenticatedAccess = true }.Build();
        faulty.Service.HttpClient.Timeout = CallTimeout;
        using var directClient = GcsTestEnvironment.CreateEmulatorClient();
        await using var viaProxy = new BlobBucket(new GcsBlobDriver(faulty, bucket));
        await using var direct = new BlobBucket(new GcsBlobDriver(directClient, bucket));
        try
        {
            var report = await BlobFaultSuite.RunAsync("Cloud Storage (emulator)", viaProxy, direct, proxy, FaultRuns.Profile, FaultRuns.Operations, Ct);
            output.WriteLine(report.ToString());
            FaultRuns.AssertClean(report);
        }
        finally
        {
            await foreach (var item in direct.ListAsync(cancellationToken: CancellationToken.None))
            {
                await direct.DeleteIfExistsAsync(item.Key, CancellationToken.None);
            }
        }
    }

    [Fact]
    public async Task PubSub_queue_operations_through_faults_lose_no_message()
    {
        using var admin = new HttpClient { BaseAddress = PubSubEndpoint };
        string name = "pc-fault-" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            (await admin.PutAsync($"v1/projects/test/topics/{name}", null, Ct)).EnsureSuccessStatusCode();
        }
        catch (HttpRequestException ex) when (ex.StatusCode is null)
        {
            Assert.Skip($"Google's Pub/Sub emulator does not answer at {PubSubEndpoint} (POLYCLOUD_TEST_PUBSUB): {ex.Message}");
        }

        (await admin.PutAsJsonAsync($"v1/projects/test/subscriptions/{name}", new { topic = $"projects/test/topics/{name}", ackDeadlineSeconds = 20 }, Ct)).EnsureSuccessStatusCode();
        await using var proxy = new FaultInjectingProxy(PubSubEndpoint, ErrorDialect.GoogleJson);
        try
        {
            using var faultyHttp = new HttpClient { Timeout = CallTimeout };
            using var directHttp = new HttpClient();
            await using var viaProxy = new MessageQueue(new PubSubQueueDriver(faultyHttp, $"projects/test/topics/{name}", name, credential: null, proxy.Uri()));
            await using var direct = new MessageQueue(new PubSubQueueDriver(directHttp, $"projects/test/topics/{name}", name, credential: null, PubSubEndpoint));
            var report = await QueueFaultSuite.RunAsync("Pub/Sub (emulator)", viaProxy, direct, proxy, FaultRuns.Profile, FaultRuns.Operations, FaultRuns.Lease, FaultRuns.DrainFor, Ct);
            output.WriteLine(report.ToString());
            FaultRuns.AssertClean(report);
        }
        finally
        {
            await admin.DeleteAsync($"v1/projects/test/subscriptions/{name}", CancellationToken.None);
            await admin.DeleteAsync($"v1/projects/test/topics/{name}", CancellationToken.None);
        }
    }
}
