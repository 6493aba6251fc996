using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Polycloud.Aws.Blobs;
using Polycloud.Benchmarks.Infrastructure;
using Polycloud.Blobs;

namespace Polycloud.Benchmarks.Blobs.S3;

/// <summary>
/// Raw AWSSDK.S3 calls against the same calls through <see cref="BlobBucket"/> over <see cref="S3BlobDriver"/>, on one
/// <see cref="IAmazonS3"/> instance. Each category is one pair; the raw call is its baseline.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public abstract class S3BlobBenchmarks
{
    private IAmazonS3 _client = null!;
    private BlobBucket _bucket = null!;

    /// <summary>The bucket name.</summary>
    protected virtual string Bucket => BlobKeys.Bucket;

    /// <summary>Creates the client the pairs share.</summary>
    protected abstract IAmazonS3 CreateClient();

    /// <summary>Puts the data the reads need in place (emulators only).</summary>
    protected virtual Task PrepareAsync(IAmazonS3 client) => Task.CompletedTask;

    /// <summary>Makes sure the blob the delete pair removes exists (emulators only; the same raw call on both sides).</summary>
    protected virtual Task BeforeDeleteAsync(IAmazonS3 client) => Task.CompletedTask;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _client = CreateClient();
        _bucket = new BlobBucket(new S3BlobDriver(_client, Bucket));
        await PrepareAsync(_client);
    }

    [GlobalCleanup]
    public virtual void Cleanup() => _client.Dispose();

    [Benchmark(Baseline = true), BenchmarkCategory("upload 1 KB")]
    public Task<PutObjectResponse> Raw_Upload1K() => RawPut(Payloads.OneKilobyte);

    [Benchmark, BenchmarkCategory("upload 1 KB")]
    public Task<BlobWriteResult> Polycloud_Upload1K() => _bucket.UploadAsync(BlobKeys.Upload, Payloads.OneKilobyte);

    [Benchmark(Baseline = true), BenchmarkCategory("upload 1 MB")]
    public Task<PutObjectResponse> Raw_Upload1M() => RawPut(Payloads.OneMegabyte);

    [Benchmark, BenchmarkCategory("upload 1 MB")]
    public Task<BlobWriteResult> Polycloud_Upload1M() => _bucket.UploadAsync(BlobKeys.Upload, Payloads.OneMegabyte);

    [Benchmark(Baseline = true), BenchmarkCategory("download 1 KB")]
    public Task<byte[]> Raw_Download1K() => RawGet(BlobKeys.Small, null);

    [Benchmark, BenchmarkCategory("download 1 KB")]
    public Task<BinaryData> Polycloud_Download1K() => _bucket.ReadAllAsync(BlobKeys.Small);

    [Benchmark(Baseline = true), BenchmarkCategory("download 1 MB")]
    public Task<byte[]> Raw_Download1M() => RawGet(BlobKeys.Large, null);

    [Benchmark, BenchmarkCategory("download 1 MB")]
    public Task<BinaryData> Polycloud_Download1M() => _bucket.ReadAllAsync(BlobKeys.Large);

    [Benchmark(Baseline = true), BenchmarkCategory("range read 4 KB")]
    public Task<byte[]> Raw_RangeRead() => RawGet(BlobKeys.Large, new ByteRange(Payloads.RangeOffset, Payloads.RangeOffset + Payloads.RangeLength - 1));

    [Benchmark, BenchmarkCategory("range read 4 KB")]
    public Task<BinaryData> Polycloud_RangeRead() => _bucket.ReadAllAsync(BlobKeys.Large, new BlobRange(Payloads.RangeOffset, Payloads.RangeLength));

    [Benchmark(Baseline = true), BenchmarkCategory("properties")]
    public Task<GetObjectMetadataResponse> Raw_Properties()
        => _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = BlobKeys.Small });

    [Benchmark, BenchmarkCategory("properties")]
    public Task<BlobProperties> Polycloud_Properties() => _bucket.GetPropertiesAsync(BlobKeys.Small);

    [Benchmark(Baseline = true), BenchmarkCategory("list 100")]
    public Task<ListObjectsV2Response> Raw_List()
        => _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = BlobKeys.ListPrefix, MaxKeys = Payloads.ListPageSize });

    [Benchmark, BenchmarkCategory("list 100")]
    public Task<BlobPage> Polycloud_List()
        => _bucket.ListPageAsync(new BlobListOptions { Prefix = BlobKeys.ListPrefix, PageSize = Payloads.ListPageSize });

    /// <summary>HEAD then DELETE: S3's DeleteObject succeeds for a missing key, so this is what an honest NotFound takes.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("delete")]
    public async Task Raw_Delete()
    {
        await BeforeDeleteAsync(_client);
        await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = Bucket, Key = BlobKeys.Delete });
        await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = BlobKeys.Delete });
    }

    [Benchmark, BenchmarkCategory("delete")]
    public async Task Polycloud_Delete()
    {
        await BeforeDeleteAsync(_client);
        await _bucket.DeleteAsync(BlobKeys.Delete);
    }

    private Task<PutObjectResponse> RawPut(byte[] payload) => _client.PutObjectAsync(new PutObjectRequest
    {
        BucketName = Bucket,
        Key = BlobKeys.Upload,
        InputStream = new MemoryStream(payload, writable: false),
        ContentType = "application/octet-stream",
    });

    private async Task<byte[]> RawGet(string key, ByteRange? range)
    {
        using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = key, ByteRange = range });
        var buffer = new byte[response.ContentLength];
        await response.ResponseStream.ReadExactlyAsync(buffer);
        return buffer;
    }
}

