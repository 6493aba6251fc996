using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Google.Cloud.Storage.V1;
using Polycloud.Benchmarks.Infrastructure;
using Polycloud.Blobs;
using Polycloud.Google.Blobs;
using GcsObject = global::Google.Apis.Storage.v1.Data.Object;

namespace Polycloud.Benchmarks.Blobs.Gcs;

/// <summary>
/// Raw Google.Cloud.Storage.V1 calls against the same calls through <see cref="BlobBucket"/> over
/// <see cref="GcsBlobDriver"/>, on one <see cref="StorageClient"/>. The raw downloads do not validate the hash
/// (<c>DownloadValidationMode.Never</c>) because the portable read does not either, and read with a chunk no larger
/// than needed (the SDK's default is a 10 MB buffer per call): the most favourable raw baseline.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public abstract class GcsBlobBenchmarks
{
    // The SDK's default download chunk is a 10 MB buffer per call; the raw side gets the most favourable setting instead.
    private static readonly DownloadObjectOptions SmallObject = new() { DownloadValidationMode = DownloadValidationMode.Never, ChunkSize = Payloads.OneKilobyte.Length };
    private static readonly DownloadObjectOptions LargeObject = new() { DownloadValidationMode = DownloadValidationMode.Never, ChunkSize = 64 * 1024 };
    private static readonly DownloadObjectOptions RangeOfObject = new()
    {
        DownloadValidationMode = DownloadValidationMode.Never,
        ChunkSize = Payloads.RangeLength,
        Range = new System.Net.Http.Headers.RangeHeaderValue(Payloads.RangeOffset, Payloads.RangeOffset + Payloads.RangeLength - 1),
    };

    private StorageClient _client = null!;
    private BlobBucket _bucket = null!;

    /// <summary>The bucket name.</summary>
    protected virtual string Bucket => BlobKeys.Bucket;

    /// <summary>Creates the client the pairs share.</summary>
    protected abstract StorageClient CreateClient();

    /// <summary>Puts the data the reads need in place (emulators only).</summary>
    protected virtual Task PrepareAsync(StorageClient client) => Task.CompletedTask;

    /// <summary>Makes sure the blob the delete pair removes exists (emulators only; the same raw call on both sides).</summary>
    protected virtual Task BeforeDeleteAsync(StorageClient client) => Task.CompletedTask;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _client = CreateClient();
        _bucket = new BlobBucket(new GcsBlobDriver(_client, Bucket));
        await PrepareAsync(_client);
    }

    [GlobalCleanup]
    public virtual void Cleanup() => _client.Dispose();

    [Benchmark(Baseline = true), BenchmarkCategory("upload 1 KB")]
    public Task<GcsObject> Raw_Upload1K() => RawPut(Payloads.OneKilobyte);

    [Benchmark, BenchmarkCategory("upload 1 KB")]
    public Task<BlobWriteResult> Polycloud_Upload1K() => _bucket.UploadAsync(BlobKeys.Upload, Payloads.OneKilobyte);

    [Benchmark(Baseline = true), BenchmarkCategory("upload 1 MB")]
    public Task<GcsObject> Raw_Upload1M() => RawPut(Payloads.OneMegabyte);

    [Benchmark, BenchmarkCategory("upload 1 MB")]
    public Task<BlobWriteResult> Polycloud_Upload1M() => _bucket.UploadAsync(BlobKeys.Upload, Payloads.OneMegabyte);

    [Benchmark(Baseline = true), BenchmarkCategory("download 1 KB")]
    public Task<byte[]> Raw_Download1K() => RawGet(BlobKeys.Small, Payloads.OneKilobyte.Length, SmallObject);

    [Benchmark, BenchmarkCategory("download 1 KB")]
    public Task<BinaryData> Polycloud_Download1K() => _bucket.ReadAllAsync(BlobKeys.Small);

    [Benchmark(Baseline = true), BenchmarkCategory("download 1 MB")]
    public Task<byte[]> Raw_Download1M() => RawGet(BlobKeys.Large, Payloads.OneMegabyte.Length, LargeObject);

    [Benchmark, BenchmarkCategory("download 1 MB")]
    public Task<BinaryData> Polycloud_Download1M() => _bucket.ReadAllAsync(BlobKeys.Large);

    [Benchmark(Baseline = true), BenchmarkCategory("range read 4 KB")]
    public Task<byte[]> Raw_RangeRead() => RawGet(BlobKeys.Large, Payloads.RangeLength, RangeOfObject);

    [Benchmark, BenchmarkCategory("range read 4 KB")]
    public Task<BinaryData> Polycloud_RangeRead() => _bucket.ReadAllAsync(BlobKeys.Large, new BlobRange(Payloads.RangeOffset, Payloads.RangeLength));

    [Benchmark(Baseline = true), BenchmarkCategory("properties")]
    public Task<GcsObject> Raw_Properties()
        => _client.GetObjectAsync(Bucket, BlobKeys.Small, new GetObjectOptions { Projection = Projection.NoAcl });

    [Benchmark, BenchmarkCategory("properties")]
    public Task<BlobProperties> Polycloud_Properties() => _bucket.GetPropertiesAsync(BlobKeys.Small);

    [Benchmark(Baseline = true), BenchmarkCategory("list 100")]
    public async Task<global::Google.Apis.Storage.v1.Data.Objects?> Raw_List()
    {
        var pages = _client.ListObjectsAsync(Bucket, BlobKeys.ListPrefix, new ListObjectsOptions { PageSize = Payloads.ListPageSize }).AsRawResponses();
        await foreach (var page in pages)
        {
            return page;
        }

        return null;
    }

    [Benchmark, BenchmarkCategory("list 100")]
    public Task<BlobPage> Polycloud_List()
        => _bucket.ListPageAsync(new BlobListOptions { Prefix = BlobKeys.ListPrefix, PageSize = Payloads.ListPageSize });

    [Benchmark(Baseline = true), BenchmarkCategory("delete")]
    public async Task Raw_Delete()
    {
        await BeforeDeleteAsync(_client);
        await _client.DeleteObjectAsync(Bucket, BlobKeys.Delete);
    }

    [Benchmark, BenchmarkCategory("delete")]
    public async Task Polycloud_Delete()
    {
        await BeforeDeleteAsync(_client);
        await _bucket.DeleteAsync(BlobKeys.Delete);
    }

    private Task<GcsObject> RawPut(byte[] payload)
        => _client.UploadObjectAsync(Bucket, BlobKeys.Upload, "application/octet-stream", new MemoryStream(payload, writable: false));

    private async Task<byte[]> RawGet(string key, int length, DownloadObjectOptions options)
    {
        // The most favourable raw baseline: the caller knows the size and gives a buffer of exactly that size.
        var buffer = new byte[length];
        using var destination = new MemoryStream(buffer);
        await _client.DownloadObjectAsync(Bucket, key, destination, options);
        return buffer;
    }
}

