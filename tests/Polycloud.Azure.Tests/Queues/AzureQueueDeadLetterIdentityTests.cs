using Xunit;

namespace Polycloud.Azure.Tests.Queues;

/// <summary>An Azure queue cannot be its own dead-letter queue, even when the two are named by different settings.</summary>
public sealed class AzureQueueDeadLetterIdentityTests
{
    [Fact]
    public void The_same_queue_reached_by_a_connection_string_and_by_an_endpoint_is_refused()
    {
        string name = "pcq-" + Guid.NewGuid().ToString("N")[..12];
        string key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
        string dead = $"azqueue://{name}?endpoint={Uri.EscapeDataString(AzureQueueConformanceTests.QueueEndpoint)}&accountKey={Uri.EscapeDataString(key)}";
        var ex = Assert.Throws<CloudException>(() => new PolycloudOpener().AddAzure().OpenQueue(
            $"azqueue://{name}?deadLetterQueue={Uri.EscapeDataString(dead)}",
            [new("connectionString", AzureQueueConformanceTests.ConnectionString)]));
        Assert.Equal(CloudErrorCode.InvalidArgument, ex.ErrorCode);
        Assert.Equal("azure-queue", ex.Provider);
        Assert.Contains("'deadLetterQueue'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("same queue", ex.Message, StringComparison.Ordinal);
    }
}