/// <summary>The S3 pairs over the in-process transport.</summary>
[OverheadSuite("S3", BenchTransport.InProcess)]
public class S3InProcessBenchmarks : S3BlobBenchmarks
{
    /// <inheritdoc/>
    protected override IAmazonS3 CreateClient() => new AmazonS3Client(
        new BasicAWSCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        new AmazonS3Config
        {
            RegionEndpoint = Amazon.RegionEndpoint.USEast1,
            HttpClientFactory = new CannedAwsHttpClientFactory(new S3CannedHandler()),
            MaxErrorRetry = 0,
        });
}

/// <summary>The S3 pairs against fauxqs over loopback (<c>POLYCLOUD_TEST_FAUXQS</c>, default http://127.0.0.1:4566).</summary>
[OverheadSuite("S3", BenchTransport.Emulator)]
public class S3LoopbackBenchmarks : S3BlobBenchmarks
{
    private readonly string _bucket = "bench-" + Guid.NewGuid().ToString("N")[..10];

    /// <inheritdoc/>
    protected override string Bucket => _bucket;

    /// <inheritdoc/>
    protected override IAmazonS3 CreateClient() => new AmazonS3Client(
        new BasicAWSCredentials("test", "test"),
        new AmazonS3Config
        {
            ServiceURL = Environment.GetEnvironmentVariable("POLYCLOUD_TEST_FAUXQS") ?? "http://127.0.0.1:4566",
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });

    /// <inheritdoc/>
    protected override async Task PrepareAsync(IAmazonS3 client)
    {
        await client.PutBucketAsync(new PutBucketRequest { BucketName = _bucket });
        await Put(client, BlobKeys.Small, Payloads.OneKilobyte);
        await Put(client, BlobKeys.Large, Payloads.OneMegabyte);
        for (int i = 0; i <= Payloads.ListPageSize; i++)
        {
            await Put(client, BlobKeys.ListItem(i), Payloads.OneKilobyte);
        }
    }

    /// <inheritdoc/>
    protected override Task BeforeDeleteAsync(IAmazonS3 client) => Put(client, BlobKeys.Delete, Payloads.OneKilobyte);

    /// <inheritdoc/>
    public override void Cleanup()
    {
        // Best effort: the emulators are throwaway servers, but shared.
        var client = CreateClient();
        try
        {
            var list = client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket }).GetAwaiter().GetResult();
            foreach (var o in list.S3Objects ?? [])
            {
                client.DeleteObjectAsync(_bucket, o.Key).GetAwaiter().GetResult();
            }

            client.DeleteBucketAsync(_bucket).GetAwaiter().GetResult();
        }
        catch (AmazonServiceException)
        {
        }

        base.Cleanup();
    }

    private Task Put(IAmazonS3 client, string key, byte[] data) => client.PutObjectAsync(new PutObjectRequest
    {
        BucketName = _bucket,
        Key = key,
        InputStream = new MemoryStream(data, writable: false),
    });
}
