using System.Net;
using System.Text;
using Amazon.Runtime;
using Amazon.SQS;
using Polycloud.Aws.Blobs;
using Polycloud.Aws.Functions;
using Polycloud.Aws.Queues;
using Polycloud.Aws.Tests.Blobs;
using Polycloud.Aws.Tests.Queues;
using Polycloud.Blobs;
using Polycloud.Functions;
using Polycloud.Queues;
using Xunit;

namespace Polycloud.Aws.Tests.Locations;

/// <summary>Where AWS resources live: S3 GetBucketLocation at the wire (fauxqs does not implement it), SQS at fauxqs, Lambda from its ARN.</summary>
public sealed class AwsLocationTests
{
    [Theory]
    [InlineData("", "us-east-1")]
    [InlineData("EU", "eu-west-1")]
    [InlineData("eu-central-1", "eu-central-1")]
    [InlineData("ap-southeast-2", "ap-southeast-2")]
    public async Task S3_region_comes_from_GetBucketLocation(string constraint, string region)
    {
        string xml = constraint.Length == 0
            ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?><LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>"
            : $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">{constraint}</LocationConstraint>";
        var wire = new S3Wire(_ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(xml, Encoding.UTF8, "application/xml") });
        await using var bucket = wire.CreateBucket();

        var location = await bucket.GetLocationAsync(TestContext.Current.CancellationToken);

        var request = Assert.Single(wire.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Contains("location", request.Uri.Query, StringComparison.Ordinal);
        Assert.Equal("aws", location.Provider);
        Assert.Equal("aws-s3", location.Service);
        Assert.Equal(ResourceKind.Blob, location.Kind);
        Assert.Equal(S3Wire.Bucket, location.Name);
        Assert.Equal(LocationValue.Known(region), location.Region);
        Assert.Equal(LocationValueState.Unknown, location.Account.State);
        Assert.Contains("account", location.Account.UnknownReason, StringComparison.Ordinal);
        Assert.Equal("http://s3.wire.test", location.Details["endpoint"]);
    }

    [Fact]
    public async Task S3_access_denied_on_GetBucketLocation_is_a_portable_error()
    {
        var wire = new S3Wire(_ => S3Wire.Error(HttpStatusCode.Forbidden, "AccessDenied", "Access Denied"));
        await using var bucket = wire.CreateBucket();

        var error = await Assert.ThrowsAsync<CloudException>(() => bucket.GetLocationAsync(TestContext.Current.CancellationToken));

        Assert.Equal(CloudErrorCode.PermissionDenied, error.ErrorCode);
    }

    [Fact]
    public async Task S3_at_fauxqs_is_skipped_because_it_does_not_implement_GetBucketLocation()
    {
        // fauxqs answers GET /{bucket}?location with a ListBucketResult: the answer says nothing about the region.
        using var http = new HttpClient();
        string name = await Fauxqs.CreateBucketAsync("loc", TestContext.Current.CancellationToken);
        try
        {
            string body = await http.GetStringAsync(new Uri($"{Fauxqs.Endpoint}/{name}?location"), TestContext.Current.CancellationToken);
            if (!body.Contains("<LocationConstraint", StringComparison.Ordinal))
            {
                Assert.Skip("fauxqs does not implement GetBucketLocation (it answers with a bucket listing); checked at the wire instead.");
            }

            await using var bucket = new BlobBucket(new S3BlobDriver(Fauxqs.CreateClient(), name));
            var location = await bucket.GetLocationAsync(TestContext.Current.CancellationToken);
            Assert.Equal("us-east-1", location.Region.Value);
        }
        finally
        {
            await Fauxqs.DeleteBucketAsync(name);
        }
    }

    [Fact]
    public async Task SQS_at_fauxqs_reports_the_client_region_and_the_account_of_the_queue_URL()
    {
        using var client = SqsQueueConformanceTests.CreateClient();
        string name = $"pc-loc-{Guid.NewGuid():N}";
        string url = (await client.CreateQueueAsync(name, TestContext.Current.CancellationToken)).QueueUrl;
        try
        {
            await using var queue = new MessageQueue(new SqsQueueDriver(client, name));

            var location = await queue.GetLocationAsync(TestContext.Current.CancellationToken);

            Assert.Equal("aws", location.Provider);
            Assert.Equal(ResourceKind.Queue, location.Kind);
            Assert.Equal(name, location.Name);
            Assert.Equal("us-east-1", location.Region.Value);
            Assert.Equal(new Uri(url).AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries)[0], location.Account.Value);
        }
        finally
        {
            await client.DeleteQueueAsync(url, TestContext.Current.CancellationToken);
        }
    }

    [Theory]
    [InlineData("https://sqs.eu-west-1.amazonaws.com/123456789012/orders", "eu-west-1", "123456789012")]
    [InlineData("https://eu-north-1.queue.amazonaws.com/210987654321/jobs", "eu-north-1", "210987654321")]
    [InlineData("http://127.0.0.1:4566/000000000000/q", null, "000000000000")]
    public void SQS_queue_URLs_name_region_and_account(string url, string? region, string account)
    {
        var parsed = SqsQueueDriver.ParseQueueUrl(url);
        Assert.Equal(region, parsed.Region);
        Assert.Equal(account, parsed.Account);
    }

    [Fact]
    public async Task SQS_without_a_client_region_takes_the_region_of_the_queue_URL()
    {
        // A client pointed at a custom endpoint with no region: the URL is the only source.
        using var client = new AmazonSQSClient(new BasicAWSCredentials("a", "b"), new AmazonSQSConfig { ServiceURL = "http://127.0.0.1:1" });
        var driver = new SqsQueueDriver(client, "https://sqs.ap-south-1.amazonaws.com/123456789012/orders");
        var location = await new MessageQueue(driver).GetLocationAsync(TestContext.Current.CancellationToken);
        Assert.True(location.Region.IsKnown);
        Assert.Equal("123456789012", location.Account.Value);
    }

    [Fact]
    public async Task Lambda_reports_region_and_account_from_its_ARN_without_a_call()
    {
        await using var function = new CloudFunction(new LambdaFunctionDriver(
            "arn:aws:lambda:eu-west-3:123456789012:function:resize:live",
            new LambdaFunctionOptions { Region = "eu-west-3", Credentials = new BasicAWSCredentials("a", "b") }));

        var location = await function.GetLocationAsync(TestContext.Current.CancellationToken);

        Assert.Equal("eu-west-3", location.Region.Value);
        Assert.Equal("123456789012", location.Account.Value);
        Assert.Equal("resize", location.Name);
    }

    [Fact]
    public async Task Lambda_named_without_an_ARN_has_its_configured_region_and_an_unknown_account()
    {
        await using var function = new PolycloudOpener().AddAws().OpenFunction("lambda://resize?region=us-west-2");

        var location = await function.GetLocationAsync(TestContext.Current.CancellationToken);

        Assert.Equal("us-west-2", location.Region.Value);
        Assert.Equal(LocationValueState.Unknown, location.Account.State);
        Assert.NotNull(location.Account.UnknownReason);
    }
}
