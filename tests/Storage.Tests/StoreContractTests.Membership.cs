using SotopiaPi.Grains.Interfaces;
using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

public abstract partial class StoreContractTests
{
    private static readonly TimeSpan DeadAfter = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SilosAreListedWithHeartbeatsStatsAndStatus()
    {
        var store = await NewStoreAsync();
        Assert.Empty(await store.ListSilosAsync(DeadAfter));
        await store.RegisterSiloAsync(new SiloInfo("silo-b", "http://10.0.0.2:8080", Start.AddSeconds(-5)));
        await store.RegisterSiloAsync(new SiloInfo("silo-a", "http://10.0.0.1:8080", Start.AddSeconds(-5)));
        await store.RegisterSiloAsync(new SiloInfo("silo-c", "http://10.0.0.3:8080", Start.AddSeconds(-1)));
        Time.Advance(TimeSpan.FromSeconds(20));
        var stats = new SiloStats { RunningEpisodes = 12, CompletedEpisodes = 340, FailedEpisodes = 2, StaleWritesRefused = 1 };

        Assert.True(await store.HeartbeatAsync("silo-a", stats));
        Assert.True(await store.HeartbeatAsync("silo-c"));
        Time.Advance(TimeSpan.FromSeconds(10));
        var silos = await store.ListSilosAsync(DeadAfter);

        // Oldest start first (ties by id); b's last heartbeat is its registration, 30 s ago: dead.
        Assert.Equal(
        [
            new SiloRecord("silo-a", "http://10.0.0.1:8080", Start.AddSeconds(-5), Start.AddSeconds(20), SiloStatus.Active, stats),
            new SiloRecord("silo-b", "http://10.0.0.2:8080", Start.AddSeconds(-5), Start, SiloStatus.Dead, null),
            new SiloRecord("silo-c", "http://10.0.0.3:8080", Start.AddSeconds(-1), Start.AddSeconds(20), SiloStatus.Active, null),
        ], silos);
        Assert.Equal(SiloStatus.Active, (await store.ListSilosAsync(TimeSpan.FromSeconds(31))).Single(s => s.Id == "silo-b").Status);
    }

    [Fact]
    public async Task HeartbeatKeepsStatsUntilNewOnesAndRevivesADeadSilo()
    {
        var store = await NewStoreAsync();
        await store.RegisterSiloAsync(new SiloInfo("silo-a", "http://a", Start));
        var first = new SiloStats { CompletedEpisodes = 1 };
        await store.HeartbeatAsync("silo-a", first);
        Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(SiloStatus.Dead, Assert.Single(await store.ListSilosAsync(DeadAfter)).Status);

        Assert.True(await store.HeartbeatAsync("silo-a"));

        var silo = Assert.Single(await store.ListSilosAsync(DeadAfter));
        Assert.Equal((SiloStatus.Active, Time.GetUtcNow(), first), (silo.Status, silo.LastHeartbeat, silo.Stats));
        await store.HeartbeatAsync("silo-a", new SiloStats { CompletedEpisodes = 9 });
        Assert.Equal(9, Assert.Single(await store.ListSilosAsync(DeadAfter)).Stats?.CompletedEpisodes);
    }

    [Fact]
    public async Task StoppedSiloStaysStoppedUntilItRegistersAgain()
    {
        var store = await NewStoreAsync();
        await store.RegisterSiloAsync(new SiloInfo("silo-a", "http://a:1", Start));
        await store.HeartbeatAsync("silo-a", new SiloStats { RunningEpisodes = 3 });
        Time.Advance(TimeSpan.FromSeconds(2));

        await store.MarkStoppedAsync("silo-a");
        await store.MarkStoppedAsync("never-registered");

        Assert.False(await store.HeartbeatAsync("silo-a"));
        Assert.False(await store.HeartbeatAsync("never-registered"));
        Time.Advance(TimeSpan.FromHours(1));
        var stopped = Assert.Single(await store.ListSilosAsync(DeadAfter));
        Assert.Equal((SiloStatus.Stopped, Start.AddSeconds(2)), (stopped.Status, stopped.LastHeartbeat));

        var restart = Time.GetUtcNow();
        await store.RegisterSiloAsync(new SiloInfo("silo-a", "http://a:2", restart));

        Assert.Equal(new SiloRecord("silo-a", "http://a:2", restart, restart, SiloStatus.Active, null),
            Assert.Single(await store.ListSilosAsync(DeadAfter)));
        Assert.True(await store.HeartbeatAsync("silo-a"));
    }
}
