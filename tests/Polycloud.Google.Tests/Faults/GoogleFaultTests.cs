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

    /// <summary>
    /// The emulator answers some uploads resumed after a lost answer with a plain-text 400 (no JSON error), which the
    /// client reports as BadRequest; Cloud Storage answers a resumed upload's status query with 308 or the object.
    /// </summary>
    private static string? EmulatorGap(CloudException ex)
        => ex.ErrorCode == CloudErrorCode.InvalidArgument && ex.InnerException is global::Google.GoogleApiException { Error: null } or global::Google.GoogleApiException { Error.Message: null or "" }
            ? "the Cloud Storage emulator answers a resumed upload with a plain-text 400"
            : null;

    [Fact]
    public async Task Gcs_upload_whose_data_request_is_reset_is_never_a_success_with_a_short_object()
    {
        await using var proxy = new FaultInjectingProxy(GcsTestEnvironment.Endpoint, ErrorDialect.GoogleJson);
        await using var gcs = new GcsBucketPair(proxy, GcsTestEnvironment.NewBucketName("short"));
        var (viaProxy, direct) = (gcs.ViaProxy, gcs.Direct);
        byte[] data = new byte[50_000];
        new Random(3).NextBytes(data);
        try
        {
            // The resumable upload's start passes; its data request never reaches the emulator. The client then asks the
            // session's status and the emulator finalizes the object with what it holds: nothing.
            proxy.Enqueue(FaultKind.None, FaultKind.ResetBeforeForward);
            try
            {
                await viaProxy.UploadAsync("k", data, cancellationToken: Ct);
            }
            catch (CloudException ex)
            {
                Assert.True(ex.IsTransient, ex.ToString());
            }

            // Either the upload succeeded with the whole object, or it failed and left no short object behind.
            if (await direct.ExistsAsync("k", Ct))
            {
                Assert.Equal(data, (await direct.ReadAllAsync("k", cancellationToken: Ct)).ToArray());
            }

            Assert.Equal(1, proxy.Faults[FaultKind.ResetBeforeForward]);
        }
        finally
        {
            await direct.DeleteIfExistsAsync("k", CancellationToken.None);
        }
    }

    [Fact]
    public async Task Gcs_blob_operations_through_faults_succeed_with_the_right_data_or_fail_transiently()
    {
        await using var proxy = new FaultInjectingProxy(GcsTestEnvironment.Endpoint, ErrorDialect.GoogleJson);
        await using var gcs = new GcsBucketPair(proxy, GcsTestEnvironment.NewBucketName("fault"));
        var (viaProxy, direct) = (gcs.ViaProxy, gcs.Direct);
        try
        {
            var report = await BlobFaultSuite.RunAsync("Cloud Storage (emulator)", viaProxy, direct, proxy, FaultRuns.Profile, FaultRuns.Operations, Ct, EmulatorGap);
            FaultRuns.AssertClean(report, output);
        }
        finally
        {
            await foreach (var item in direct.ListAsync(cancellationToken: CancellationToken.None))
            {
                await direct.DeleteIfExistsAsync(item.Key, CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Receives do not wait here: a pull the driver gives up on when its wait time ends stays open in the emulator and
    /// takes the messages published next (they come back only after the ack deadline, later than the drain waits), with
    /// or without faults. That is the driver's idle-pull behaviour, not a fault's; this run checks the faults.
    /// </summary>
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
            var report = await QueueFaultSuite.RunAsync("Pub/Sub (emulator)", viaProxy, direct, proxy, FaultRuns.Profile, FaultRuns.Operations, FaultRuns.Lease, FaultRuns.DrainFor, Ct, longPolls: false);
            FaultRuns.AssertClean(report, output);
        }
        finally
        {
            await admin.DeleteAsync($"v1/projects/test/subscriptions/{name}", CancellationToken.None);
            await admin.DeleteAsync($"v1/projects/test/topics/{name}", CancellationToken.None);
        }
    }

    /// <summary>One emulator bucket twice: through the proxy (each attempt limited to <see cref="CallTimeout"/>) and directly.</summary>
    private sealed class GcsBucketPair : IAsyncDisposable
    {
        private readonly StorageClient _faulty;
        private readonly StorageClient _direct;

        public GcsBucketPair(FaultInjectingProxy proxy, string bucket)
        {
            _faulty = new StorageClientBuilder { BaseUri = proxy.Uri().AbsoluteUri, UnauthenticatedAccess = true }.Build();
            _faulty.Service.HttpClient.Timeout = CallTimeout;
            _direct = GcsTestEnvironment.CreateEmulatorClient();
            ViaProxy = new BlobBucket(new GcsBlobDriver(_faulty, bucket));
            Direct = new BlobBucket(new GcsBlobDriver(_direct, bucket));
        }

        public BlobBucket ViaProxy { get; }

        public BlobBucket Direct { get; }

        public async ValueTask DisposeAsync()
        {
            await ViaProxy.DisposeAsync();
            await Direct.DisposeAsync();
            _faulty.Dispose();
            _direct.Dispose();
        }
    }
}
