using System.Text.Json.Serialization;
using Polycloud.Queues;
using Xunit;

namespace Polycloud.Tests;

/// <summary>The JSON overloads of queues take serializer options or type information; a literal <see langword="null"/>
/// second argument compiles (these calls are the proof) and means the default serializer options.</summary>
public sealed partial class QueueJsonOverloadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NullSecondArgument_CompilesAndUsesTheDefaultOptions()
    {
        await using var queue = new PolycloudOpener().OpenQueue($"mem://json-{Guid.NewGuid():N}");
        var order = new JsonOrder(7, "seven");

        await queue.SendJsonAsync(order, null, Ct);
        await queue.SendJsonAsync(order, null, cancellationToken: Ct);
        await queue.SendAsync(QueueMessage.FromJson(order, null), Ct);
        await queue.SendJsonAsync(order, JsonOrderContext.Default.JsonOrder, Ct);

        var received = new List<ReceivedMessage>();
        while (received.Count < 4 && await queue.ReceiveAsync(new QueueReceiveOptions { MaxMessages = 10 }, Ct) is { Count: > 0 } batch)
        {
            received.AddRange(batch);
        }

        Assert.Equal(4, received.Count);
        foreach (var message in received)
        {
            Assert.Equal("application/json", message.Attributes["content-type"]);
            Assert.Equal(order, message.BodyAsJson<JsonOrder>(null));
            Assert.Equal(order, message.BodyAsJson(JsonOrderContext.Default.JsonOrder));
        }
    }

    [Fact]
    public void NullTypeInfo_StillFailsClearly_WhenTypedAsTypeInfo()
    {
        Assert.Throws<ArgumentNullException>(() => QueueMessage.FromJson(new JsonOrder(1, "a"), (System.Text.Json.Serialization.Metadata.JsonTypeInfo<JsonOrder>)null!));
    }

    public sealed record JsonOrder(int Id, string Name);

    [JsonSerializable(typeof(JsonOrder))]
    internal sealed partial class JsonOrderContext : JsonSerializerContext;
}
