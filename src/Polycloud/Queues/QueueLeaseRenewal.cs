namespace Polycloud.Queues;

/// <summary>
/// Renews a message's lease in the background while work on it goes on. Created by
/// <see cref="MessageQueue.StartLeaseRenewal"/>; dispose it (or call <see cref="StopAsync"/>) before completing or
/// abandoning the message.
/// </summary>
public sealed class QueueLeaseRenewal : IAsyncDisposable
{
    private readonly MessageQueue _queue;
    private readonly ReceivedMessage _message;
    private readonly TimeSpan _lease;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _lost = new();
    private readonly Task _loop;
    private int _stopped;

    internal QueueLeaseRenewal(MessageQueue queue, ReceivedMessage message, TimeSpan lease, TimeSpan maxTotal)
    {
        _queue = queue;
        _message = message;
        _lease = lease;
        _time = queue.Clock;
        _loop = Task.Run(() => RunAsync(maxTotal));
    }

    /// <summary>Cancelled when the lease could not be renewed (it was lost, the message was completed elsewhere, or
    /// the renewal time ran out): the message may be delivered to another receiver, so the work should stop.</summary>
    public CancellationToken LeaseLost => _lost.Token;

    /// <summary>How many renewals succeeded.</summary>
    public int RenewalCount { get; private set; }

    /// <summary>The error that ended renewal, if any.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Stops renewing and waits for a renewal in progress to end.</summary>
    /// <returns>A task.</returns>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            await _loop.ConfigureAwait(false);
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
        _lost.Dispose();
    }

    private async Task RunAsync(TimeSpan maxTotal)
    {
        var deadline = _time.GetUtcNow() + maxTotal;
        var token = _stop.Token;
        try
        {
            while (!token.IsCancellationRequested)
            {
                // Renew at half the lease, measured from when the current lease ends, so that a slow call still lands in time.
                var untilExpiry = _message.LeaseExpiresAt - _time.GetUtcNow();
                var wait = untilExpiry - (_lease / 2);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, token).ConfigureAwait(false);
                }

                if (_time.GetUtcNow() >= deadline)
                {
                    Error = new CloudException(CloudErrorCode.Timeout, $"{_queue.Provider}: the lease of message '{_message.MessageId}' in '{_queue.Name}' was renewed for the maximum time and is no longer renewed.", _queue.Provider);
                    await _lost.CancelAsync().ConfigureAwait(false);
                    return;
                }

                try
                {
                    // Not cancelled by the stop: a renewal the service applied must be recorded (Azure issues a new pop receipt).
                    await _queue.RenewLeaseAsync(_message, _lease, CancellationToken.None).ConfigureAwait(false);
                    RenewalCount++;
                }
                catch (CloudException ex) when (ex.IsTransient && _message.LeaseExpiresAt > _time.GetUtcNow())
                {
                    Error = ex;
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(50, _lease.TotalMilliseconds / 10)), _time, token).ConfigureAwait(false);
                }
                catch (CloudException ex)
                {
                    Error = ex;
                    await _lost.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Stopped.
        }
    }
}
