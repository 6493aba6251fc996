using Amazon.Runtime;
using Amazon.S3;
using Amazon.SQS;
using Amazon.SQS.Model;
using Polycloud.Aws.Blobs;
using Polycloud.Aws.Queues;
using Polycloud.Aws.Tests.Blobs;
using Polycloud.Aws.Tests.Queues;
using Polycloud.Blobs;
using Polycloud.FaultProxy;
using Polycloud.Queues;
using Xunit;

namespace Polycloud.Aws.Tests.Faults;

/// <summary>
/// The blob and queue fault suites on S3 and SQS (fauxqs) through <see cref="FaultInjectingProxy"/>: each operation goes
/// through the proxy, each result is checked against fauxqs directly. POLYCLOUD_FAULT_OPERATIONS sets the run's length.
/// </summary>
public sealed class AwsFaultTests(ITestOutputHelper output)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The driver's own time limit per attempt: a stalled request ends in it.</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(3);

    /// <summary>An S3 client that reaches fauxqs through <paramref name="proxy"/>, each attempt limited to <see cref="CallTimeout"/>.</summary>
    private static AmazonS3Client S3ClientThrough(FaultInjectingProxy proxy) => new(new BasicAWSCredentials("polycloud-test", "polycloud-test-secret"), new AmazonS3Config
    {
        ServiceURL = proxy.Uri().ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
        Timeout = CallTimeout,
    });

    [Fact]
    public async Task S3_blob_operations_through_faults_succeed_with_the_right_data_or_fail_transiently()
    {
        await using var proxy = new FaultInjectingProxy(new Uri(Fauxqs.Endpoint), ErrorDialect.S3Xml);
        string bucket = await Fauxqs.CreateBucketAsync("fault", Ct);
        try
        {
            using var client = S3ClientThrough(proxy);
            await using var viaProxy = new BlobBucket(new S3BlobDriver(client, bucket));
            await using var direct = new BlobBucket(new S3BlobDriver(Fauxqs.Client, bucket));
            var report = await BlobFaultSuite.RunAsync("S3 (fauxqs)", viaProxy, direct, proxy, FaultRuns.Profile, FaultRuns.Operations, Ct);
            FaultRuns.AssertClean(report, output);
        }
        finally
        {
            await Fauxqs.DeleteBucketAsync(bucket);
        }
    }

    [Fact]
    public async Task S3_read_cut_in_the_middle_throws_a_transient_CloudException_never_short_data()
    {
        await using var proxy = new FaultInjectingProxy(new Uri(Fauxqs.Endpoint), ErrorDialect.S3Xml);
        string bucket = await Fauxqs.CreateBucketAsync("cut", Ct);
        try
        {
            using var client = S3ClientThrough(proxy);
            await using var viaProxy = new BlobBucket(new S3BlobDriver(client, bucket));
            byte[] data = new byte[64 * 1024];
            new Random(7).NextBytes(data);
            await viaProxy.UploadAsync("k", data, cancellationToken: Ct);

            // The answer's headers arrive whole (so the SDK does not retry); the body stops half way.
            proxy.Enqueue(FaultKind.CutBody);
            await using (var download = await viaProxy.OpenReadAsync("k", cancellationToken: Ct))
            {
                using var copy = new MemoryStream();
                var streamed = await Assert.ThrowsAsync<CloudException>(() => download.Content.CopyToAsync(copy, Ct));
                Assert.Equal(CloudErrorCode.Unavailable, streamed.ErrorCode);
                Assert.True(streamed.IsTransient);
                Assert.True(copy.Length < data.Length);
            }

            proxy.Enqueue(FaultKind.CutBody);
            var downloaded = await Assert.ThrowsAsync<CloudException>(() => viaProxy.DownloadToAsync("k", new MemoryStream(), cancellationToken: Ct));
            Assert.Equal(CloudErrorCode.Unavailable, downloaded.ErrorCode);

            proxy.Enqueue(FaultKind.CutBody);
            var read = await Assert.ThrowsAsync<CloudException>(() => viaProxy.ReadAllAsync("k", cancellationToken: Ct));
            Assert.Equal(CloudErrorCode.Unavailable, read.ErrorCode);
            Assert.Equal(3, proxy.Faults[FaultKind.CutBody]);
        }
        finally
        {
            await Fauxqs.DeleteBucketAsync(bucket);
        }
    }

    [Fact]
    public async Task Sqs_queue_operations_through_faults_lose_no_message()
    {
        await using var proxy = new FaultInjectingProxy(new Uri(SqsQueueConformanceTests.Endpoint), ErrorDialect.SqsJson);
        using var directClient = SqsQueueConformanceTests.CreateClient();
        string url = (await directClient.CreateQueueAsync(new CreateQueueRequest { QueueName = "pc-fault-" + Guid.NewGuid().ToString("N")[..12] }, Ct)).QueueUrl;
        try
        {
            using var client = new AmazonSQSClient(new BasicAWSCredentials("test", "test"), new AmazonSQSConfig
            {
                ServiceURL = proxy.Uri().ToString(),
                AuthenticationRegion = "us-east-1",
                Timeout = CallTimeout,
            });
            await using var viaProxy = new MessageQueue(new SqsQueueDriver(client, url));
            await using var direct = new MessageQueue(new SqsQueueDriver(directClient, url));
            var report = await QueueFaultSuite.RunAsync("SQS (fauxqs)", viaProxy, direct, proxy, FaultRuns.Profile, FaultRuns.Operations, FaultRuns.Lease, FaultRuns.DrainFor, Ct);
            FaultRuns.AssertClean(report, output);
        }
        finally
        {
            await directClient.DeleteQueueAsync(url, CancellationToken.None);
        }
    }
}
