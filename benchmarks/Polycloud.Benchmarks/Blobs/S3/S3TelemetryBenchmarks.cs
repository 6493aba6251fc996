using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Polycloud.Aws.Blobs;
using Polycloud.Benchmarks.Infrastructure;
using Polycloud.Blobs;
using Polycloud.Diagnostics;

namespace Polycloud.Benchmarks.Blobs.S3;

/// <summary>
/// The cost of telemetry when someone listens: the S3 properties pair (the cheapest blob call, so the worst case) with an
/// OpenTelemetry tracer and meter provider subscribed to Polycloud's activity source and meter, exporting to a processor
/// that drops everything. The raw call emits nothing to Polycloud's source, so this pair shows what a span and three
/// metric measurements per call cost; it is reported, not gated: the gated S3 properties pair measures the layer with telemetry on and nobody listening.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[OverheadSuite("S3 + OpenTelemetry listener", BenchTransport.InProcess, Gated = false)]
public class S3TelemetryBenchmarks
{
    private IAmazonS3 _client = null!;
    private BlobBucket _bucket = null!;
    private TracerProvider _tracing = null!;
    private MeterProvider _metrics = null!;

    [GlobalSetup]
    public void Setup()
    {
        _client = new AmazonS3Client(
            new BasicAWSCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            new AmazonS3Config { RegionEndpoint = Amazon.RegionEndpoint.USEast1, HttpClientFactory = new CannedAwsHttpClientFactory(new S3CannedHandler()), MaxErrorRetry = 0 });
        _bucket = new BlobBucket(new S3BlobDriver(_client, BlobKeys.Bucket));
        _tracing = Sdk.CreateTracerProviderBuilder().AddSource(PolycloudDiagnostics.ActivitySourceName).AddProcessor(new DropProcessor()).Build();
        _metrics = Sdk.CreateMeterProviderBuilder().AddMeter(PolycloudDiagnostics.MeterName).Build();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _tracing.Dispose();
        _metrics.Dispose();
        _client.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("properties, listener attached")]
    public Task<GetObjectMetadataResponse> Raw_Properties()
        => _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = BlobKeys.Bucket, Key = BlobKeys.Small });

    [Benchmark, BenchmarkCategory("properties, listener attached")]
    public Task<BlobProperties> Polycloud_Properties() => _bucket.GetPropertiesAsync(BlobKeys.Small);

    private sealed class DropProcessor : BaseProcessor<Activity>
    {
    }
}
