using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Grains;
using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Storage.Azure;
using SotopiaPi.TestInfrastructure;
using Xunit.Abstractions;

namespace SotopiaPi.Cluster.Tests.Azure;

/// <summary>The azure profile on Azurite with two silos: a BC+SR campaign completes with its datasets and checkpoints in
/// Blob (the registry recording blob URIs); a silo killed mid-round loses nothing and counts nothing twice; a stale
/// grain-state write is refused by the blob's ETag.</summary>
[Collection(AzureCollection.Name)]
public sealed class AzureProfileTests(AzuriteFixture azurite, PostgresServerFixture postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan CampaignTimeout = TimeSpan.FromMinutes(4);

    private static CampaignSpec Spec(string name) => new()
    {
        Name = name,
        Mode = CampaignMode.BcSr,
        SrRounds = 1,
        ScenariosPerRound = 4,
        PairsPerScenario = 4,
        EvaluationPairsPerScenario = 2,
        Trainer = new TrainerSettings { Epochs = 3 },
    };

    [Fact]
    public async Task ACampaignOnTwoSilosCompletesWithItsArtifactsInBlob()
    {
        await using var cluster = await AzureCluster.StartAsync(azurite, postgres, silos: 2, capacityPerSilo: 8);
        var clock = Stopwatch.StartNew();

        await cluster.CreateAsync(Spec("azure"), "c-azure");
        var done = await cluster.Store.WaitForEndAsync("c-azure", CampaignTimeout);
        output.WriteLine($"campaign on 2 silos (Azurite + PostgreSQL): {clock.Elapsed.TotalSeconds:F1} s");

        Assert.Equal(CampaignStatus.Completed, done.Status);
        var episodes = await cluster.Store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-azure" });
        Assert.All(episodes, e => Assert.Equal(EpisodeStatus.Completed, e.Status));
        Assert.Equal(episodes.Count, cluster.Store.CompletedEpisodes);
        var played = cluster.Cluster.GetActiveSilos().Select(s => cluster.SiloService<EpisodeSlots>(s).Completed).ToList();
        Assert.True(played.All(n => n > 0), $"both silos should have played episodes; per silo: {string.Join(", ", played)}");

        // The trained versions' checkpoints are blobs, recorded by URI, hash-checked when read back.
        var container = cluster.Azure.CreateBlobServiceClient().GetBlobContainerClient(cluster.Azure.ArtifactsContainer);
        var names = new List<string>();
        await foreach (var item in container.GetBlobsAsync())
        {
            names.Add(item.Name);
        }
        Assert.Contains(names, n => n.StartsWith("datasets/", StringComparison.Ordinal));
        Assert.Contains(names, n => n.StartsWith("checkpoints/", StringComparison.Ordinal));
        var trained = (await cluster.Store.ListVersionsAsync(Spec("azure").PolicyName)).Where(v => v.Version > 0).ToList();
        Assert.NotEmpty(trained);
        foreach (var version in trained)
        {
            Assert.StartsWith(container.Uri.ToString(), version.CheckpointPath, StringComparison.Ordinal);
            Assert.Equal(version.CheckpointHash, await cluster.Artifacts.HashAsync(version.CheckpointPath!));
        }
    }

    [Fact]
    public async Task ASiloKilledMidRoundLosesNothingAndCountsNothingTwice()
    {
        var gate = new PolicyGate(openTurns: 2);
        await using var cluster = await AzureCluster.StartAsync(azurite, postgres, silos: 2, capacityPerSilo: 4, gate);
        await cluster.CreateAsync(Spec("killed"), "c-killed");

        await Within.WaitAsync(gate.WhenHeldAsync(4), TimeSpan.FromSeconds(60), "4 agents held at the gate", () => cluster.Logs.Tail(20));
        var victim = cluster.Cluster.GetActiveSilos().Where(s => s.Name != cluster.TrainerSilo).MaxBy(s => cluster.SiloService<EpisodeSlots>(s).Playing)!;
        var inFlight = cluster.SiloService<EpisodeSlots>(victim).Playing;
        Assert.True(inFlight > 0, "the silo without the trainer should have had episodes in flight");
        var before = cluster.Store.CompletedEpisodes;
        var clock = Stopwatch.StartNew();
        await cluster.Cluster.KillSiloAsync(victim);
        gate.Open();
        await cluster.Store.WaitForCompletedEpisodesAsync(before + inFlight, CampaignTimeout);
        output.WriteLine($"killed silo with {inFlight} episodes in flight; {inFlight} more episodes completed {clock.Elapsed.TotalSeconds:F1} s after the kill");
        var done = await cluster.Store.WaitForEndAsync("c-killed", CampaignTimeout);
        output.WriteLine($"campaign ended {clock.Elapsed.TotalSeconds:F1} s after the kill");

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

    [Fact]
    public async Task AStaleGrainStateWriteIsRefusedByTheBlobETag()
    {
        await using var cluster = await AzureCluster.StartAsync(azurite, postgres, silos: 1, capacityPerSilo: 2);
        var storage = cluster.Cluster.GetSiloServiceProvider(cluster.Cluster.GetActiveSilos().First().SiloAddress)
            .GetRequiredKeyedService<IGrainStorage>(StorageNames.Sotopia);
        var id = GrainId.Create("test", "stale");
        var first = new GrainState<Probe> { State = new Probe { Value = 1 } };
        await storage.WriteStateAsync("probe", id, first);
        var stale = new GrainState<Probe> { State = new Probe() };
        await storage.ReadStateAsync("probe", id, stale);
        var current = new GrainState<Probe> { State = new Probe() };
        await storage.ReadStateAsync("probe", id, current);
        current.State.Value = 2;
        await storage.WriteStateAsync("probe", id, current);

        stale.State.Value = 3;
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("probe", id, stale));

        var read = new GrainState<Probe> { State = new Probe() };
        await storage.ReadStateAsync("probe", id, read);
        Assert.Equal(2, read.State.Value);
        Assert.Equal(current.ETag, read.ETag);
    }

    public sealed class Probe
    {
        public int Value { get; set; }
    }
}
