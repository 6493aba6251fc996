using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Polycloud.Blobs;
using Polycloud.Functions;
using Polycloud.Queues;
using Polycloud.Queues.Memory;
using Polycloud.TestSupport;
using Xunit;

namespace Polycloud.Tests;

/// <summary>Options handed to a queue, bucket, function or driver cannot change once given: they are init-only, their
/// shared defaults cannot be changed, and the settable options bound from configuration are copied when the resource
/// or worker is created.</summary>
public sealed class OptionsImmutabilityTests
{
    /// <summary>The shipped assemblies this project references (every shipped one: Polycloud.Docs.Tests, ShippedOptionsTests).</summary>
    private static readonly Assembly[] Shipped = [typeof(BlobBucket).Assembly, typeof(Polycloud.Testing.Conformance.Blobs.BlobConformanceTests).Assembly];

    public static TheoryData<Type> OptionsTypes()
    {
        var data = new TheoryData<Type>();
        foreach (var type in OptionsRules.OptionsTypes(Shipped).Where(t => !OptionsRules.IsBindingType(t)))
        {
            data.Add(type);
        }

        return data;
    }

    /// <summary>Every options type, the settable ones bound from configuration included.</summary>
    public static TheoryData<Type> OptionsTypesWithBindingTypes()
    {
        var data = new TheoryData<Type>();
        foreach (var type in OptionsRules.OptionsTypes(Shipped))
        {
            data.Add(type);
        }

        return data;
    }

    [Fact]
    public void TheBindingTypesAreTheOnesBoundFromConfiguration()
    {
        Assert.True(OptionsRules.IsBindingType(typeof(QueueWorkerOptions)));
        Assert.True(OptionsRules.IsBindingType(typeof(DependencyInjection.PolycloudHealthCheckOptions)));
        Assert.False(OptionsRules.IsBindingType(typeof(BlobUploadOptions)));
    }

    [Theory]
    [MemberData(nameof(OptionsTypesWithBindingTypes))]
    public void NoPublicOptionsType_HoldsAMutableCollection(Type type)
    {
        var mutable = OptionsRules.MutableCollectionProperties(type);
        Assert.True(mutable.Length == 0, $"{type.Name} holds mutable collections: {string.Join(", ", mutable)}; use IReadOnlyDictionary/IReadOnlyList and copy it when the options are used.");
    }

    [Fact]
    public void TheMutableCollectionCheck_FindsWhatItMustFind()
    {
        Assert.True(OptionsRules.IsMutableCollection(typeof(IDictionary<string, string>)));
        Assert.True(OptionsRules.IsMutableCollection(typeof(Dictionary<string, string>)));
        Assert.True(OptionsRules.IsMutableCollection(typeof(List<int>)));
        Assert.True(OptionsRules.IsMutableCollection(typeof(IList<int>)));
        Assert.True(OptionsRules.IsMutableCollection(typeof(string[])));
        Assert.True(OptionsRules.IsMutableCollection(typeof(ISet<string>)));
        Assert.False(OptionsRules.IsMutableCollection(typeof(IReadOnlyDictionary<string, string>)));
        Assert.False(OptionsRules.IsMutableCollection(typeof(IReadOnlyList<string>)));
        Assert.False(OptionsRules.IsMutableCollection(typeof(string)));
        Assert.False(OptionsRules.IsMutableCollection(typeof(ReadOnlyMemory<byte>?)));
    }

    [Fact]
    public async Task UploadMetadata_ChangedWhileTheUploadRuns_DoesNotChangeWhatIsWritten()
    {
        await using var bucket = new BlobBucket(new Polycloud.Blobs.Memory.MemoryBlobDriver());
        foreach (var initial in new[] { new Dictionary<string, string>(), new Dictionary<string, string> { ["owner"] = "alice" } })
        {
            var metadata = new Dictionary<string, string>(initial);
            string key = $"meta-{initial.Count}";
            var content = new MutatingStream(new byte[64], () =>
            {
                metadata["owner"] = "mallory";
                metadata["added"] = "later";
            });
            await bucket.UploadAsync(key, content, new BlobUploadOptions { Metadata = metadata }, TestContext.Current.CancellationToken);
            Assert.True(content.Mutated);
            var written = (await bucket.GetPropertiesAsync(key, TestContext.Current.CancellationToken)).Metadata;
            Assert.Equal(initial.OrderBy(kv => kv.Key), written.OrderBy(kv => kv.Key));
        }
    }

