using Amazon.SQS;
using Polycloud.Aws.Queues;
using Polycloud.Aws.Tests.Queues;
using Xunit;

namespace Polycloud.Aws.Tests;

/// <summary>One vocabulary for every AWS URL: the settings AwsSettings reads, shared by s3, sqs, lambda and aws-iam databases.</summary>
public sealed class AwsSettingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sqs_AcceptsKeysAndEndpoint_LikeS3AndLambda_AgainstFauxqs()
    {
        string name = "pc-settings-" + Guid.NewGuid().ToString("N")[..12];
        using var raw = SqsQueueConformanceTests.CreateClient();
        string queueUrl = (await raw.CreateQueueAsync(name, Ct)).QueueUrl;
        try
        {
            await using var queue = new PolycloudOpener().AddAws().OpenQueue(
                $"sqs://{name}?endpoint={Uri.EscapeDataString(SqsQueueConformanceTests.Endpoint)}&region=us-east-1",
                [new("accessKeyId", "AKIDSETTINGS"), new("secretAccessKey", "settings-secret")]);
            await queue.SendAsync("hello", Ct);
            var received = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(5), Ct));
            Assert.Equal("hello", received.Body.ToString());
            await queue.CompleteAsync(received, Ct);
            var client = queue.As<IAmazonSQS>();
            Assert.Equal("us-east-1", client.Config.AuthenticationRegion); // fauxqs keeps queues per region
        }
        finally
        {
            await raw.DeleteQueueAsync(queueUrl, Ct);
        }
    }

    [Theory]
    [InlineData("sqs://q?region=EU_WEST", "region")]
    [InlineData("sqs://q?region=eu-west-1&accessKeyId=AKID", "secretAccessKey")]
    [InlineData("sqs://q?region=eu-west-1&sessionToken=t", "sessionToken")]
    [InlineData("sqs://q?region=eu-west-1&profile=polycloud-no-such-profile", "polycloud-no-such-profile")]
    [InlineData("s3://bucket?region=eu-west-1&profile=polycloud-no-such-profile", "polycloud-no-such-profile")]
    [InlineData("lambda://fn?region=eu-west-1&profile=polycloud-no-such-profile", "polycloud-no-such-profile")]
    [InlineData("lambda://fn?region=eu-west-1&secretAccessKey=s", "accessKeyId")]
    [InlineData("sqs://q?region=eu-west-1&forcePathStyle=true", "forcePathStyle")] // an S3 setting only
    public void BadSettings_FailTheSameWayOnEveryAwsScheme(string url, string mentioned)
    {
        var opener = new PolycloudOpener().AddAws();
        var ex = Assert.Throws<CloudException>(() =>
        {
            if (url.StartsWith("sqs", StringComparison.Ordinal))
            {
                opener.OpenQueue(url);
            }
            else if (url.StartsWith("s3", StringComparison.Ordinal))
            {
                opener.OpenBucket(url);
            }
            else
            {
                opener.OpenFunction(url);
            }
        });
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains(mentioned, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_SecretKeys_NeverAppearInErrors()
    {
        var ex = Assert.Throws<CloudException>(() => new PolycloudOpener().AddAws().OpenQueue("sqs://q?region=bad_region", [new("accessKeyId", "AKID"), new("secretAccessKey", "very-secret-value")]));
        Assert.DoesNotContain("very-secret-value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Endpoint_IsTheServiceUrl_SignedForTheRegion()
    {
        var url = CloudUrl.Parse("sqs://q?endpoint=http://127.0.0.1:4566&region=ap-south-2");
        var config = AwsSettings.Read(url).Configure(new AmazonSQSConfig(), url);
        Assert.Equal("http://127.0.0.1:4566/", config.ServiceURL);
        Assert.Equal("ap-south-2", config.AuthenticationRegion);
    }
}
