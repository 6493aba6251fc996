using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polycloud.Aws.Tests.Blobs;
using Polycloud.Aws.Tests.Queues;
using Polycloud.TestSupport.Logging;
using Xunit;

namespace Polycloud.Aws.Tests;

/// <summary>
/// Runs S3 and SQS operations against fauxqs with every log at Trace, succeeding and failing (missing bucket and queue,
/// unknown and malformed settings next to the keys, a presigned URL), and looks for the secret access key, the session
/// token and request signatures in everything logged and in every error.
/// </summary>
public sealed class SecretsInLogsTests
{
    private const string AccessKey = "AKIDPOLYCLOUDSECRETS";
    private const string SecretKey = "polycloud/secret+Key/0123456789abcdefABCDEF";
    private const string SessionToken = "FwoGZXIvYXdzEPolycloudSessionToken0123456789";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task No_secret_key_token_or_signature_appears_in_logs_or_errors()
    {
        using var scanner = new SecretScanner().Add(SecretKey).Add(SessionToken).ListenToSpans();
        var logs = new CapturingLoggerFactory();
        var services = new ServiceCollection().AddSingleton<ILoggerFactory>(logs).AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        services.AddPolycloud().AddAws();
        await using var provider = services.BuildServiceProvider();
        var opener = provider.GetRequiredService<PolycloudOpener>();
        KeyValuePair<string, string>[] keys = [new("accessKeyId", AccessKey), new("secretAccessKey", SecretKey), new("sessionToken", SessionToken)];
        string bucketName = await Fauxqs.CreateBucketAsync("secrets", Ct);
        string s3 = $"s3://{bucketName}?endpoint={Uri.EscapeDataString(Fauxqs.Endpoint)}&forcePathStyle=true&region=us-east-1";
        try
        {
            await using (var bucket = opener.OpenBucket(s3, keys))
            {
                await bucket.UploadAsync("a.txt", BinaryData.FromString("hello"), cancellationToken: Ct);
                Assert.Equal("hello", (await bucket.ReadAllAsync("a.txt", default, Ct)).ToString());
                var signed = await bucket.GetSignedUrlAsync("a.txt", new Polycloud.Blobs.BlobSignedUrlOptions { ExpiresIn = TimeSpan.FromMinutes(5) }, Ct);
                scanner.Add(System.Web.HttpUtility.ParseQueryString(signed.Query)["X-Amz-Signature"]!);
                scanner.ScanException(await Assert.ThrowsAsync<CloudException>(() => bucket.ReadAllAsync("missing", default, Ct)));
            }

            await using (var missing = opener.OpenBucket(s3.Replace(bucketName, "pc-missing-" + Guid.NewGuid().ToString("N")[..8], StringComparison.Ordinal), keys))
            {
                scanner.ScanException(await Assert.ThrowsAsync<CloudException>(() => missing.UploadAsync("x", BinaryData.FromString("x"), cancellationToken: Ct)));
            }

            string sqs = $"sqs://pc-secrets-missing-{Guid.NewGuid():N}?region=us-east-1&endpoint={Uri.EscapeDataString(SqsQueueConformanceTests.Endpoint)}";
            await using (var queue = opener.OpenQueue(sqs, keys))
            {
                scanner.ScanException(await Assert.ThrowsAsync<CloudException>(() => queue.SendAsync("x", Ct)));
            }

            // Settings errors that sit next to the keys, in the URL and as settings.
            foreach (string url in new[]
            {
                s3 + "&regoin=x",
                $"s3://{bucketName}?region=bad_region",
                $"sqs://q?region=us-east-1&secretAccessKey={Uri.EscapeDataString(SecretKey)}&regoin=x",
                $"sqs://q?region=us-east-1&accessKeyId={AccessKey}&secretAccessKey={Uri.EscapeDataString(SecretKey)}&sessionToken={Uri.EscapeDataString(SessionToken)}&typo=1",
                $"s3://user:{Uri.EscapeDataString(SecretKey)}@{bucketName}?region=us-east-1&typo=1",
            })
            {
                scanner.ScanException(Assert.ThrowsAny<CloudException>(() => url.StartsWith("s3", StringComparison.Ordinal) ? (IAsyncDisposable)opener.OpenBucket(url, keys) : opener.OpenQueue(url, keys)));
            }
        }
        finally
        {
            await Fauxqs.DeleteBucketAsync(bucketName);
        }

        scanner.ScanLogs(logs.Logs);
        scanner.AssertNoLeaks();
    }
}
