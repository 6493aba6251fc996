using Microsoft.CodeAnalysis.Testing;

namespace Polycloud.Analyzers.Tests;

public class EscapeHatchTests
{
    // The portable types are declared in the test source so the rule is tested by metadata name, independent of
    // the Polycloud assembly's current surface.
    private const string PortableStub = """
        namespace Polycloud.Blobs
        {
            public sealed class BlobBucket
            {
                public T As<T>() where T : class => default!;
                public bool TryAs<T>(out T value) where T : class { value = default!; return false; }
                public System.Threading.Tasks.Task UploadAsync(string key) => System.Threading.Tasks.Task.CompletedTask;
            }
        }
        """;

    [Fact]
    public async Task As_and_TryAs_on_portable_types_are_informational_lock_in_points()
    {
        const string source = """
            using Amazon.S3;
            using Polycloud.Blobs;

            class Tuning
            {
                void Run(BlobBucket bucket)
                {
                    var s3 = bucket.{|#0:As|}<IAmazonS3>();
                    if (bucket.{|#1:TryAs|}<Azure.Storage.Blobs.BlobContainerClient>(out var container)) { }
                    bucket.UploadAsync("k");
                }
            }
            """;
        var test = new AnalyzerTest<EscapeHatchAnalyzer>(referencePolycloud: false);
        test.TestState.Sources.Add(source);
        test.TestState.Sources.Add(PortableStub);
        test.ExpectedDiagnostics.Add(D.EscapeHatch(0, "BlobBucket.As<IAmazonS3>", " of AWS S3"));
        test.ExpectedDiagnostics.Add(D.EscapeHatch(1, "BlobBucket.TryAs<BlobContainerClient>", " of Azure Blob Storage"));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Portable_api_calls_are_not_native_usage()
    {
        const string source = """
            using System.Threading.Tasks;
            using Polycloud.Blobs;

            class Archive
            {
                private readonly BlobBucket _bucket = new();
                public BlobBucket Bucket => _bucket;
                Task Save(BlobBucket bucket) => bucket.UploadAsync("receipts/1.pdf");
            }
            """;
        var test = new AnalyzerTest<NativeCloudApiAnalyzer>(referencePolycloud: false);
        test.TestState.Sources.Add(source);
        test.TestState.Sources.Add(PortableStub);
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task As_methods_outside_polycloud_are_not_escape_hatches()
    {
        const string source = """
            namespace MyApp
            {
                class Converter { public T As<T>() => default!; }
                class User { void Run(Converter c) { c.As<string>(); } }
            }
            """;
        var test = new AnalyzerTest<EscapeHatchAnalyzer>(referencePolycloud: false);
        test.TestState.Sources.Add(source);
        test.TestState.Sources.Add(PortableStub);
        await test.RunAsync(TestContext.Current.CancellationToken);
    }
}
