using Microsoft.Extensions.Time.Testing;
using SotopiaPi.Sotopia.Campaigns;

namespace SotopiaPi.Grains.Tests;

/// <summary>The campaign pump's wake-up: a set ends the wait at once (also one made before the wait), otherwise the
/// wait ends when the fake clock passes its timeout.</summary>
public sealed class AsyncSignalTests
{
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ASetBeforeTheWaitEndsItAtOnceAndCountsOnce()
    {
        var time = new FakeTimeProvider();
        var signal = new AsyncSignal();
        signal.Set();
        signal.Set();

        Assert.True(await signal.WaitAsync(TimeSpan.FromMinutes(1), time, CancellationToken.None).WaitAsync(Bounded));

        var second = signal.WaitAsync(TimeSpan.FromMinutes(1), time, CancellationToken.None);
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(await second.WaitAsync(Bounded));
    }

    [Fact]
    public async Task ASetDuringTheWaitEndsIt()
    {
        var time = new FakeTimeProvider();
        var signal = new AsyncSignal();

        var wait = signal.WaitAsync(TimeSpan.FromMinutes(1), time, CancellationToken.None);
        Assert.False(wait.IsCompleted);
        signal.Set();

        Assert.True(await wait.WaitAsync(Bounded));
    }

    [Fact]
    public async Task CancellationEndsTheWait()
    {
        var time = new FakeTimeProvider();
        var signal = new AsyncSignal();
        using var cts = new CancellationTokenSource();

        var wait = signal.WaitAsync(TimeSpan.FromMinutes(1), time, cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait.WaitAsync(Bounded));
    }
}
