using Amazon.Runtime;
using Amazon.S3;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polycloud;
using Polycloud.Blobs;
using QuickStart;
using Xunit;

namespace Polycloud.Samples.Tests;

/// <summary>
/// The quick start's application code (DocumentArchive) runs unchanged on every provider; only the configuration entry
/// "Polycloud:Blobs:documents" changes. The cloud providers run on the local emulators that eng/test.sh starts.
/// </summary>
public sealed class QuickStartAcrossProvidersTests
{
    private static readonly string Fauxqs = Environment.GetEnvironmentVariable("POLYCLOUD_TEST_FAUXQS") ?? "http://127.0.0.1:4566";
    private static readonly string Gcs = Environment.GetEnvironmentVariable("POLYCLOUD_TEST_GCS") ?? "http://127.0.0.1:9199/";
    private const string AzuriteConnectionString = "UseDevelopmentStorage=true";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Providers() => ["memory", "file", "s3", "azure", "gcs"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TheSameCodeRunsOnEveryProvider_ConfigurationOnlyDiffers(string provider)
    {
        string name = "quickstart-" + Guid.NewGuid().ToString("N")[..12];
        string dir = Path.Combine(Path.GetTempPath(), name);
        var settings = new Dictionary<string, string?>();
        switch (provider)
        {
            case "memory":
                settings["Polycloud:Blobs:documents"] = "mem://documents";
                break;
            case "file":
                settings["Polycloud:Blobs:documents"] = $"file://{dir}?create=true";
                break;
            case "s3":
                using (var s3 = new AmazonS3Client(new BasicAWSCredentials("test", "test"), new AmazonS3Config { ServiceURL = Fauxqs, ForcePathStyle = true, AuthenticationRegion = "us-east-1" }))
                {
                    await s3.PutBucketAsync(name, Ct);
                }

                settings["Polycloud:Blobs:documents:Url"] = $"s3://{name}?region=us-east-1&endpoint={Uri.EscapeDataString(Fauxqs)}&forcePathStyle=true";
                settings["Polycloud:Blobs:documents:AccessKeyId"] = "test";
                settings["Polycloud:Blobs:documents:SecretAccessKey"] = "test";
                break;
            case "azure":
                await new BlobContainerClient(AzuriteConnectionString, name).CreateAsync(cancellationToken: Ct);
                settings["Polycloud:Blobs:documents:Url"] = $"azblob://{name}";
                settings["Polycloud:Blobs:documents:ConnectionString"] = AzuriteConnectionString;
                break;
            case "gcs":
                settings["Polycloud:Blobs:documents"] = $"gs://{name}?endpoint={Uri.EscapeDataString(Gcs)}&anonymous=true";
                break;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddPolycloud(configuration).AddAws().AddAzure().AddGoogle();
        await using var sp = services.BuildServiceProvider();
        var bucket = sp.GetRequiredKeyedService<BlobBucket>("documents");

        using var log = new StringWriter();
        int kept = await new DocumentArchive(bucket, log).RunAsync(Ct);

        string output = log.ToString();
        Assert.Equal(2, kept);
        Assert.Contains("Range [5, 15) of data/digits.txt: 5678901234", output, StringComparison.Ordinal);
        Assert.Contains("Reading a missing blob: NotFound", output, StringComparison.Ordinal);
        if (provider is "s3" or "gcs")
        {
            // fauxqs and the Cloud Storage emulator do not enforce create-only writes (real S3 and GCS do; the drivers'
            // requests are checked at the wire in their test projects), so the second write replaced the first.
            Assert.Contains("Create-only write succeeded: the server did not enforce the condition", output, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("Create-only write refused: AlreadyExists", output, StringComparison.Ordinal);
            Assert.Contains("metadata author = Zoë", output, StringComparison.Ordinal);
        }
        Assert.Contains("  archive/", output, StringComparison.Ordinal);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, true);
        }
    }
}