    [Fact]
    public void HealthCheckOptions_AreCopiedWhenUsed_WithProbeNamesIgnoringCase()
    {
        var probes = new Dictionary<string, string> { ["Resize"] = "{}" };
        var options = new DependencyInjection.PolycloudHealthCheckOptions { FunctionProbes = probes, Timeout = TimeSpan.FromSeconds(3) };
        var snapshot = options.Snapshot();
        probes["other"] = "{}";
        probes["Resize"] = "changed";
        options.Timeout = TimeSpan.FromSeconds(9);
        Assert.Equal("{}", snapshot.FunctionProbes["resize"]);
        Assert.False(snapshot.FunctionProbes.ContainsKey("other"));
        Assert.Equal(TimeSpan.FromSeconds(3), snapshot.Timeout);
        Assert.Empty(new DependencyInjection.PolycloudHealthCheckOptions().Snapshot().FunctionProbes);
    }

    /// <summary>Content that runs an action on its first read, as a caller's other thread might while the upload runs.</summary>
    private sealed class MutatingStream(byte[] data, Action onFirstRead) : MemoryStream(data)
    {
        public bool Mutated { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Mutate();
            return base.Read(buffer, offset, count);
        }

        public override int Read(Span<byte> buffer)
        {
            Mutate();
            return base.Read(buffer);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Mutate();
            return base.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Mutate();
            return base.ReadAsync(buffer, offset, count, cancellationToken);
        }

        public override Task CopyToAsync(Stream destination, int bufferSize, CancellationToken cancellationToken)
        {
            Mutate();
            return base.CopyToAsync(destination, bufferSize, cancellationToken);
        }

        public override void CopyTo(Stream destination, int bufferSize)
        {
            Mutate();
            base.CopyTo(destination, bufferSize);
        }

        private void Mutate()
        {
            if (!Mutated)
            {
                Mutated = true;
                onFirstRead();
            }
        }
    }

    [Theory]
    [MemberData(nameof(OptionsTypes))]
    public void EveryPublicOptionsType_HasOnlyInitOnlyProperties(Type type)
    {
        Assert.Empty(OptionsRules.SettableProperties(type));
        Assert.All(
            type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static).Where(f => !f.IsLiteral && !f.Name.Contains('<', StringComparison.Ordinal)),
            f => Assert.True(f.IsInitOnly, $"{type.Name}.{f.Name} must be readonly"));
    }

    [Fact]
    public void TheOptionsTypesAreFound()
    {
        var names = OptionsTypes().Select(row => row.Data.Name).ToArray();
        Assert.Contains(nameof(BlobUploadOptions), names);
        Assert.Contains(nameof(MessageQueueOptions), names);
        Assert.Contains(nameof(CloudFunctionOptions), names);
        Assert.Contains(nameof(FunctionRetryOptions), names);
        Assert.Contains(nameof(QueueProcessOptions), names);
    }

    [Fact]
    public void EachFunctionHasItsOwnRetryOptions_AndTheDefaultsStay()
    {
        // The nested retry options were a shared, settable object; now each function's are its own and immutable.
        var first = new CloudFunctionOptions();
        var second = new CloudFunctionOptions { Retry = new() { MaxAttempts = 1 } };
        Assert.Equal(4, first.Retry.MaxAttempts);
        Assert.Equal(1, second.Retry.MaxAttempts);
        Assert.NotSame(first.Retry, new CloudFunctionOptions().Retry);
        Assert.Equal(4, CloudFunctionOptions.Default.Retry.MaxAttempts);
    }

    [Fact]
    public async Task ChangingTheBoundWorkerOptionsAfterTheWorkerIsCreated_DoesNotReachIt()
    {
        string queueName = "immutable-" + Guid.NewGuid().ToString("N");
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Polycloud:Queues:orders"] = $"mem://{queueName}",
                ["Polycloud:Workers:orders:ShutdownGracePeriod"] = "00:00:05",
            });
            builder.AddPolycloud(s => s.DisableHealthChecks = true);
            var handled = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            builder.Services.AddSingleton(handled);
            builder.Services.AddQueueWorker<SignalHandler>("orders");
            using var host = builder.Build();
            _ = host.Services.GetServices<IHostedService>().ToArray();

            // The options object the container shares; a negative grace period would stop the worker at start.
            var shared = host.Services.GetRequiredService<IOptionsMonitor<QueueWorkerOptions>>().Get("orders");
            shared.ShutdownGracePeriod = TimeSpan.FromSeconds(-1);
            shared.MaxConcurrency = 0;

            await host.StartAsync(TestContext.Current.CancellationToken);
            await host.Services.GetRequiredKeyedService<MessageQueue>("orders").SendAsync("hello", TestContext.Current.CancellationToken);
            Assert.Equal("hello", await handled.Task.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken));
            await host.StopAsync(TestContext.Current.CancellationToken);
        }
        finally
        {
            MemoryQueueDriver.DeleteShared(queueName);
        }
    }

    internal sealed class SignalHandler(TaskCompletionSource<string> handled) : IQueueMessageHandler
    {
        public Task HandleAsync(ReceivedMessage message, CancellationToken cancellationToken)
        {
            handled.TrySetResult(message.Body.ToString());
            return Task.CompletedTask;
        }
    }
}
