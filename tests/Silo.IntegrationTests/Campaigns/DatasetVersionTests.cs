using System.Collections.Immutable;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.IntegrationTests.Llm;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Storage;
using SotopiaPi.Storage.Artifacts;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Campaigns;

/// <summary>A campaign draws its tasks from the dataset version it was started on, whatever is imported later;
/// named sets of different imports never overwrite each other; a silo's setup cache sees a new import at once.</summary>
public sealed class DatasetVersionTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task CampaignStartedOnAKeepsUsingAsTasksAfterBIsImported()
    {
        using var home = new TempDirectory();
        await using var store = await SqliteSotopiaStore.OpenAsync(home.Combine("sotopia.db"));
        var (a, b, shared) = StarterSetups.TwoImports();
        var versionA = await store.ImportDatasetAsync(a, "a");
        var spec = new CampaignSpec { Name = "eval-a", Mode = CampaignMode.Eval, EvaluateVersions = [0], EvaluateExpert = false, EvaluationPairsPerScenario = 1 };
        var campaign = new CampaignRecord { Id = "c-a", Spec = spec, DatasetVersion = versionA.Version, CreatedAt = Start, UpdatedAt = Start };

        var versionB = await store.ImportDatasetAsync(b, "b");
        using var driver = new CampaignDriver(
            "c-a", store, new FileArtifactStore(home.Combine("artifacts")), new BasePolicy(), new CampaignModels("expert", "partner", "base"),
            new FakeTimeProvider(Start), NullLogger.Instance);
        var next = await driver.StepAsync(campaign, CancellationToken.None);

        Assert.NotNull(next);
        Assert.Equal(2, versionB.Version);
        var episodes = await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = "c-a" });
        Assert.NotEmpty(episodes);
        var played = episodes.Select(e => e.ScenarioId).Distinct().ToList();
        Assert.All(played, id => Assert.Contains(id, a.NamedSets["hard"]));
        Assert.Contains(shared, played);
        Assert.Contains(played, id => !b.NamedSets["hard"].Contains(id));
        Assert.DoesNotContain(played, id => b.NamedSets["hard"].Contains(id) && !a.NamedSets["hard"].Contains(id));
        Assert.All(episodes, e => Assert.Equal(versionA.Version, e.DatasetVersion));
        // Both imports keep their own "hard" set.
        Assert.Equal<string>(a.NamedSets["hard"], (await store.LoadDatasetAsync(versionA.Version)).NamedSets["hard"]);
        Assert.Equal<string>(b.NamedSets["hard"], (await store.LoadDatasetAsync(versionB.Version)).NamedSets["hard"]);
        // The episode on the shared scenario is set up from A's text.
        var cache = new EpisodeSetupCache(store);
        var onShared = episodes.First(e => e.ScenarioId == shared);
        Assert.Equal(a.Scenarios.Single(s => s.Id == shared).Text, (await cache.GetSetupAsync(onShared, CancellationToken.None)).Scenario.Text);
    }

    /// <summary>One cache (one silo) that loaded A: an episode of a campaign on B, imported after, is set up from B
    /// (before versions, the cache found the scenario id and served A's text until the silo restarted), and A's
    /// episode still from A.</summary>
    [Fact]
    public async Task SetupCacheSeesAnImportMadeAfterItLoaded()
    {
        using var home = new TempDirectory();
        await using var store = await SqliteSotopiaStore.OpenAsync(home.Combine("sotopia.db"));
        var (a, b, shared) = StarterSetups.TwoImports();
        var versionA = await store.ImportDatasetAsync(a, "a");
        var task = a.Tasks.First(t => t.ScenarioId == shared);
        EpisodeRecord Episode(string id, int version) => new()
        {
            Id = id, CampaignId = "c", Round = 0, Phase = "eval", TaskId = task.Id, ScenarioId = shared,
            Agent1Id = task.Agent1Id, Agent2Id = task.Agent2Id, Seats = [], Seed = 1, DatasetVersion = version,
        };
        var cache = new EpisodeSetupCache(store);
        Assert.Equal(a.Scenarios.Single(s => s.Id == shared).Text, (await cache.GetSetupAsync(Episode("e-a", versionA.Version), CancellationToken.None)).Scenario.Text);

        var versionB = await store.ImportDatasetAsync(b, "b");

        Assert.Equal("Rewritten in import B.", (await cache.GetSetupAsync(Episode("e-b", versionB.Version), CancellationToken.None)).Scenario.Text);
        Assert.Equal(a.Scenarios.Single(s => s.Id == shared).Text, (await cache.GetSetupAsync(Episode("e-a", versionA.Version), CancellationToken.None)).Scenario.Text);
        Assert.Equal([versionA.Version, versionB.Version], cache.CachedVersions.Order());
    }

    private sealed class BasePolicy : IPolicyVersions
    {
        private static readonly PolicyVersion Base = new() { PolicyName = "sotopia-pi", Version = 0, Kind = "base", Model = "base" };

        public ValueTask<PolicyVersion> GetAsync(string policyName, int version, CancellationToken cancellationToken = default) => ValueTask.FromResult(Base);

        public ValueTask<PolicyVersion> GetActiveAsync(string policyName, CancellationToken cancellationToken = default) => ValueTask.FromResult(Base);
    }
}
