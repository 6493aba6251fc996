using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Polycloud.Queues;
using Polycloud.Queues.Drivers;
using Polycloud.Queues.Memory;
using Polycloud.Queues.Sqlite;
using Xunit;

namespace Polycloud.Tests.Time;

/// <summary>Leases, delays and lease renewal of the local queues, on a fake clock: time passes only when the test says so.</summary>
public sealed class QueueClockTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "polycloud-clock-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Drivers => ["memory", "sqlite"];

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Drivers))]
    public async Task A_lease_expires_exactly_when_the_clock_passes_it(string kind)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2040, 2, 29, 12, 0, 0, TimeSpan.Zero));
        await using var queue = new MessageQueue(CreateDriver(kind, clock), new MessageQueueOptions { TimeProvider = clock });
        await queue.SendAsync("job", Ct);
        var first = Assert.Single(await queue.ReceiveAsync(new QueueReceiveOptions { LeaseDuration = TimeSpan.FromSeconds(30) }, Ct));
        Assert.Equal(clock.GetUtcNow().AddSeconds(30), first.LeaseExpiresAt);

        clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(await queue.ReceiveAsync(cancellationToken: Ct));

        clock.Advance(TimeSpan.FromSeconds(1));
        var again = Assert.Single(await queue.ReceiveAsync(cancellationToken: Ct));
        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal(2, again.DeliveryCount);
        Assert.Equal(CloudErrorCode.PreconditionFailed, (await Assert.ThrowsAsync<CloudException>(() => queue.CompleteAsync(first, Ct))).ErrorCode);
        await queue.CompleteAsync(again, Ct);
    }

    [Theory]
    [MemberData(nameof(Drivers))]
    public async Task A_delayed_message_appears_when_its_delay_has_passed(string kind)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2040, 2, 29, 12, 0, 0, TimeSpan.Zero));
        await using var queue = new MessageQueue(CreateDriver(kind, clock), new MessageQueueOptions { TimeProvider = clock });
        await queue.SendAsync(new QueueMessage("later") { Delay = TimeSpan.FromMinutes(10) }, Ct);
        clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));
        Assert.Empty(await queue.ReceiveAsync(cancellationToken: Ct));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("later", Assert.Single(await queue.ReceiveAsync(cancellationToken: Ct)).Body.ToString());
    }

    [Theory]
    [MemberData(nameof(Drivers))]
    public async Task Abandon_with_a_retry_delay_hides_the_message_for_that_delay(string kind)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2040, 2, 29, 12, 0, 0, TimeSpan.Zero));
        await using var queue = new MessageQueue(CreateDriver(kind, clock), new MessageQueueOptions { TimeProvider = clock });
        await queue.SendAsync("retry me", Ct);
        var m = Assert.Single(await queue.ReceiveAsync(cancellationToken: Ct));
        await queue.AbandonAsync(m, TimeSpan.FromSeconds(45), Ct);
        Assert.Equal(clock.GetUtcNow().AddSeconds(45), m.LeaseExpiresAt);
        clock.Advance(TimeSpan.FromSeconds(44));
        Assert.Empty(await queue.ReceiveAsync(cancellationToken: Ct));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Single(await queue.ReceiveAsync(cancellationToken: Ct));
    }

    [Theory]
    [MemberData(nameof(Drivers))]
    public async Task A_receive_wait_ends_on_the_clock(string kind)
    {
        var clock = new RecordingClock();
        await using var queue = new MessageQueue(CreateDriver(kind, clock), new MessageQueueOptions { TimeProvider = clock });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var receive = queue.ReceiveAsync(new QueueReceiveOptions { WaitTime = TimeSpan.FromSeconds(20) }, Ct);

        // Each poll waits on the clock; stepping through the waits ends the receive after exactly 20 s of clock time.
        var total = TimeSpan.Zero;
        while (true)
        {
            var next = clock.NextTimerAsync(stop.Token);
            if (await Task.WhenAny(receive, next) == receive)
            {
                break;
            }

            var due = await next;
            total += due;
            clock.Advance(due);
        }

        await stop.CancelAsync();
        Assert.Empty(await receive);
        Assert.Equal(TimeSpan.FromSeconds(20), total);
    }

    [Theory]
    [MemberData(nameof(Drivers))]
    public async Task Lease_renewal_renews_at_half_the_lease_on_the_clock(string kind)
    {
        var clock = new RecordingClock();
        var lease = TimeSpan.FromSeconds(10);
        await using var queue = new MessageQueue(CreateDriver(kind, clock), new MessageQueueOptions { TimeProvider = clock });
        await queue.SendAsync("long job", Ct);
        var m = Assert.Single(await queue.ReceiveAsync(new QueueReceiveOptions { LeaseDuration = lease }, Ct));
        var renewal = queue.StartLeaseRenewal(m, lease, maxTotal: TimeSpan.FromSeconds(12));
        await using (renewal)
        {
            Assert.Equal(lease / 2, await clock.NextTimerAsync(Ct)); // the first renewal is due at half the lease
            clock.Advance(lease / 2);
            Assert.Equal(lease / 2, await clock.NextTimerAsync(Ct)); // renewed, and the next renewal scheduled
            Assert.Equal(1, renewal.RenewalCount);
            Assert.Equal(clock.GetUtcNow() + lease, m.LeaseExpiresAt);
            clock.Advance(lease / 2);
            Assert.Equal(lease / 2, await clock.NextTimerAsync(Ct));
            Assert.Equal(2, renewal.RenewalCount);

            // The original 10 s lease is over, yet the message is still leased.
            Assert.Empty(await queue.ReceiveAsync(cancellationToken: Ct));

            // The renewal time (12 s) has run out when the next renewal is due: the lease is given up and the work told so.
            clock.Advance(lease / 2);
            await WaitAsync(renewal.LeaseLost);
            Assert.Equal(CloudErrorCode.Timeout, Assert.IsType<CloudException>(renewal.Error).ErrorCode);
        }

        Assert.Equal(2, renewal.RenewalCount);
    }

    private static Task WaitAsync(CancellationToken token)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => done.TrySetResult());
        return done.Task.WaitAsync(TimeSpan.FromMinutes(1), Ct);
    }

    [Fact]
    public async Task Queues_opened_by_url_use_the_registered_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2040, 2, 29, 12, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection().AddSingleton<TimeProvider>(clock).BuildServiceProvider();
        var opener = new PolycloudOpener(services);
        string name = "clock-" + Guid.NewGuid().ToString("N")[..8];
        await using var queue = opener.OpenQueue("mem://" + name);
        await queue.SendAsync("x", Ct);
        var m = Assert.Single(await queue.ReceiveAsync(new QueueReceiveOptions { LeaseDuration = TimeSpan.FromMinutes(1) }, Ct));
        Assert.Equal(clock.GetUtcNow().AddMinutes(1), m.LeaseExpiresAt);
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Single(await queue.ReceiveAsync(cancellationToken: Ct));
        MemoryQueueDriver.DeleteShared(name);
    }

    private IQueueDriver CreateDriver(string kind, TimeProvider clock) => kind switch
    {
        "memory" => new MemoryQueueDriver("clock", clock),
        _ => new SqliteQueueDriver(Path.Combine(_dir, "q.db"), "clock", create: true, clock),
    };
}
