using Azure;
using Azure.Storage.Queues;
using Polycloud.Azure.Queues;
using Polycloud.Testing.Conformance.Queues;
using Polycloud.Queues;
using Polycloud.Queues.Drivers;
using Xunit;

namespace Polycloud.Azure.Tests.Queues;

/// <summary>The queue conformance suite against Azure Storage queues as served by Azurite
/// (POLYCLOUD_TEST_AZURITE_QUEUE, default http://127.0.0.1:10001/devstoreaccount1).</summary>
public sealed class AzureQueueConformanceTests : QueueConformanceTests
{
    private readonly QueueServiceClient _service = new(ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
    private readonly List<QueueClient> _created = [];

    internal static string QueueEndpoint => Environment.GetEnvironmentVariable("POLYCLOUD_TEST_AZURITE_QUEUE") is { Length: > 0 } e ? e : "http://127.0.0.1:10001/devstoreaccount1";

    internal static string ConnectionString
        => "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
           + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
           + $"QueueEndpoint={QueueEndpoint};";

    protected override async Task<IQueueDriver> CreateDriverAsync(string name)
    {
        var client = _service.GetQueueClient(name);
        await client.CreateAsync(cancellationToken: TestContext.Current.CancellationToken);
        _created.Add(client);
        return new AzureQueueDriver(client, clientEncodesBase64: true);
    }

    protected override IQueueDriver CreateMissingQueueDriver(string name) => new AzureQueueDriver(_service.GetQueueClient(name), clientEncodesBase64: true);

    protected override async ValueTask CleanupAsync()
    {
        foreach (var client in _created)
        {
            try
            {
                await client.DeleteIfExistsAsync();
            }
            catch (RequestFailedException)
            {
                // Best effort.
            }
        }
    }
}

/// <summary>What the Azure driver sends, checked against Azurite with the raw SDK: plain text stays plain text.</summary>
public sealed class AzureQueueInteropTests
{
    [Fact]
    public async Task Text_without_attributes_is_stored_as_is_and_envelopes_only_carry_attributes_or_binary()
    {
        var ct = TestContext.Current.CancellationToken;
        var raw = new QueueClient(AzureQueueConformanceTests.ConnectionString, "pcq-" + Guid.NewGuid().ToString("N")[..12], new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await raw.CreateAsync(cancellationToken: ct);
        try
        {
            await using var queue = new PolycloudOpener().AddAzure().OpenQueue($"azqueue://{raw.Name}", [new("connectionString", AzureQueueConformanceTests.ConnectionString)]);
            await queue.SendAsync("plain text", ct);
            var plain = (await raw.ReceiveMessagesAsync(1, cancellationToken: ct)).Value.Single();
            Assert.Equal("plain text", plain.Body.ToString());
            await raw.DeleteMessageAsync(plain.MessageId, plain.PopReceipt, ct);

            var withAttributes = new QueueMessage("x") { Attributes = { ["a"] = "b" } };
            await queue.SendAsync(withAttributes, ct);
            var enveloped = (await raw.ReceiveMessagesAsync(1, cancellationToken: ct)).Value.Single();
            Assert.StartsWith("{\"polycloud-envelope\":1,", enveloped.Body.ToString(), StringComparison.Ordinal);
            await raw.DeleteMessageAsync(enveloped.MessageId, enveloped.PopReceipt, ct);

            // A native producer's message is delivered unchanged, with no attributes.
            await raw.SendMessageAsync(BinaryData.FromString("{\"hello\":1}"), cancellationToken: ct);
            var got = Assert.Single(await queue.ReceiveAsync(1, TimeSpan.FromSeconds(5), ct));
            Assert.Equal("{\"hello\":1}", got.Body.ToString());
            Assert.Empty(got.Attributes);
            Assert.Same(queue.As<QueueClient>(), queue.As<QueueClient>());
        }
        finally
        {
            await raw.DeleteIfExistsAsync(ct);
        }
    }
}
