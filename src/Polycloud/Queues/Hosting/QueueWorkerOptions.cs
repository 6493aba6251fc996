namespace Polycloud.Queues;

/// <summary>
/// Options of a hosted queue worker, by queue name: read from <c>Polycloud:Workers:{queue}</c> (for example
/// <c>"Polycloud:Workers:orders:MaxConcurrency": 8</c>), then changed by the callback given to
/// <c>AddQueueWorker</c>. The processing options have the meaning and defaults of <see cref="QueueProcessOptions"/>.
/// </summary>
public sealed class QueueWorkerOptions
{
    /// <summary>How many messages are handled at the same time (default 1, at most 1000).</summary>
    public int MaxConcurrency { get; set; } = 1;

    /// <summary>The lease each received message gets (default 30 s); renewed while its handler runs when
    /// <see cref="AutoRenewLease"/> is on.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Renew the lease of a message while its handler runs (default <see langword="true"/>).</summary>
    public bool AutoRenewLease { get; set; } = true;

    /// <summary>The longest total time a lease is renewed for one message (default 1 hour).</summary>
    public TimeSpan MaxLeaseRenewal { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long one receive waits for messages (default 20 s; receiving stops at once when the host stops).</summary>
    public TimeSpan WaitTime { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long a failed message stays invisible before its first redelivery (default 1 s), doubling with each
    /// further failure up to <see cref="MaxRetryDelay"/>, with jitter; zero redelivers at once.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest retry delay (default 5 minutes).</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Spread retries randomly (default <see langword="true"/>): each retry delay is drawn between half the
    /// computed delay and the full delay.</summary>
    public bool RetryJitter { get; set; } = true;

    /// <summary>
    /// When the host stops, the worker stops receiving at once and lets running handlers finish for this long
    /// (default 20 s); then it cancels their tokens, and their messages come back. Keep it below the host's
    /// <c>HostOptions.ShutdownTimeout</c> (default 30 s): when that ends first, handlers are cancelled then.
    /// <see cref="Timeout.InfiniteTimeSpan"/> waits for handlers as long as the host does.
    /// </summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The processing options of these settings (every one but <see cref="ShutdownGracePeriod"/>, which the worker
    /// keeps), with the worker's clock and error callback: a snapshot, so a later change to this bound, settable object
    /// does not reach a running worker. A test maps every property, so one added here and not there fails it.
    /// </summary>
    internal QueueProcessOptions ToProcessOptions(TimeProvider timeProvider, Func<QueueProcessError, ValueTask>? onError) => new()
    {
        MaxConcurrency = MaxConcurrency,
        LeaseDuration = LeaseDuration,
        AutoRenewLease = AutoRenewLease,
        MaxLeaseRenewal = MaxLeaseRenewal,
        WaitTime = WaitTime,
        RetryDelay = RetryDelay,
        MaxRetryDelay = MaxRetryDelay,
        RetryJitter = RetryJitter,
        TimeProvider = timeProvider,
        OnError = onError,
    };
}
