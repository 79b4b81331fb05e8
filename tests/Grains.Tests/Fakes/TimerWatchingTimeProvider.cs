using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace SotopiaPi.Grains.Tests.Fakes;

/// <summary>A <see cref="FakeTimeProvider"/> that reports every timer created on it (a <c>Task.Delay</c> on it is
/// one) with its due time, so a test advances the clock only once the code under test waits on it.</summary>
internal sealed class TimerWatchingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    /// <summary>The due times of the timers created, in order.</summary>
    public ChannelReader<TimeSpan> Timers => _timers.Reader;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }
}
