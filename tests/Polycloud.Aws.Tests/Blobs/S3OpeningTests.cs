using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polycloud.Blobs;
using Xunit;

namespace Polycloud.Aws.Tests.Blobs;

/// <summary>Opening S3 buckets by URL and through configuration + DI, against fauxqs and a local recording server.</summary>
public sealed class S3OpeningTests : IAsyncLifetime
{
    private string _bucketName = string.Empty;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string FauxqsUrl => $"s3://{_bucketName}?endpoint={Uri.EscapeDataString(Fauxqs.Endpoint)}&forcePathStyle=true&region=us-east-1";

    public async ValueTask InitializeAsync() => _bucketName = await Fauxqs.CreateBucketAsync("open", Ct);

    public async ValueTask DisposeAsync() => await Fauxqs.DeleteBucketAsync(_bucketName);

    [Fact]
    public async Task OpenByUrl_RoundTripsOnFauxqs_AndExposesTheConfiguredClient()
    {
        await using var bucket = new PolycloudOpener().AddAws().OpenBucket(FauxqsUrl + "&accessKeyId=AKIDURL&secretAccessKey=url-secret");
        Assert.Equal("aws-s3", bucket.Provider);
        Assert.Equal(_bucketName, bucket.Name);

        await bucket.UploadAsync("hello.txt", BinaryData.FromString("hi from a URL"), new BlobUploadOptions { ContentType = "text/plain" }, Ct);
        Assert.Equal("hi from a URL", (await bucket.ReadAllAsync("hello.txt", default, Ct)).ToString());

        var client = bucket.As<IAmazonS3>();
        var config = Assert.IsType<AmazonS3Config>(client.Config);
        Assert.True(config.ForcePathStyle);
        Assert.StartsWith(Fauxqs.Endpoint, config.ServiceURL, StringComparison.Ordinal);
        Assert.Equal("us-east-1", config.AuthenticationRegion);
        Assert.True(bucket.TryAs<AmazonS3Client>(out _));
    }

    [Fact]
    public async Task OpenThroughConfigurationAndDI_RoundTripsOnFauxqs()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Polycloud:Blobs:files"] = FauxqsUrl })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<AWSCredentials>(new BasicAWSCredentials("AKIDDI", "di-secret"));
        services.AddPolycloud(configuration).AddAws();
        await using var provider = services.BuildServiceProvider();

