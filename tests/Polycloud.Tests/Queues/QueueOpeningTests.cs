using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Polycloud.Queues;
using Polycloud.Queues.Memory;
using Polycloud.Queues.Sqlite;
using Xunit;

namespace Polycloud.Tests.Queues;

public sealed class QueueOpeningTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Local_schemes_are_registered()
    {
        var opener = new PolycloudOpener();
        Assert.Contains("mem", opener.QueueSchemes);
        Assert.Contains("sqlite", opener.QueueSchemes);
    }

    [Fact]
    public async Task Memory_queues_with_the_same_name_are_shared_in_the_process()
    {
        string name = "open-" + Guid.NewGuid().ToString("N")[..8];
        var opener = new PolycloudOpener();
        await using var sender = opener.OpenQueue($"mem://{name}");
        await using var receiver = opener.OpenQueue($"mem://{name}");
        await sender.SendAsync("shared", Ct);
        var got = await receiver.ReceiveAsync(1, cancellationToken: Ct);
        Assert.Equal("shared", Assert.Single(got).Body.ToString());
        Assert.Equal("memory", receiver.Provider);
        Assert.True(receiver.TryAs<MemoryQueueDriver>(out _));
    }

    [Fact]
    public async Task Sqlite_queue_survives_a_restart()
    {
        string dir = Path.Combine(Path.GetTempPath(), "polycloud-queue-tests", Guid.NewGuid().ToString("N"));
        string url = $"sqlite://{dir}/q.db?queue=orders";
        try
        {
            var opener = new PolycloudOpener();
            await using (var queue = opener.OpenQueue(url))
            {
                await queue.SendAsync("durable", Ct);
                var leased = await queue.ReceiveAsync(new QueueReceiveOptions { LeaseDuration = TimeSpan.FromSeconds(1) }, Ct);
                Assert.Single(leased); // leased, never completed: the process "crashes" here
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await using (var queue = opener.OpenQueue(url))
            {
                Assert.Equal(Path.Combine(dir, "q.db"), queue.As<SqliteQueueDriver>().DatabasePath);
                var got = await queue.ReceiveAsync(new QueueReceiveOptions { WaitTime = TimeSpan.FromSeconds(5) }, Ct);
                var m = Assert.Single(got);
                Assert.Equal("durable", m.Body.ToString());
                Assert.Equal(2, m.DeliveryCount);
                await queue.CompleteAsync(m, Ct);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Dead_letter_settings_in_the_url_enable_portable_dead_lettering()
    {
        string name = "dl-" + Guid.NewGuid().ToString("N")[..8];
        var opener = new PolycloudOpener();
        await using var queue = opener.OpenQueue($"mem://{name}?maxDeliveries=1&deadLetterQueue=" + Uri.EscapeDataString($"mem://{name}-dlq"));
        Assert.NotNull(queue.DeadLetterQueue);
        Assert.Equal(1, queue.MaxDeliveries);
        await queue.SendAsync("bad", Ct);
        var m = Assert.Single(await queue.ReceiveAsync(1, cancellationToken: Ct));
        await queue.AbandonAsync(m, cancellationToken: Ct);
        Assert.Empty(await queue.ReceiveAsync(1, cancellationToken: Ct));

        await using var dlq = opener.OpenQueue($"mem://{name}-dlq");
        var dead = Assert.Single(await dlq.ReceiveAsync(1, cancellationToken: Ct));
        Assert.Equal("bad", dead.Body.ToString());
        Assert.Equal("max-deliveries-exceeded", dead.Attributes[MessageQueue.DeadLetterReasonAttribute]);
        Assert.Equal(m.MessageId, dead.Attributes[MessageQueue.OriginalMessageIdAttribute]);
        Assert.Equal("2", dead.Attributes[MessageQueue.DeliveryCountAttribute]);
    }

    [Theory]
    [InlineData("mem://q?colour=blue", "colour")]
    [InlineData("mem://q?maxDeliveries=3", "deadLetterQueue")]
    [InlineData("sqlite://host/q.db", "three slashes")]
    [InlineData("sqlite:///", "no database file path")]
    [InlineData("nope://q", "no queue provider is registered for the scheme 'nope'")]
    public void Bad_urls_are_rejected_with_a_clear_message(string url, string expected)
    {
        var ex = Assert.Throws<CloudException>(() => new PolycloudOpener().OpenQueue(url));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configuration_registers_keyed_queues_and_the_factory()
    {
        string name = "cfg-" + Guid.NewGuid().ToString("N")[..8];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Polycloud:Queues:orders:Url"] = $"mem://{name}",
            ["Polycloud:Queues:orders:DeadLetterQueue"] = $"mem://{name}-dlq",
            ["Polycloud:Queues:orders:MaxDeliveries"] = "3",
            ["Polycloud:Queues:audit"] = $"mem://{name}-audit",
        }).Build();
        var services = new ServiceCollection();
        services.AddPolycloud(configuration);
        await using var provider = services.BuildServiceProvider();

        var factory = provider.GetRequiredService<IMessageQueueFactory>();
        Assert.Equal(["audit", "orders"], factory.Names.Order());
        var orders = provider.GetRequiredKeyedService<MessageQueue>("orders");
        Assert.Same(orders, factory.GetQueue("orders"));
        Assert.Equal(3, orders.MaxDeliveries);
        Assert.Equal(name + "-dlq", orders.DeadLetterQueue!.Name);
        Assert.Equal(name + "-audit", provider.GetRequiredKeyedService<MessageQueue>("audit").Name);
        var ex = Assert.Throws<CloudException>(() => factory.GetQueue("missing"));
        Assert.Contains("Polycloud:Queues:missing", ex.Message, StringComparison.Ordinal);
    }
}
