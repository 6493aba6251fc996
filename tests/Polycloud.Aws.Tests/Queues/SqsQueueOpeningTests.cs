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