        var bucket = provider.GetRequiredKeyedService<BlobBucket>("files");
        Assert.Same(bucket, provider.GetRequiredService<IBlobBucketFactory>().GetBucket("files"));
        Assert.Equal("aws-s3", bucket.Provider);
        await bucket.UploadAsync("di.txt", BinaryData.FromString("from DI"), null, Ct);
        Assert.Equal("from DI", (await bucket.ReadAllAsync("di.txt", default, Ct)).ToString());
        Assert.Equal(["di.txt"], (await bucket.ListPageAsync(null, null, Ct)).Items.Select(i => i.Key));
    }

    [Fact]
    public async Task Credentials_ComeFromSettingsFirst_ThenFromTheContainer()
    {
        await using var server = new RecordingServer();

        // An AWSCredentials in the container is used when the URL carries none.
        var fromContainer = await server.FirstAccessKeyIdAsync(new Dictionary<string, string?>
        {
            ["Polycloud:Blobs:b"] = $"s3://bkt?endpoint={server.Url}&forcePathStyle=true",
        });
        Assert.Equal("AKIDFROMDI", fromContainer);

        // Keys in configuration (next to the URL, not in it) win over the container's credentials.
        var fromSettings = await server.FirstAccessKeyIdAsync(new Dictionary<string, string?>
        {
            ["Polycloud:Blobs:b:Url"] = $"s3://bkt?endpoint={server.Url}&forcePathStyle=true",
            ["Polycloud:Blobs:b:AccessKeyId"] = "AKIDFROMCONFIG",
            ["Polycloud:Blobs:b:SecretAccessKey"] = "config-secret",
        });
        Assert.Equal("AKIDFROMCONFIG", fromSettings);
    }

    [Theory]
    [InlineData("s3://bucket?region=us-east-1&regoin=eu-west-1", "regoin")]
    [InlineData("s3://?region=us-east-1", "names no bucket")]
    [InlineData("s3://bucket/some/prefix?region=us-east-1", "has a path")]
    [InlineData("s3://bucket?region=Not_A_Region", "region")]
    [InlineData("s3://bucket?region=us-east-1&accessKeyId=AKID", "secretAccessKey")]
    [InlineData("s3://bucket?region=us-east-1&endpoint=ftp://host", "endpoint")]
    [InlineData("s3://bucket?region=us-east-1&forcePathStyle=maybe", "forcePathStyle")]
    [InlineData("s3://bucket?region=us-east-1&partSize=1024", "partSize")]
    public void BadUrls_FailWithAClearMessage(string url, string expected)
    {
        var ex = Assert.Throws<CloudException>(() => new PolycloudOpener().AddAws().OpenBucket(url));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_NeverAppearInErrors()
    {
        var ex = Assert.Throws<CloudException>(() => new PolycloudOpener().AddAws().OpenBucket(
            "s3://bucket?region=us-east-1&accessKeyId=AKID&secretAccessKey=TOP-SECRET-VALUE&sessionToken=TOKEN-VALUE&unknown=1"));
        Assert.Contains("unknown", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TOP-SECRET-VALUE", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TOKEN-VALUE", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutAddAws_TheSchemeIsNotRegistered()
    {
        var ex = Assert.Throws<CloudException>(() => new PolycloudOpener().OpenBucket("s3://bucket?region=us-east-1"));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains("AddAws", ex.Message, StringComparison.Ordinal);
        Assert.Contains("s3", new PolycloudOpener().AddAws().BlobSchemes);
    }

    [Fact]
    public async Task OpenByUrl_WithRegionOnly_TargetsAws()
    {
        await using var bucket = new PolycloudOpener().AddAws().OpenBucket("s3://my-bucket?region=eu-west-1&accessKeyId=AKID&secretAccessKey=s");
        var config = bucket.As<IAmazonS3>().Config;
        Assert.Equal("eu-west-1", config.RegionEndpoint?.SystemName);
        Assert.Null(config.ServiceURL);
        var url = await bucket.GetSignedUrlAsync("k", null, Ct);
        Assert.Equal("https", url.Scheme);
        Assert.Equal("my-bucket.s3.eu-west-1.amazonaws.com", url.Host);
    }

    /// <summary>A minimal HTTP server on 127.0.0.1 that answers every request with 404 and records the access key id.</summary>
    private sealed class RecordingServer : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly int _port;

        public RecordingServer()
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                _port = ((IPEndPoint)probe.LocalEndpoint).Port;
                probe.Stop();
            }

            _listener.Prefixes.Add($"http://127.0.0.1:{_port}/");
            _listener.Start();
        }

        public string Url => Uri.EscapeDataString($"http://127.0.0.1:{_port}");

        public async Task<string?> FirstAccessKeyIdAsync(Dictionary<string, string?> settings)
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
            var services = new ServiceCollection();
            services.AddSingleton<AWSCredentials>(new BasicAWSCredentials("AKIDFROMDI", "di-secret"));
            services.AddPolycloud(configuration).AddAws();
            await using var provider = services.BuildServiceProvider();
            var bucket = provider.GetRequiredKeyedService<BlobBucket>("b");

            var contextTask = _listener.GetContextAsync();
            var exists = bucket.ExistsAsync("probe", Ct);
            var context = await contextTask.WaitAsync(TimeSpan.FromSeconds(30), Ct);
            string? authorization = context.Request.Headers["Authorization"];
            context.Response.StatusCode = 404;
            context.Response.Close();
            Assert.False(await exists);

            // "AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/s3/aws4_request, ..."
            const string marker = "Credential=";
            int start = authorization?.IndexOf(marker, StringComparison.Ordinal) ?? -1;
            return start < 0 ? null : authorization![(start + marker.Length)..].Split('/')[0];
        }

        public ValueTask DisposeAsync()
        {
            _listener.Close();
            return ValueTask.CompletedTask;
        }
    }
}
