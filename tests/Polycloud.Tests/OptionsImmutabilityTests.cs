using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Polycloud.Blobs;
using Polycloud.Functions;
using Polycloud.Queues;
using Polycloud.Queues.Memory;
using Xunit;

namespace Polycloud.Tests;

/// <summary>Options handed to a queue, bucket, function or driver cannot change once given: they are init-only, their
/// shared defaults cannot be changed, and the settable options bound from configuration are copied when the resource
/// or worker is created.</summary>
public sealed class OptionsImmutabilityTests
{
    /// <summary>Bound from configuration with <c>services.Configure</c>, so settable; copied when used (see below).</summary>
    private static readonly Type[] BindingTypes = [typeof(QueueWorkerOptions), typeof(DependencyInjection.PolycloudHealthCheckOptions)];

    public static TheoryData<Type> OptionsTypes()
    {
        var data = new TheoryData<Type>();
        foreach (var type in typeof(BlobBucket).Assembly.GetExportedTypes()
            .Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal) && !BindingTypes.Contains(t))
            .OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            data.Add(type);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(OptionsTypes))]
    public void EveryPublicOptionsType_HasOnlyInitOnlyProperties(Type type)
    {
        var settable = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } setter && !setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)))
            .Select(p => p.Name)
            .ToArray();
        Assert.Empty(settable);
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
