using Azure;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Polycloud.Azure.Blobs;
using Polycloud.Benchmarks.Infrastructure;
using Polycloud.Blobs;

namespace Polycloud.Benchmarks.Blobs.Azure;

/// <summary>
/// Raw Azure.Storage.Blobs calls against the same calls through <see cref="BlobBucket"/> over
/// <see cref="AzureBlobDriver"/>, on one <see cref="BlobContainerClient"/>. Each raw call does what the driver asks of
/// the SDK: <c>GetBlobClient(key)</c>, then the call with the same options.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public abstract class AzureBlobBenchmarks
{
    private static readonly global::Azure.Storage.Blobs.Models.BlobUploadOptions RawUploadOptions = new() { HttpHeaders = new BlobHttpHeaders { ContentType = "application/octet-stream" } };
    private BlobContainerClient _container = null!;
    private BlobBucket _bucket = null!;

    /// <summary>Creates the container client the pairs share.</summary>
    protected abstract BlobContainerClient CreateContainer();

    /// <summary>Puts the data the reads need in place (emulators only).</summary>
    protected virtual Task PrepareAsync(BlobContainerClient container) => Task.CompletedTask;

    /// <summary>Makes sure the blob the delete pair removes exists (emulators only; the same raw call on both sides).</summary>
    protected virtual Task BeforeDeleteAsync(BlobContainerClient container) => Task.CompletedTask;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _container = CreateContainer();
        _bucket = new BlobBucket(new AzureBlobDriver(_container));
        await PrepareAsync(_container);
    }

    [GlobalCleanup]
    public virtual void Cleanup()
    {
    }

    /// <summary>The container.</summary>
    protected BlobContainerClient Container => _container;

    [Benchmark(Baseline = true), BenchmarkCategory("upload 1 KB")]
    public Task<Response<BlobContentInfo>> Raw_Upload1K()
        => _container.GetBlobClient(BlobKeys.Upload).UploadAsync(new BinaryData(Payloads.OneKilobyte), RawUploadOptions);

    [Benchmark, BenchmarkCategory("upload 1 KB")]
    public Task<BlobWriteResult> Polycloud_Upload1K() => _bucket.UploadAsync(BlobKeys.Upload, Payloads.OneKilobyte);

    [Benchmark(Baseline = true), BenchmarkCategory("upload 1 MB")]
    public Task<Response<BlobContentInfo>> Raw_Upload1M()
        => _container.GetBlobClient(BlobKeys.Upload).UploadAsync(new BinaryData(Payloads.OneMegabyte), RawUploadOptions);

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
    public Task<byte[]> Raw_RangeRead() => RawGet(BlobKeys.Large, new BlobDownloadOptions { Range = new HttpRange(Payloads.RangeOffset, Payloads.RangeLength) });

    [Benchmark, BenchmarkCategory("range read 4 KB")]
    public Task<BinaryData> Polycloud_RangeRead() => _bucket.ReadAllAsync(BlobKeys.Large, new BlobRange(Payloads.RangeOffset, Payloads.RangeLength));

    [Benchmark(Baseline = true), BenchmarkCategory("properties")]
    public Task<Response<global::Azure.Storage.Blobs.Models.BlobProperties>> Raw_Properties()
        => _container.GetBlobClient(BlobKeys.Small).GetPropertiesAsync();

    [Benchmark, BenchmarkCategory("properties")]
    public Task<Polycloud.Blobs.BlobProperties> Polycloud_Properties() => _bucket.GetPropertiesAsync(BlobKeys.Small);

    [Benchmark(Baseline = true), BenchmarkCategory("list 100")]
    public async Task<Page<global::Azure.Storage.Blobs.Models.BlobItem>?> Raw_List()
    {
        await foreach (var page in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = BlobKeys.ListPrefix }).AsPages(null, Payloads.ListPageSize))
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
        await BeforeDeleteAsync(_container);
        await _container.GetBlobClient(BlobKeys.Delete).DeleteAsync(DeleteSnapshotsOption.IncludeSnapshots);
    }

    [Benchmark, BenchmarkCategory("delete")]
    public async Task Polycloud_Delete()
    {
        await BeforeDeleteAsync(_container);
        await _bucket.DeleteAsync(BlobKeys.Delete);
    }

    private async Task<byte[]> RawGet(string key, BlobDownloadOptions? options)
    {
        var response = await _container.GetBlobClient(key).DownloadStreamingAsync(options);
        using var result = response.Value;
        var buffer = new byte[result.Details.ContentLength];
        await result.Content.ReadExactlyAsync(buffer);
        return buffer;
    }
}

/// <summary>The Azure Blob pairs over the in-process transport (shared-key signing, as with an account key).</summary>
[OverheadSuite("Azure Blob", BenchTransport.InProcess)]
public class AzureBlobInProcessBenchmarks : AzureBlobBenchmarks
{
    private readonly AzureBlobCannedHandler _handler = new();

    /// <inheritdoc/>
    protected override BlobContainerClient CreateContainer() => new(
        new Uri($"https://benchaccount.blob.core.windows.net/{BlobKeys.Bucket}"),
        new StorageSharedKeyCredential("benchaccount", Convert.ToBase64String(new byte[64])),
        new BlobClientOptions { Transport = new HttpClientTransport(_handler.CreateClient()), Retry = { MaxRetries = 0 } });
}

/// <summary>The Azure Blob pairs against Azurite over loopback (<c>POLYCLOUD_TEST_AZURITE_BLOB</c>, default port 10000).</summary>
[OverheadSuite("Azure Blob", BenchTransport.Emulator)]
public class AzureBlobLoopbackBenchmarks : AzureBlobBenchmarks
{
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly string _name = "bench-" + Guid.NewGuid().ToString("N")[..10];

    /// <inheritdoc/>
    protected override BlobContainerClient CreateContainer()
    {
        string endpoint = Environment.GetEnvironmentVariable("POLYCLOUD_TEST_AZURITE_BLOB") ?? "http://127.0.0.1:10000/devstoreaccount1";
        return new BlobContainerClient(new Uri($"{endpoint.TrimEnd('/')}/{_name}"), new StorageSharedKeyCredential("devstoreaccount1", AccountKey), new BlobClientOptions { Retry = { MaxRetries = 0 } });
    }

    /// <inheritdoc/>
    protected override async Task PrepareAsync(BlobContainerClient container)
    {
        await container.CreateAsync();
        await container.GetBlobClient(BlobKeys.Small).UploadAsync(new BinaryData(Payloads.OneKilobyte));
        await container.GetBlobClient(BlobKeys.Large).UploadAsync(new BinaryData(Payloads.OneMegabyte));
        for (int i = 0; i <= Payloads.ListPageSize; i++)
        {
            await container.GetBlobClient(BlobKeys.ListItem(i)).UploadAsync(new BinaryData(Payloads.OneKilobyte));
        }
    }

    /// <inheritdoc/>
    protected override Task BeforeDeleteAsync(BlobContainerClient container)
        => container.GetBlobClient(BlobKeys.Delete).UploadAsync(new BinaryData(Payloads.OneKilobyte), overwrite: true);

    /// <inheritdoc/>
    public override void Cleanup() => Container.DeleteIfExists();
}
