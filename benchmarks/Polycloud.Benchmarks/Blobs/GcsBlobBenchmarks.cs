using System.Globalization;
using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Google.Cloud.Storage.V1;
using Polycloud.Blobs;
using Polycloud.Google.Blobs;

#pragma warning disable CA5351 // MD5 is the checksum GCS reports, not a security primitive.

namespace Polycloud.Benchmarks.Blobs;

/// <summary>
/// Portable <see cref="BlobBucket"/> over <see cref="GcsBlobDriver"/> versus the raw <see cref="StorageClient"/>, on the
/// same client and the same in-process transport, which answers with GCS-shaped responses (no network).
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkDotNet.Configs.BenchmarkLogicalGroupRule.ByCategory)]
public class GcsBlobBenchmarks
{
    private const string Bucket = "bench-bucket";
    private const string Key = "dir/object.bin";
    private readonly byte[] _payload = new byte[4096];
    private StorageClient _client = null!;
    private BlobBucket _bucket = null!;

    [GlobalSetup]
    public void Setup()
    {
        new Random(1).NextBytes(_payload);
        _client = new StorageClientBuilder { UnauthenticatedAccess = true, HttpClientFactory = new CannedFactory(new CannedGcsHandler(_payload)) }.Build();
        _bucket = new BlobBucket(new GcsBlobDriver(_client, Bucket));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bucket.Dispose();
        _client.Dispose();
    }

    [Benchmark(Baseline = true, Description = "raw GetObjectAsync")]
    [BenchmarkCategory("properties")]
    public Task<global::Google.Apis.Storage.v1.Data.Object> RawGetObject() => _client.GetObjectAsync(Bucket, Key);

    [Benchmark(Description = "portable GetPropertiesAsync")]
    [BenchmarkCategory("properties")]
    public Task<BlobProperties> PortableGetProperties() => _bucket.GetPropertiesAsync(Key);

    [Benchmark(Baseline = true, Description = "raw DownloadObjectAsync 4 KiB")]
    [BenchmarkCategory("read")]
    public async Task<long> RawDownload()
    {
        using var ms = new MemoryStream(4096);
        await _client.DownloadObjectAsync(Bucket, Key, ms);
        return ms.Length;
    }

    [Benchmark(Description = "portable DownloadToAsync 4 KiB")]
    [BenchmarkCategory("read")]
    public async Task<long> PortableDownload()
    {
        using var ms = new MemoryStream(4096);
        return await _bucket.DownloadToAsync(Key, ms);
    }

    [Benchmark(Baseline = true, Description = "raw UploadObjectAsync 4 KiB")]
    [BenchmarkCategory("write")]
    public Task<global::Google.Apis.Storage.v1.Data.Object> RawUpload()
        => _client.UploadObjectAsync(Bucket, Key, "application/octet-stream", new MemoryStream(_payload, writable: false));

    [Benchmark(Description = "portable UploadAsync 4 KiB")]
    [BenchmarkCategory("write")]
    public Task<BlobWriteResult> PortableUpload() => _bucket.UploadAsync(Key, new MemoryStream(_payload, writable: false));

    private sealed class CannedFactory(HttpMessageHandler handler) : global::Google.Apis.Http.HttpClientFactory
    {
        protected override HttpMessageHandler CreateHandler(global::Google.Apis.Http.CreateHttpClientArgs args) => handler;
    }

    /// <summary>Answers like GCS: object resource JSON, media GET, resumable upload start and finish.</summary>
    private sealed class CannedGcsHandler(byte[] payload) : HttpMessageHandler
    {
        private readonly string _md5 = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(payload));
        private readonly string _objectJson = "{\"kind\":\"storage#object\",\"bucket\":\"" + Bucket + "\",\"name\":\"" + Key + "\",\"generation\":\"1718000000123456\",\"metageneration\":\"1\",\"contentType\":\"application/octet-stream\",\"size\":\"" + payload.Length.ToString(CultureInfo.InvariantCulture) + "\",\"md5Hash\":\"" + Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(payload)) + "\",\"updated\":\"2026-01-02T03:04:05.000Z\"}";

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null)
            {
                await request.Content.CopyToAsync(Stream.Null, cancellationToken);
            }

            string path = request.RequestUri!.AbsolutePath;
            string query = request.RequestUri.Query;
            if (request.Method == HttpMethod.Post && path.StartsWith("/upload/", StringComparison.Ordinal))
            {
                var started = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
                started.Headers.Location = new Uri("https://storage.googleapis.com/upload/storage/v1/b/" + Bucket + "/o?uploadType=resumable&upload_id=1");
                return started;
            }

            if (query.Contains("alt=media", StringComparison.Ordinal))
            {
                var media = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(payload) };
                media.Content.Headers.TryAddWithoutValidation("Content-Type", "application/octet-stream");
                media.Content.Headers.LastModified = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
                media.Headers.TryAddWithoutValidation("x-goog-generation", "1718000000123456");
                media.Headers.TryAddWithoutValidation("x-goog-stored-content-length", payload.Length.ToString(CultureInfo.InvariantCulture));
                media.Headers.TryAddWithoutValidation("x-goog-hash", "md5=" + _md5);
                return media;
            }

            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(_objectJson, Encoding.UTF8, "application/json") };
        }
    }
}
