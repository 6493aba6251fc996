using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using FluentStorage;
using FluentStorage.Storage;
using Polycloud.Benchmarks.Infrastructure;
using Polycloud.Blobs;
using Polycloud.Blobs.FileSystem;
using Polycloud.Blobs.Memory;

namespace Polycloud.Benchmarks.Blobs.Local;

/// <summary>
/// Informational peer pairs: Polycloud's local drivers against FluentStorage's stores (the "raw" baseline here is
/// another library, not a layer under Polycloud), so these ratios are reported and never gated. Delete pairs write the
/// blob first with their own library, so they measure a 1 KB write plus a delete.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public abstract class LocalPeerBenchmarks
{
    private IStore _peer = null!;
    private BlobBucket _bucket = null!;

    /// <summary>Creates the peer store and the Polycloud bucket.</summary>
    protected abstract (IStore Peer, BlobBucket Bucket) Create();

    [GlobalSetup]
    public async Task SetupAsync()
    {
        (_peer, _bucket) = Create();
        foreach (var (key, data) in new[] { (BlobKeys.Small, Payloads.OneKilobyte), (BlobKeys.Large, Payloads.OneMegabyte) })
        {
            await _peer.SetBytes(key, data);
            await _bucket.UploadAsync(key, data);
        }

        for (int i = 0; i < Payloads.ListPageSize; i++)
        {
            await _peer.SetBytes(BlobKeys.ListItem(i), Payloads.OneKilobyte);
            await _bucket.UploadAsync(BlobKeys.ListItem(i), Payloads.OneKilobyte);
        }
    }

    [GlobalCleanup]
    public virtual void Cleanup() => _bucket.Dispose();

    [Benchmark(Baseline = true), BenchmarkCategory("upload 1 KB")]
    public async Task FluentStorage_Upload1K() => await _peer.SetBytes(BlobKeys.Upload, Payloads.OneKilobyte);

    [Benchmark, BenchmarkCategory("upload 1 KB")]
    public Task<BlobWriteResult> Polycloud_Upload1K() => _bucket.UploadAsync(BlobKeys.Upload, Payloads.OneKilobyte);

    [Benchmark(Baseline = true), BenchmarkCategory("upload 1 MB")]
    public async Task FluentStorage_Upload1M() => await _peer.SetBytes(BlobKeys.Upload, Payloads.OneMegabyte);

    [Benchmark, BenchmarkCategory("upload 1 MB")]
    public Task<BlobWriteResult> Polycloud_Upload1M() => _bucket.UploadAsync(BlobKeys.Upload, Payloads.OneMegabyte);

    [Benchmark(Baseline = true), BenchmarkCategory("download 1 KB")]
    public async Task<byte[]?> FluentStorage_Download1K() => await _peer.GetBytes(BlobKeys.Small);

    [Benchmark, BenchmarkCategory("download 1 KB")]
    public Task<BinaryData> Polycloud_Download1K() => _bucket.ReadAllAsync(BlobKeys.Small);

    [Benchmark(Baseline = true), BenchmarkCategory("download 1 MB")]
    public async Task<byte[]?> FluentStorage_Download1M() => await _peer.GetBytes(BlobKeys.Large);

    [Benchmark, BenchmarkCategory("download 1 MB")]
    public Task<BinaryData> Polycloud_Download1M() => _bucket.ReadAllAsync(BlobKeys.Large);

    [Benchmark(Baseline = true), BenchmarkCategory("properties")]
    public async Task FluentStorage_Properties() => await _peer.GetObjectInfo(BlobKeys.Small);

    [Benchmark, BenchmarkCategory("properties")]
    public Task<BlobProperties> Polycloud_Properties() => _bucket.GetPropertiesAsync(BlobKeys.Small);

    [Benchmark(Baseline = true), BenchmarkCategory("list 100")]
    public async Task FluentStorage_List() => await _peer.ListDirectory("list", false);

    [Benchmark, BenchmarkCategory("list 100")]
    public Task<BlobPage> Polycloud_List()
        => _bucket.ListPageAsync(new BlobListOptions { Prefix = BlobKeys.ListPrefix, PageSize = Payloads.ListPageSize });

    [Benchmark(Baseline = true), BenchmarkCategory("write+delete 1 KB")]
    public async Task FluentStorage_Delete()
    {
        await _peer.SetBytes(BlobKeys.Delete, Payloads.OneKilobyte);
        await _peer.DeleteObject(BlobKeys.Delete);
    }

    [Benchmark, BenchmarkCategory("write+delete 1 KB")]
    public async Task Polycloud_Delete()
    {
        await _bucket.UploadAsync(BlobKeys.Delete, Payloads.OneKilobyte);
        await _bucket.DeleteAsync(BlobKeys.Delete);
    }
}

/// <summary>Polycloud's memory driver against FluentStorage's in-memory store.</summary>
[OverheadSuite("memory vs FluentStorage", BenchTransport.Local, Gated = false)]
public class MemoryPeerBenchmarks : LocalPeerBenchmarks
{
    /// <inheritdoc/>
    protected override (IStore Peer, BlobBucket Bucket) Create() => (StorageFactory.InMemory(), new BlobBucket(new MemoryBlobDriver()));
}

/// <summary>Polycloud's file-system driver against FluentStorage's disk store, each in its own temporary directory.</summary>
[OverheadSuite("file vs FluentStorage", BenchTransport.Local, Gated = false)]
public class DiskPeerBenchmarks : LocalPeerBenchmarks
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "polycloud-bench-" + Guid.NewGuid().ToString("N")[..10]);

    /// <inheritdoc/>
    protected override (IStore Peer, BlobBucket Bucket) Create()
    {
        Directory.CreateDirectory(Path.Combine(_root, "fluent"));
        return (StorageFactory.Disk(Path.Combine(_root, "fluent")), new BlobBucket(new FileBlobDriver(Path.Combine(_root, "polycloud"), createIfMissing: true)));
    }

    /// <inheritdoc/>
    public override void Cleanup()
    {
        base.Cleanup();
        Directory.Delete(_root, recursive: true);
    }
}
