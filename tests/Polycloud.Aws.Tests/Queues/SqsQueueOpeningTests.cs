using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polycloud.Aws.Queues;
using Polycloud.Queues;
using Xunit;

namespace Polycloud.Aws.Tests.Queues;

public sealed class SqsQueueOpeningTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Configuration_opens_an_sqs_queue_with_credentials_from_the_container()
    {
        string name = "pcq-" + Guid.NewGuid().ToString("N")[..12];
        using var admin = SqsQueueConformanceTests.CreateClient();
        string url = (await admin.CreateQueueAsync(new CreateQueueRequest { QueueName = name }, Ct)).QueueUrl;
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Polycloud:Queues:orders"] = $"sqs://{name}?region=us-east-1&endpoint={Uri.EscapeDataString(SqsQueueConformanceTests.Endpoint)}",
            }).Build();
            var services = new ServiceCollection();
            services.AddSingleton<AWSCredentials>(new BasicAWSCredentials("test", "test"));
            services.AddPolycloud(configuration).AddAws();
            await using var provider = services.BuildServiceProvider();

            var queue = provider.GetRequiredKeyedService<MessageQueue>("orders");
            Assert.Equal("aws-sqs", queue.Provider);
            Assert.Equal(name, queue.Name);
            Assert.True(queue.TryAs<IAmazonSQS>(out _));
            await queue.SendAsync("configured", Ct);
            var m = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(5), Ct));
            Assert.Equal("configured", m.Body.ToString());
            await queue.CompleteAsync(m, Ct);
        }
        finally
        {
            await admin.DeleteQueueAsync(url, Ct);
        }
    }

    [Fact]
    public void Sqs_urls_are_checked()
    {
        var opener = new PolycloudOpener().AddAws();
        Assert.Contains("sqs", opener.QueueSchemes);
        var ex = Assert.Throws<CloudException>(() => opener.OpenQueue("sqs://q?region=us-east-1&regoin=x"));
        Assert.Contains("regoin", ex.Message, StringComparison.Ordinal);
        using var queue = opener.OpenQueue("sqs://q?queueUrl=" + Uri.EscapeDataString("https://sqs.eu-west-1.amazonaws.com/123456789012/orders") + "&region=eu-west-1");
        Assert.Equal("orders", queue.Name);
        Assert.True(queue.TryAs<SqsQueueDriver>(out _));
    }
}

public sealed class SqsFifoQueueTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fifo_queue_keeps_group_order_and_reports_the_group_id()
    {
        using var client = SqsQueueConformanceTests.CreateClient();
        string name = "pcq-" + Guid.NewGuid().ToString("N")[..12] + ".fifo";
        string url = (await client.CreateQueueAsync(
            new CreateQueueRequest { QueueName = name, Attributes = new Dictionary<string, string> { ["FifoQueue"] = "true", ["ContentBasedDeduplication"] = "true" } },
            Ct)).QueueUrl;
        try
        {
            await using var queue = new MessageQueue(new SqsQueueDriver(client, url));
            await queue.SendBatchAsync(Enumerable.Range(0, 5).Select(i => new QueueMessage($"step {i}") { GroupId = "order-17" }), Ct);
            await queue.SendAsync(new QueueMessage("explicit") { GroupId = "order-18", DeduplicationId = "dedup-1" }, Ct);

            var got = new List<ReceivedMessage>();
            for (int attempt = 0; attempt < 10 && got.Count < 6; attempt++)
            {
                foreach (var m in await queue.ReceiveAsync(new QueueReceiveOptions { MaxMessages = 10, WaitTime = TimeSpan.FromSeconds(1) }, Ct))
                {
                    got.Add(m);
                    await queue.CompleteAsync(m, Ct);
                }
            }

            Assert.Equal(["step 0", "step 1", "step 2", "step 3", "step 4"], got.Where(m => m.GroupId == "order-17").Select(m => m.Body.ToString()));
            Assert.Equal("explicit", Assert.Single(got, m => m.GroupId == "order-18").Body.ToString());
        }
        finally
        {
            await client.DeleteQueueAsync(url, Ct);
        }
    }
}