/// <summary>The Cloud Storage pairs over the in-process transport.</summary>
[OverheadSuite("GCS", BenchTransport.InProcess)]
public class GcsInProcessBenchmarks : GcsBlobBenchmarks
{
    /// <inheritdoc/>
    protected override StorageClient CreateClient() => new StorageClientBuilder
    {
        UnauthenticatedAccess = true,
        HttpClientFactory = new CannedGoogleHttpClientFactory(new GcsCannedHandler()),
    }.Build();
}

/// <summary>The Cloud Storage pairs against the GCS emulator over loopback (<c>POLYCLOUD_TEST_GCS</c>, default port 9199).</summary>
[OverheadSuite("GCS", BenchTransport.Emulator)]
public class GcsLoopbackBenchmarks : GcsBlobBenchmarks
{
    private readonly string _bucket = "bench-" + Guid.NewGuid().ToString("N")[..10];

    /// <inheritdoc/>
    protected override string Bucket => _bucket;

    /// <inheritdoc/>
    protected override StorageClient CreateClient() => new StorageClientBuilder
    {
        BaseUri = Environment.GetEnvironmentVariable("POLYCLOUD_TEST_GCS") is { Length: > 0 } e ? e.TrimEnd('/') + "/" : "http://127.0.0.1:9199/",
        UnauthenticatedAccess = true,
    }.Build();

    /// <inheritdoc/>
    protected override async Task PrepareAsync(StorageClient client)
    {
        // The emulator creates a bucket on its first write.
        await Put(client, BlobKeys.Small, Payloads.OneKilobyte);
        await Put(client, BlobKeys.Large, Payloads.OneMegabyte);
        for (int i = 0; i <= Payloads.ListPageSize; i++)
        {
            await Put(client, BlobKeys.ListItem(i), Payloads.OneKilobyte);
        }
    }

    /// <inheritdoc/>
    protected override Task BeforeDeleteAsync(StorageClient client) => Put(client, BlobKeys.Delete, Payloads.OneKilobyte);

    private Task Put(StorageClient client, string key, byte[] data)
        => client.UploadObjectAsync(_bucket, key, "application/octet-stream", new MemoryStream(data, writable: false), new UploadObjectOptions { ChunkSize = 2 * 1024 * 1024 });
}
