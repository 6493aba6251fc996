using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polycloud.Diagnostics;

namespace Polycloud.Queues;

/// <summary>Runs <see cref="MessageQueue.ProcessAsync"/> for one configured queue as a hosted service, resolving
/// <typeparamref name="THandler"/> from a new scope per message (registered by <c>AddQueueWorker</c>).</summary>
/// <typeparam name="THandler">The handler.</typeparam>
internal sealed partial class QueueWorker<THandler> : BackgroundService
    where THandler : class, IQueueMessageHandler
{
    private readonly string _queueName;
    private readonly IMessageQueueFactory _queues;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeSpan _shutdownGracePeriod;
    private readonly QueueProcessOptions _processOptions;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _handlersStopping = new();
    private readonly object _gate = new();
    private ITimer? _graceTimer;
    private bool _stopping;
    private bool _disposed;
    private string _provider = "unknown";

    public QueueWorker(string queueName, IMessageQueueFactory queues, IServiceScopeFactory scopes, IOptionsMonitor<QueueWorkerOptions> options, TimeProvider? time = null, ILoggerFactory? loggerFactory = null)
    {
        _queueName = queueName;
        _queues = queues;
        _scopes = scopes;
        // A snapshot: the bound options object is shared and settable, and a later change must not reach a running worker.
        var configured = options.Get(queueName);
        _shutdownGracePeriod = configured.ShutdownGracePeriod;
        _processOptions = configured.ToProcessOptions(time ?? TimeProvider.System, ReportAsync);
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)loggerFactory?.CreateLogger("Polycloud.Queues.Worker") ?? NullLogger.Instance;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // The host's own shutdown timeout ends the grace period early.
        using var registration = cancellationToken.Register(static s => ((QueueWorker<THandler>)s!).CancelHandlers(), this);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _graceTimer?.Dispose();
            _handlersStopping.Dispose();
        }

        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogFailed(_logger, ex, _queueName);
            throw;
        }

        LogStopped(_logger, _queueName);
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var grace = _shutdownGracePeriod;
        if (grace < TimeSpan.Zero && grace != Timeout.InfiniteTimeSpan)
        {
            throw CloudException.InvalidArgument($"Polycloud:Workers:{_queueName}:ShutdownGracePeriod", $"the grace period must be zero or more (or infinite), not {grace}.");
        }

        var queue = _queues.GetQueue(_queueName);
        _provider = queue.Provider;

        using var registration = stoppingToken.Register(static s => ((QueueWorker<THandler>)s!).StartGracePeriod(), this);
        LogStarted(_logger, _queueName, queue.Provider, queue.Name, _processOptions.MaxConcurrency);
        await queue.ProcessAsync((message, leaseLost) => HandleAsync(message, leaseLost), _processOptions, stoppingToken).ConfigureAwait(false);
    }

    private async Task HandleAsync(ReceivedMessage message, CancellationToken leaseLost)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(leaseLost, _handlersStopping.Token);
        using var activity = PolycloudDiagnostics.TracingActive
            ? PolycloudDiagnostics.Source.StartActivity("process " + _queueName, ActivityKind.Consumer)
            : null;
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("polycloud.operation", "queue.process");
            activity.SetTag("polycloud.provider", _provider);
            activity.SetTag("polycloud.resource", _queueName);
            activity.SetTag("polycloud.item", message.MessageId);
        }

        long start = Stopwatch.GetTimestamp();
        try
        {
            var scope = _scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var handler = scope.ServiceProvider.GetRequiredService<THandler>();
                await handler.HandleAsync(message, linked.Token).ConfigureAwait(false);
            }

            // A handler that was cancelled by the shutdown may have returned early without doing its work: its
            // message is not completed but comes back (delivery is at-least-once, so this is always safe).
            if (_handlersStopping.IsCancellationRequested && !message.IsSettled)
            {
                throw new OperationCanceledException($"The handler of message '{message.MessageId}' was cancelled by the shutdown of the worker for '{_queueName}'; the message comes back.", _handlersStopping.Token);
            }
        }
        catch (Exception ex)
        {
            string errorType = ex switch
            {
                OperationCanceledException => "Canceled",
                CloudException ce => ce.ErrorCode.ToString(),
                _ => ex.GetType().FullName ?? "Exception",
            };
            var worker = new KeyValuePair<string, object?>("polycloud.worker", _queueName);
            var provider = new KeyValuePair<string, object?>("polycloud.provider", _provider);
            var error = new KeyValuePair<string, object?>("error.type", errorType);
            PolycloudDiagnostics.WorkerFailed.Add(1, worker, provider, error);
            PolycloudDiagnostics.WorkerDuration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, worker, provider, error);
            activity?.SetTag("error.type", errorType);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            if (ex is OperationCanceledException)
            {
                LogCancelled(_logger, _queueName, message.MessageId);
            }
            else
            {
                LogHandlerFailed(_logger, ex, _queueName, message.MessageId, message.DeliveryCount);
            }

            throw;
        }

        PolycloudDiagnostics.WorkerHandled.Add(1, new("polycloud.worker", _queueName), new("polycloud.provider", _provider));
        PolycloudDiagnostics.WorkerDuration.Record(Stopwatch.GetElapsedTime(start).TotalSeconds, new("polycloud.worker", _queueName), new("polycloud.provider", _provider));
        activity?.SetStatus(ActivityStatusCode.Ok);
    }

    private ValueTask ReportAsync(QueueProcessError error)
    {
        // Handler failures are logged where they happen, with the message; the rest (receive, complete, abandon,
        // renew) is logged here.
        if (error.Stage != "handler")
        {
            LogLoopError(_logger, error.Exception, _queueName, error.Stage, error.Message?.MessageId);
        }

        return ValueTask.CompletedTask;
    }

    private void StartGracePeriod()
    {
        var grace = _shutdownGracePeriod;
        lock (_gate)
        {
            if (_stopping || _disposed)
            {
                return;
            }

            _stopping = true;
            LogStopping(_logger, _queueName, grace);
            if (grace == Timeout.InfiniteTimeSpan)
            {
                return;
            }

            if (grace > TimeSpan.Zero)
            {
                _graceTimer = _time.CreateTimer(static s => ((QueueWorker<THandler>)s!).CancelHandlers(), this, grace, Timeout.InfiniteTimeSpan);
                return;
            }
        }

        CancelHandlers();
    }

    private void CancelHandlers()
    {
        lock (_gate)
        {
            if (_disposed || _handlersStopping.IsCancellationRequested)
            {
                return;
            }
        }

        try
        {
            _handlersStopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The worker was disposed meanwhile: nothing is running any more.
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Queue worker '{Worker}' started: provider {Provider}, queue {Queue}, concurrency {Concurrency}")]
    private static partial void LogStarted(ILogger logger, string worker, string provider, string queue, int concurrency);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Queue worker '{Worker}' is stopping: no more receives; running handlers have {GracePeriod} to finish")]
    private static partial void LogStopping(ILogger logger, string worker, TimeSpan gracePeriod);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Queue worker '{Worker}' stopped")]
    private static partial void LogStopped(ILogger logger, string worker);

    [LoggerMessage(EventId = 13, Level = LogLevel.Critical, Message = "Queue worker '{Worker}' stopped on an error that retrying cannot fix (or a configuration error)")]
    private static partial void LogFailed(ILogger logger, Exception exception, string worker);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "Queue worker '{Worker}': the handler of message {MessageId} (delivery {DeliveryCount}) failed; the message comes back")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string worker, string messageId, int deliveryCount);

    [LoggerMessage(EventId = 15, Level = LogLevel.Information, Message = "Queue worker '{Worker}': the handler of message {MessageId} was cancelled; the message comes back")]
    private static partial void LogCancelled(ILogger logger, string worker, string messageId);

    [LoggerMessage(EventId = 16, Level = LogLevel.Warning, Message = "Queue worker '{Worker}': {Stage} failed (message {MessageId})")]
    private static partial void LogLoopError(ILogger logger, Exception exception, string worker, string stage, string? messageId);
}
