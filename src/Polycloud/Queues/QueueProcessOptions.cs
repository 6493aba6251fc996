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

    /// <summary>How long a failed message stays invisible before it is delivered again (default zero: at once).</summary>
    public TimeSpan RetryDelay { get; init; }

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
