namespace Polycloud.Queues;

/// <summary>The processing loop behind <see cref="MessageQueue.ProcessAsync"/>.</summary>
internal sealed class QueueProcessor
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly MessageQueue _queue;
    private readonly Func<ReceivedMessage, CancellationToken, Task> _handler;
    private readonly QueueProcessOptions _options;

    public QueueProcessor(MessageQueue queue, Func<ReceivedMessage, CancellationToken, Task> handler, QueueProcessOptions options)
    {
        _queue = queue;
        _handler = handler;
        _options = options;
    }

    private CancellationToken _stopping;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _stopping = cancellationToken;
        using var slots = new SemaphoreSlim(_options.MaxConcurrency, _options.MaxConcurrency);
        Exception? fatal = null;
        var backoff = TimeSpan.FromMilliseconds(100);
        int maxBatch = Math.Min(_options.MaxConcurrency, Math.Max(1, _queue.Capabilities.MaxReceiveBatch));
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                int taken = 1;
                while (taken < maxBatch && slots.Wait(0, CancellationToken.None))
                {
                    taken++;
                }

                IReadOnlyList<ReceivedMessage> messages;
                try
                {
                    messages = await _queue.ReceiveAsync(
                        new QueueReceiveOptions { MaxMessages = taken, LeaseDuration = _options.LeaseDuration, WaitTime = _options.WaitTime },
                        cancellationToken).ConfigureAwait(false);
                    backoff = TimeSpan.FromMilliseconds(100);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    slots.Release(taken);
                    break;
                }
                catch (CloudException ex) when (ex.IsTransient)
                {
                    slots.Release(taken);
                    await ReportAsync(null, ex, "receive").ConfigureAwait(false);
                    try
                    {
                        await Task.Delay(backoff, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                    {
                        break;
                    }

                    backoff = backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;
                    continue;
                }
                catch (Exception ex)
                {
                    slots.Release(taken);
                    await ReportAsync(null, ex, "receive").ConfigureAwait(false);
                    fatal = ex;
                    break;
                }

                if (messages.Count < taken)
                {
                    slots.Release(taken - messages.Count);
                }

                foreach (var message in messages)
                {
                    _ = Task.Run(() => HandleAsync(message, slots), CancellationToken.None);
                }
            }
        }
        finally
        {
            // Graceful stop: wait until every running handler has finished and settled its message.
            for (int i = 0; i < _options.MaxConcurrency; i++)
            {
                await slots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        if (fatal is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(fatal).Throw();
        }
    }

    private async Task HandleAsync(ReceivedMessage message, SemaphoreSlim slots)
    {
        try
        {
            QueueLeaseRenewal? renewal = _options.AutoRenewLease
                ? _queue.StartLeaseRenewal(message, _options.LeaseDuration, _options.MaxLeaseRenewal)
                : null;
            Exception? failure = null;
            try
            {
                await _handler(message, renewal?.LeaseLost ?? CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failure = ex;
            }
            finally
            {
                if (renewal is not null)
                {
                    await renewal.DisposeAsync().ConfigureAwait(false);
                }
            }

            if (failure is null)
            {
                if (!message.IsSettled)
                {
                    try
                    {
                        await _queue.CompleteAsync(message, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (CloudException ex)
                    {
                        await ReportAsync(message, ex, "complete").ConfigureAwait(false);
                    }
                }

                return;
            }

            await ReportAsync(message, failure, "handler").ConfigureAwait(false);
            if (!message.IsSettled)
            {
                try
                {
                    await _queue.AbandonAsync(message, _stopping.IsCancellationRequested ? TimeSpan.Zero : RetryDelayFor(message), CancellationToken.None).ConfigureAwait(false);
                }
                catch (CloudException ex)
                {
                    await ReportAsync(message, ex, "abandon").ConfigureAwait(false);
                }
            }
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>The back-off before the next delivery (none when the loop is stopping: the handler failed because it was
    /// stopped, and the message should go to another consumer at once) of a message whose handler threw: <c>RetryDelay * 2^(n-1)</c> for
    /// the n-th delivery, at most <c>MaxRetryDelay</c> and the provider's longest lease, with jitter between half and
    /// all of it.</summary>
    internal TimeSpan RetryDelayFor(ReceivedMessage message)
    {
        var first = _options.RetryDelay;
        if (first <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var max = _options.MaxRetryDelay < _queue.Capabilities.MaxLease ? _options.MaxRetryDelay : _queue.Capabilities.MaxLease;
        int exponent = Math.Clamp(message.DeliveryCount - 1, 0, 30);
        double ticks = Math.Min(first.Ticks * Math.Pow(2, exponent), max.Ticks);
        if (_options.RetryJitter)
        {
            ticks *= 0.5 + (Random.Shared.NextDouble() * 0.5);
        }

        return TimeSpan.FromTicks(Math.Max((long)ticks, first.Ticks / 2));
    }

    private async Task ReportAsync(ReceivedMessage? message, Exception exception, string stage)
    {
        if (_options.OnError is not { } onError)
        {
            return;
        }

        try
        {
            await onError(new QueueProcessError(message, exception, stage)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The error callback must not stop the loop.
        }
    }
}
