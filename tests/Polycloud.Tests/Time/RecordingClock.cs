using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Polycloud.Tests.Time;

/// <summary>A fake clock that reports each timer as it is created, so that a test advances time only once the code
/// under test is waiting on it (no race between the test and a background loop).</summary>
internal sealed class RecordingClock : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public RecordingClock()
        : base(new DateTimeOffset(2040, 2, 29, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    // The limit only turns a missing timer into a failure instead of a hang; a passing test never comes near it.
    public Task<TimeSpan> NextTimerAsync(CancellationToken cancellationToken)
        => _timers.Reader.ReadAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromMinutes(1), cancellationToken);
}
