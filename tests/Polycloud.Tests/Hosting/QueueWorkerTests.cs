using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Polycloud.Diagnostics;
using Polycloud.Queues;
using Polycloud.Queues.Memory;
using Xunit;

namespace Polycloud.Tests.Hosting;

/// <summary>The hosted queue worker in a real host over mem:// and sqlite queues. No sleeps: every wait is on an
/// event, and the grace period runs on a fake clock.</summary>
public sealed class QueueWorkerTests : IDisposable
{
    private static readonly TimeSpan SafetyNet = TimeSpan.FromMinutes(1);
    private readonly string _queueName = "worker-" + Guid.NewGuid().ToString("N");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pc-worker-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        MemoryQueueDriver.DeleteShared(_queueName);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            if (Directory.Exists(_dir))
            {
                Directory.Delete(_dir, recursive: true);
            }
        }
        catch (IOException)
        {
        }
    }

    private HostApplicationBuilder NewBuilder(string queueUrl, Dictionary<string, string?>? more = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        var settings = new Dictionary<string, string?> { ["Polycloud:Queues:orders"] = queueUrl };
        foreach (var (k, v) in more ?? [])
        {
            settings[k] = v;
        }

        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddPolycloud(s => s.DisableHealthChecks = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = Timeout.InfiniteTimeSpan);
        return builder;
    }

    private static async Task SendAsync(IHost host, int count)
    {
        var queue = host.Services.GetRequiredKeyedService<MessageQueue>("orders");
        await queue.SendBatchAsync(Enumerable.Range(0, count).Select(i => new QueueMessage($"m{i}")), Ct);
    }

    [Theory]
    [InlineData("mem")]
    [InlineData("sqlite")]
    public async Task EveryMessage_IsHandledOnce_EachInItsOwnScope(string kind)
    {
        const int N = 40;
        string url = kind == "mem" ? $"mem://{_queueName}" : $"sqlite://{_dir}/q.db?queue=orders";
        var builder = NewBuilder(url, new() { ["Polycloud:Workers:orders:MaxConcurrency"] = "4" });
        var log = new HandledLog(N);
        builder.Services.AddSingleton(log);
        builder.Services.AddScoped<ScopedProbe>();
        builder.Services.AddQueueWorker<RecordingHandler>("orders");
        using var host = builder.Build();
        await SendAsync(host, N);

        await host.StartAsync(Ct);
        await log.AllHandled.Task.WaitAsync(SafetyNet, Ct);
        await host.StopAsync(Ct);

        Assert.Equal(N, log.Bodies.Count);
        Assert.All(log.Bodies.Values, count => Assert.Equal(1, count));
        Assert.Equal(Enumerable.Range(0, N).Select(i => $"m{i}").Order(), log.Bodies.Keys.Order());
        Assert.Equal(N, log.Probes.Distinct().Count());
        Assert.All(log.Probes, p => Assert.True(p.Disposed));
        Assert.Equal(0, (await host.Services.GetRequiredKeyedService<MessageQueue>("orders").GetPropertiesAsync(Ct)).ApproximateMessageCount);
        Assert.True(log.MaxInFlight <= 4, $"at most 4 handlers at once, saw {log.MaxInFlight}");
    }

    [Fact]
    public void Options_AreReadFromConfiguration_ThenTheCallback()
    {
        var builder = NewBuilder($"mem://{_queueName}", new()
        {
            ["Polycloud:Workers:orders:MaxConcurrency"] = "8",
            ["Polycloud:Workers:orders:ShutdownGracePeriod"] = "00:00:05",
            ["Polycloud:Workers:orders:RetryDelay"] = "00:00:02",
        });
        builder.Services.AddSingleton(new HandledLog(1));
        builder.Services.AddQueueWorker<RecordingHandler>("orders", o => o.MaxConcurrency = 3);
        using var host = builder.Build();
        var options = host.Services.GetRequiredService<IOptionsMonitor<QueueWorkerOptions>>().Get("orders");
        Assert.Equal(3, options.MaxConcurrency);
        Assert.Equal(TimeSpan.FromSeconds(5), options.ShutdownGracePeriod);
        Assert.Equal(TimeSpan.FromSeconds(2), options.RetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.LeaseDuration);

        var again = Assert.Throws<CloudException>(() => builder.Services.AddQueueWorker<RecordingHandler>("orders"));
        Assert.Equal(CloudErrorCode.InvalidArgument, again.ErrorCode);
    }

    [Fact]
    public async Task Stop_LetsARunningHandlerFinishWithinTheGracePeriod_AndCompletesItsMessage()
    {
        var clock = new SignalingTimeProvider(TimeSpan.FromSeconds(10));
        var builder = NewBuilder($"mem://{_queueName}", new() { ["Polycloud:Workers:orders:ShutdownGracePeriod"] = "00:00:10" });
        var gate = new GateHandlerState();
        builder.Services.AddSingleton(gate);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddQueueWorker<GateHandler>("orders");
        using var host = builder.Build();
        await SendAsync(host, 1);
        await host.StartAsync(Ct);
        var token = await gate.Started.Task.WaitAsync(SafetyNet, Ct);

        var stopping = host.StopAsync(Ct);
        await clock.GraceTimerCreated.Task.WaitAsync(SafetyNet, Ct);
        clock.Fake.Advance(TimeSpan.FromSeconds(9));
        Assert.False(token.IsCancellationRequested);
        Assert.False(stopping.IsCompleted);

        gate.Release.SetResult();
        await stopping.WaitAsync(SafetyNet, Ct);
        Assert.False(token.IsCancellationRequested);
        Assert.Equal(1, gate.Finished);
        var queue = host.Services.GetRequiredKeyedService<MessageQueue>("orders");
        Assert.Equal(0, (await queue.GetPropertiesAsync(Ct)).ApproximateMessageCount);
    }

    [Fact]
    public async Task Stop_CancelsTheHandlerWhenTheGracePeriodEnds_AndTheMessageComesBack()
    {
        var clock = new SignalingTimeProvider(TimeSpan.FromSeconds(10));
        var builder = NewBuilder($"mem://{_queueName}", new() { ["Polycloud:Workers:orders:ShutdownGracePeriod"] = "00:00:10" });
        var gate = new GateHandlerState();
        builder.Services.AddSingleton(gate);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddQueueWorker<GateHandler>("orders");
        using var host = builder.Build();
        await SendAsync(host, 1);
        using var metrics = new WorkerMetrics();
        await host.StartAsync(Ct);
        var token = await gate.Started.Task.WaitAsync(SafetyNet, Ct);

        var stopping = host.StopAsync(Ct);
        await clock.GraceTimerCreated.Task.WaitAsync(SafetyNet, Ct);
        clock.Fake.Advance(TimeSpan.FromSeconds(10) - TimeSpan.FromTicks(1));
        Assert.False(token.IsCancellationRequested);
        Assert.False(stopping.IsCompleted);
        clock.Fake.Advance(TimeSpan.FromTicks(1));
        Assert.True(token.IsCancellationRequested);
        await stopping.WaitAsync(SafetyNet, Ct);

        Assert.Equal(0, gate.Finished);
        var queue = host.Services.GetRequiredKeyedService<MessageQueue>("orders");
        var back = Assert.Single(await queue.ReceiveAsync(10, default, Ct));
        Assert.Equal("m0", back.Body.ToString());
        Assert.Equal(2, back.DeliveryCount);
        Assert.Equal(1, metrics.Failed("Canceled"));
        Assert.Equal(0, metrics.Handled);
    }

    [Fact]
    public async Task AHandlerThatReturnsAfterTheShutdownCancelledIt_DoesNotCompleteItsMessage()
    {
        var builder = NewBuilder($"mem://{_queueName}", new() { ["Polycloud:Workers:orders:ShutdownGracePeriod"] = "00:00:00" });
        var gate = new GateHandlerState { ReturnQuietlyWhenCancelled = true };
        builder.Services.AddSingleton(gate);
        builder.Services.AddQueueWorker<GateHandler>("orders");
        using var host = builder.Build();
        await SendAsync(host, 1);
        await host.StartAsync(Ct);
        await gate.Started.Task.WaitAsync(SafetyNet, Ct);
        await host.StopAsync(Ct).WaitAsync(SafetyNet, Ct);

        var back = Assert.Single(await host.Services.GetRequiredKeyedService<MessageQueue>("orders").ReceiveAsync(10, default, Ct));
        Assert.Equal(2, back.DeliveryCount);
    }

    [Fact]
    public async Task FailingHandler_AbandonsTheMessage_AndIsCounted()
    {
        var builder = NewBuilder($"mem://{_queueName}");
        var state = new FailOnceState();
        builder.Services.AddSingleton(state);
        builder.Services.AddQueueWorker<FailOnceHandler>("orders");
        using var host = builder.Build();
        await SendAsync(host, 1);
        using var metrics = new WorkerMetrics();
        await host.StartAsync(Ct);
        await state.SecondDelivery.Task.WaitAsync(SafetyNet, Ct);
        await host.StopAsync(Ct);

        Assert.Equal(1, metrics.Failed(typeof(InvalidOperationException).FullName!));
        Assert.Equal(1, metrics.Handled);
        Assert.Equal(2, metrics.Durations);
        Assert.Equal(0, (await host.Services.GetRequiredKeyedService<MessageQueue>("orders").GetPropertiesAsync(Ct)).ApproximateMessageCount);
    }

    [Fact]
    public async Task UnconfiguredQueue_StopsTheHostWithAClearError()
    {
        var builder = NewBuilder($"mem://{_queueName}");
        builder.Services.AddSingleton(new HandledLog(1));
        builder.Services.AddQueueWorker<RecordingHandler>("invoices");
        builder.Services.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);
        using var host = builder.Build();
        await host.StartAsync(Ct);
        var worker = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().Single();
        var ex = await Assert.ThrowsAsync<CloudException>(() => worker.ExecuteTask!.WaitAsync(SafetyNet, Ct));
        Assert.Contains("no queue named 'invoices'", ex.Message, StringComparison.Ordinal);
        await host.StopAsync(Ct);
    }

    /// <summary>Scoped: one per message, disposed when the message's scope ends.</summary>
    internal sealed class ScopedProbe : IDisposable
    {
        public bool Disposed { get; private set; }

        public void Dispose() => Disposed = true;
    }

    internal sealed class HandledLog(int expected)
    {
        private int _handled;
        private int _inFlight;
        private int _maxInFlight;

        public ConcurrentDictionary<string, int> Bodies { get; } = new();

        public ConcurrentBag<ScopedProbe> Probes { get; } = [];

        public TaskCompletionSource AllHandled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int MaxInFlight => Volatile.Read(ref _maxInFlight);

        public void Enter()
        {
            int now = Interlocked.Increment(ref _inFlight);
            int seen;
            while (now > (seen = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, seen) != seen)
            {
            }
        }

        public void Exit(string body, ScopedProbe? probe)
        {
            Bodies.AddOrUpdate(body, 1, (_, n) => n + 1);
            if (probe is not null)
            {
                Probes.Add(probe);
            }

            Interlocked.Decrement(ref _inFlight);
            if (Interlocked.Increment(ref _handled) == expected)
            {
                AllHandled.TrySetResult();
            }
        }
    }

    internal sealed class RecordingHandler(HandledLog log, IServiceProvider services) : IQueueMessageHandler
    {
        public async Task HandleAsync(ReceivedMessage message, CancellationToken cancellationToken)
        {
            log.Enter();
            var probe = services.GetService<ScopedProbe>();
            Assert.False(probe?.Disposed);
            await Task.Yield();
            log.Exit(message.Body.ToString(), probe);
        }
    }

    internal sealed class GateHandlerState
    {
        private int _finished;

        public bool ReturnQuietlyWhenCancelled { get; init; }

        public TaskCompletionSource<CancellationToken> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Finished => Volatile.Read(ref _finished);

        public void Finish() => Interlocked.Increment(ref _finished);
    }

    internal sealed class GateHandler(GateHandlerState state) : IQueueMessageHandler
    {
        public async Task HandleAsync(ReceivedMessage message, CancellationToken cancellationToken)
        {
            state.Started.TrySetResult(cancellationToken);
            if (state.ReturnQuietlyWhenCancelled)
            {
                var cancelled = new TaskCompletionSource();
                using (cancellationToken.Register(() => cancelled.TrySetResult()))
                {
                    await Task.WhenAny(cancelled.Task, state.Release.Task);
                }

                return;
            }

            await state.Release.Task.WaitAsync(cancellationToken);
            state.Finish();
        }
    }

    internal sealed class FailOnceState
    {
        public TaskCompletionSource SecondDelivery { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    internal sealed class FailOnceHandler(FailOnceState state) : IQueueMessageHandler
    {
        public Task HandleAsync(ReceivedMessage message, CancellationToken cancellationToken)
        {
            if (message.DeliveryCount == 1)
            {
                throw new InvalidOperationException("first delivery fails");
            }

            state.SecondDelivery.TrySetResult();
            return Task.CompletedTask;
        }
    }

    /// <summary>A fake clock that says when the worker's grace timer (the one due after the grace period) is created.</summary>
    private sealed class SignalingTimeProvider(TimeSpan grace) : TimeProvider
    {
        public FakeTimeProvider Fake { get; } = new();

        public TaskCompletionSource GraceTimerCreated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

        public override long GetTimestamp() => Fake.GetTimestamp();

        public override long TimestampFrequency => Fake.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = Fake.CreateTimer(callback, state, dueTime, period);
            if (dueTime == grace)
            {
                GraceTimerCreated.TrySetResult();
            }

            return timer;
        }
    }

    /// <summary>Collects the worker metrics (the tests of this class run one at a time, and only they run workers).</summary>
    private sealed class WorkerMetrics : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, long> _failed = new();
        private long _handled;
        private long _durations;

        public WorkerMetrics()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == PolycloudDiagnostics.MeterName && instrument.Name.StartsWith("polycloud.worker.", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                if (!IsMine(tags))
                {
                    return;
                }

                if (instrument.Name == PolycloudDiagnostics.WorkerMessagesHandledMetric)
                {
                    Interlocked.Add(ref _handled, value);
                }
                else if (instrument.Name == PolycloudDiagnostics.WorkerMessagesFailedMetric)
                {
                    string error = "";
                    foreach (var t in tags)
                    {
                        if (t.Key == "error.type")
                        {
                            error = (string)t.Value!;
                        }
                    }

                    _failed.AddOrUpdate(error, value, (_, n) => n + value);
                }
            });
            _listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
            {
                if (instrument.Name == PolycloudDiagnostics.WorkerHandlerDurationMetric && IsMine(tags))
                {
                    Interlocked.Increment(ref _durations);
                }
            });
            _listener.Start();
        }

        public long Handled => Interlocked.Read(ref _handled);

        public long Durations => Interlocked.Read(ref _durations);

        public long Failed(string errorType) => _failed.TryGetValue(errorType, out long n) ? n : 0;

        public void Dispose() => _listener.Dispose();

        private static bool IsMine(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var t in tags)
            {
                if (t.Key == "polycloud.worker" && Equals(t.Value, "orders"))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
