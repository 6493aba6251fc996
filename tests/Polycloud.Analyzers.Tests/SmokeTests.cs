using Microsoft.CodeAnalysis.Testing;

namespace Polycloud.Analyzers.Tests;

public class SmokeTests
{
    [Fact]
    public async Task S3_put_object_names_the_portable_upload()
    {
        const string source = """
            using System.Threading.Tasks;
            using Amazon.S3;
            using Amazon.S3.Model;

            class Uploader
            {
                async Task Run(IAmazonS3 {|#0:s3|})
                {
                    await s3.{|#1:PutObjectAsync|}(new {|#2:PutObjectRequest|} { BucketName = "b", Key = "k" });
                }
            }
            """;
        await Verify.AnalyzerAsync<NativeCloudApiAnalyzer>(
            source,
            new DiagnosticResult("PC0001", Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).WithLocation(0).WithArguments("IAmazonS3", "AWS", "S3", "Polycloud.Blobs.BlobBucket"),
            new DiagnosticResult("PC0001", Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).WithLocation(1).WithArguments("IAmazonS3.PutObjectAsync", "AWS", "S3", "Polycloud.Blobs.BlobBucket.UploadAsync"),
            new DiagnosticResult("PC0001", Microsoft.CodeAnalysis.DiagnosticSeverity.Warning).WithLocation(2).WithArguments("new PutObjectRequest", "AWS", "S3", "Polycloud.Blobs.BlobBucket"));
    }
}
