using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Runtime;
using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Cluster.Tests.InProcess;

/// <summary>Three silos in one process (Orleans TestingHost): a campaign spreads over them and completes; a silo
/// stopped or killed mid-round loses nothing and counts nothing twice; a published version reaches every silo's
/// policy cache.</summary>
public sealed class ThreeSiloTests
{
    private static readonly TimeSpan CampaignTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan Bounded = TimeSpan.FromSeconds(30);

    /// <summary>BC then one SR round on 4 fresh scenarios × 5 pairs, evaluation with 2 pairs per hard scenario.</summary>
    private static CampaignSpec Spec(string name) => new()
    {
        Name = name,
        Mode = CampaignMode.BcSr,
        SrRounds = 1,
        ScenariosPerRound = 4,
        PairsPerScenario = 5,
        EvaluationPairsPerScenario = 2,
        Trainer = new TrainerSettings { Epochs = 3 },
    };

    [Fact]
    public async Task ACampaignSpreadsOverThreeSilosAndCompletes()
    {
        await using var cluster = await InProcessCluster.StartAsync(silos: 3, capacityPerSilo: 8);

        await cluster.CreateAsync(Spec("three"), "c-three");
        var done = await cluster.Store.WaitForEndAsync("c-three", CampaignTimeout);

        Assert.Equal(CampaignStatus.Completed, done.Status);
        var episodes = await cluster.Store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-three" });
        Assert.All(episodes, e => Assert.Equal(EpisodeStatus.Completed, e.Status));
        Assert.Equal(episodes.Count, cluster.Store.CompletedEpisodes);
        var played = cluster.Cluster.GetActiveSilos().Select(s => cluster.SiloService<EpisodeSlots>(s).Completed).ToList();
        Assert.True(played.All(n => n > 0), $"every silo should have played episodes; per silo: {string.Join(", ", played)}");
        Assert.Equal(episodes.Count, played.Sum());
        // The base version, the BC version, the SR version and the expert.
        Assert.Equal(4, done.Evaluations.Length);
    }

    [Fact]
    public async Task ASiloStoppedMidRoundLosesNothingAndCountsNothingTwice()
    {
        var gate = new PolicyGate(openTurns: 2);
        await using var cluster = await InProcessCluster.StartAsync(silos: 3, capacityPerSilo: 4, gate);
        await cluster.CreateAsync(Spec("stopped"), "c-stopped");

        var victim = await MidRoundVictimAsync(cluster, gate);
        await cluster.Cluster.StopSiloAsync(victim);
        gate.Open();
        var done = await cluster.Store.WaitForEndAsync("c-stopped", CampaignTimeout);

        await AssertEveryEpisodeCompletedOnceAsync(cluster, done);
    }

    [Fact]
    public async Task ASiloKilledMidRoundLosesNothingAndCountsNothingTwice()
    {
        var gate = new PolicyGate(openTurns: 2);
        await using var cluster = await InProcessCluster.StartAsync(silos: 3, capacityPerSilo: 4, gate);
        await cluster.CreateAsync(Spec("killed"), "c-killed");

        var victim = await MidRoundVictimAsync(cluster, gate);
        await cluster.Cluster.KillSiloAsync(victim);
        gate.Open();
        var done = await cluster.Store.WaitForEndAsync("c-killed", CampaignTimeout);

        await AssertEveryEpisodeCompletedOnceAsync(cluster, done);
    }

    [Fact]
    public async Task APublishedVersionReachesEverySilosPolicyCache()
    {
        await using var cluster = await InProcessCluster.StartAsync(silos: 3, capacityPerSilo: 4);
        var registry = cluster.Grains.GetGrain<IPolicyRegistryGrain>("pushed");
        await registry.EnsureBaseAsync("sim-policy@v0");
        var heard = new List<Task<PolicyVersion>>();
        foreach (var silo in cluster.Cluster.GetActiveSilos())
        {
            var cache = cluster.SiloService<PolicyCache>(silo);
            Assert.Equal(0, (await cache.GetActiveAsync("pushed")).Version);
            var changed = new TaskCompletionSource<PolicyVersion>(TaskCreationOptions.RunContinuationsAsynchronously);
            cache.ActiveVersionChanged += v => changed.TrySetResult(v);
            heard.Add(changed.Task);
        }

        await registry.PublishAsync(new PolicyVersion { PolicyName = "pushed", Version = 0, Kind = "bc", Model = "sim-policy@r1", ParentVersion = 0, TrainingRequestId = "r1" });

        var versions = await Task.WhenAll(heard).WaitAsync(Bounded);
        Assert.All(versions, v => Assert.Equal((1, "sim-policy@r1"), (v.Version, v.Model)));
        foreach (var silo in cluster.Cluster.GetActiveSilos())
        {
            Assert.Equal(1, (await cluster.SiloService<PolicyCache>(silo).GetActiveAsync("pushed")).Version);
        }
    }

    /// <summary>Waits until 8 agents are held at the gate (the BC round is mid-way: episodes in flight on the
    /// silos), then picks the secondary silo with the most episodes in flight (Orleans places episodes by activation
    /// counts, so the spread is uneven).</summary>
    private static async Task<Orleans.TestingHost.SiloHandle> MidRoundVictimAsync(InProcessCluster cluster, PolicyGate gate)
    {
        string Playing() => string.Join(", ", cluster.Cluster.GetActiveSilos()
            .Select(s => $"{s.Name}: {cluster.SiloService<EpisodeSlots>(s).Playing} playing")) + $"; held {gate.Held}\n" + cluster.Logs.Tail(20);
        await Within.WaitAsync(gate.WhenHeldAsync(8), Bounded, "8 agents held at the gate", Playing);
        var victim = cluster.Cluster.SecondarySilos.MaxBy(s => cluster.SiloService<EpisodeSlots>(s).Playing)!;
        Assert.True(cluster.SiloService<EpisodeSlots>(victim).Playing > 0, "a secondary silo should have had episodes in flight: " + Playing());
        return victim;
    }

    private static async Task AssertEveryEpisodeCompletedOnceAsync(InProcessCluster cluster, CampaignRecord done)
    {
        Assert.Equal(CampaignStatus.Completed, done.Status);
        var episodes = await cluster.Store.ListEpisodesAsync(new EpisodeQuery { CampaignId = done.Id });
        Assert.All(episodes, e => Assert.Equal(EpisodeStatus.Completed, e.Status));
        Assert.Equal(episodes.Count, cluster.Store.CompletedEpisodes);
        foreach (var episode in episodes)
        {
            var turns = await cluster.Store.GetTurnsAsync(episode.Id);
            Assert.Equal(Enumerable.Range(0, turns.Length), turns.Select(t => t.Number));
        }
    }
}
