namespace Polycloud.Queues;

/// <summary>Options for <see cref="MessageQueue.ProcessAsync"/>. All are optional.</summary>
public sealed class QueueProcessOptions
{
    internal static readonly QueueProcessOptions Default = new();

    /// <summary>How many messages are handled at the same time (default 1, at most 1000).</summary>
    public int MaxConcurrency { get; init; } = 1;

    /// <summary>The lease each received message gets (default 30 s). While a handler runs, the lease is renewed
    /// before it ends (when <see cref="AutoRenewLease"/> is on).</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Renew the lease of a message while its handler runs (default <see langword="true"/>).</summary>
    public bool AutoRenewLease { get; init; } = true;

    /// <summary>The longest total time a lease is renewed for one message (default 1 hour); after that the message
    /// becomes visible again and the handler's token is cancelled.</summary>
    public TimeSpan MaxLeaseRenewal { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How long one receive waits for messages (default 20 s; the loop stops receiving at once when cancelled).</summary>
    public TimeSpan WaitTime { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a message whose handler threw stays invisible before its first redelivery (default 1 s). Each
    /// further failure doubles it, up to <see cref="MaxRetryDelay"/> (exponential back-off), so a message that always
    /// fails cannot keep a core busy. Zero redelivers at once, every time.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest retry delay (default 5 minutes; never more than the provider's
    /// <see cref="QueueCapabilities.MaxLease"/>, for example 600 s on Pub/Sub).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Spread retries randomly (default <see langword="true"/>): each retry delay is drawn uniformly between half
    /// the computed delay and the full delay, so messages that failed together do not come back together.</summary>
    public bool RetryJitter { get; init; } = true;

    /// <summary>The clock the loop waits on between receive attempts after transient failures (default
    /// <see cref="TimeProvider.System"/>; tests pass a fake one). Retry delays of failed messages are kept by the queue
    /// itself (the provider's visibility timeout), on the queue's clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Called when a handler throws, or when settling a message or receiving fails (the loop goes on
    /// after transient receive failures, backing off). The message is <see langword="null"/> for receive failures.
    /// Exceptions thrown by this callback are ignored.</summary>
    public Func<QueueProcessError, ValueTask>? OnError { get; init; }
}

/// <summary>A failure reported by the processing loop.</summary>
/// <param name="Message">The message being handled or settled, or <see langword="null"/> for a receive failure.</param>
/// <param name="Exception">The exception.</param>
/// <param name="Stage">Where it happened: <c>handler</c>, <c>complete</c>, <c>abandon</c>, <c>renew</c> or <c>receive</c>.</param>
public sealed record QueueProcessError(ReceivedMessage? Message, Exception Exception, string Stage);
