using Microsoft.Extensions.DependencyInjection;
using SotopiaPi.Client.Embedded;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;
using SotopiaPi.Silo.Runtime;
using SotopiaPi.Storage;

namespace SotopiaPi.Silo.IntegrationTests.Campaigns;

public sealed class CampaignTests
{
    private static readonly CampaignSpec Small = new()
    {
        Name = "small",
        Mode = CampaignMode.BcSr,
        SrRounds = 2,
        ScenariosPerRound = 3,
        PairsPerScenario = 4,
        EvaluationPairsPerScenario = 1,
        Trainer = new TrainerSettings { Epochs = 5 },
    };

    [Fact]
    public async Task EveryRoundPinsThePolicyVersionThePreviousRoundProduced()
    {
        using var home = new TempDirectory();
        var campaign = await EmbeddedCampaign.RunAsync(home.Path, Small);
        Assert.True(campaign.Status == CampaignStatus.Completed, campaign.Error);

        await using var store = await SqliteSotopiaStore.OpenAsync(home.Combine("sotopia.db"));
        var versions = (await store.ListVersionsAsync(Small.PolicyName)).ToDictionary(v => v.Version);
        Assert.Equal(["base", "bc", "sr", "sr"], versions.Values.OrderBy(v => v.Version).Select(v => v.Kind));

        int? previous = null;
        foreach (var round in campaign.Rounds)
        {
            var episodes = await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = campaign.Id, Round = round.Round });
            Assert.Equal(round.Episodes, episodes.Count);
            Assert.Equal(round.Scenarios, episodes.Select(e => e.ScenarioId).Distinct().Count());
            var request = await store.GetTrainingRequestAsync(round.TrainingRequestId!);
            Assert.Equal(TrainingStatus.Succeeded, request!.Status);
            Assert.Equal(round.ProducedVersion, request.PublishedVersion);
            var produced = versions[round.ProducedVersion!.Value];
            Assert.Equal(request.DatasetHash, produced.DatasetId);
            if (round.Phase == "bc")
            {
                Assert.All(episodes, e => Assert.All(e.Seats, s => Assert.Equal(AgentRoles.Expert, s.Role)));
                Assert.Equal(0, produced.ParentVersion);
            }
            else
            {
                Assert.Equal(previous, round.PlayedVersion);
                Assert.All(episodes, e => Assert.All(e.Seats, s => Assert.Equal((AgentRoles.Policy, previous!.Value), (s.Role, s.Version))));
                Assert.Equal(previous, produced.ParentVersion);
            }
            Assert.True(round.TrainingExamples > 0);
            Assert.True(produced.Metrics["final_loss"] < produced.Metrics["initial_loss"], "training should lower the loss");
            previous = round.ProducedVersion;
        }
        Assert.Equal(previous, (await store.GetActiveVersionAsync(Small.PolicyName))!.Version);

        var eval = await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = campaign.Id, Phase = "eval" });
        Assert.All(eval, e =>
        {
            var scored = Assert.Single(e.ScoredSeats);
            Assert.Equal(AgentRoles.Partner, e.Seats[1 - scored].Role);
        });
        Assert.Equal(campaign.Evaluations.Sum(r => r.Episodes), eval.Count);
        Assert.All(campaign.Evaluations, r => Assert.Equal(r.Episodes, r.Scores.N));
    }

    [Fact]
    public async Task TheSameSeedReproducesTheSameExperimentWhateverTheCampaignId()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        var a = await EmbeddedCampaign.RunAsync(first.Path, Small, "first-id");
        var b = await EmbeddedCampaign.RunAsync(second.Path, Small, "second-id", concurrency: 7);
        var c = await EmbeddedCampaign.RunAsync(second.Path, Small with { Seed = 43 }, "other-seed");

        Assert.Equal(a.Rounds.Select(r => (r.Episodes, r.Scores!.Goal, r.TrainingExamples)), b.Rounds.Select(r => (r.Episodes, r.Scores!.Goal, r.TrainingExamples)));
        Assert.Equal(a.Evaluations.Select(e => (e.Label, e.Scores.Goal, e.Scores.Overall)), b.Evaluations.Select(e => (e.Label, e.Scores.Goal, e.Scores.Overall)));
        Assert.NotEqual(a.Evaluations.Select(e => e.Scores.Overall), c.Evaluations.Select(e => e.Scores.Overall));
    }

    [Fact]
    public async Task AnEvalCampaignScoresOnlyThePolicysSeatAgainstThePartnerFromBothSeats()
    {
        using var home = new TempDirectory();
        var spec = new CampaignSpec { Name = "eval", Mode = CampaignMode.Eval, EvaluateVersions = [0], EvaluationPairsPerScenario = 2 };
        var campaign = await EmbeddedCampaign.RunAsync(home.Path, spec);

        Assert.True(campaign.Status == CampaignStatus.Completed, campaign.Error);
        Assert.Empty(campaign.Rounds);
        Assert.Equal(["v0", "expert"], campaign.Evaluations.Select(e => e.Label));
        await using var store = await SqliteSotopiaStore.OpenAsync(home.Combine("sotopia.db"));
        var episodes = await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = campaign.Id });
        var hard = (await store.LoadDatasetAsync()).NamedSets["hard"];
        Assert.Equal(2 * 2 * 2 * hard.Length, episodes.Count);
        var policyEpisodes = episodes.Where(e => e.Seats.Any(s => s.Role == AgentRoles.Policy)).ToList();
        Assert.Equal(policyEpisodes.Count / 2, policyEpisodes.Count(e => e.ScoredSeats[0] == 0));
        Assert.All(policyEpisodes, e => Assert.Equal(AgentRoles.Policy, e.Seats[e.ScoredSeats.Single()].Role));
        Assert.All(episodes, e => Assert.Contains(e.ScenarioId, hard));
    }

    [Fact]
    public async Task ABadSpecIsRejectedWithEveryProblemAndNothingIsStored()
    {
        using var home = new TempDirectory();
        await using var runtime = await EmbeddedRuntime.OpenAsync(home.Path, CancellationToken.None);
        await using var silo = await runtime.StartSiloAsync(4, CancellationToken.None);
        var launcher = silo.Launcher;

        var bad = new CampaignSpec { EvaluationSet = "nope", RoundScenarioSets = ["missing-set"], PairsPerScenario = 0 };
        var error = await Assert.ThrowsAsync<CampaignSpecException>(() => launcher.CreateAsync(bad));
        Assert.Contains(error.Problems, p => p.StartsWith("evaluation_set: 'nope'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("round_scenario_sets: 'missing-set'", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("pairs_per_scenario", StringComparison.Ordinal));

        var missing = await Assert.ThrowsAsync<CampaignSpecException>(() => launcher.CreateAsync(new CampaignSpec { Dataset = home.Combine("no-such-folder") }));
        Assert.Contains(missing.Problems, p => p.StartsWith("dataset:", StringComparison.Ordinal) && p.Contains("not found", StringComparison.Ordinal));
        Assert.Empty(await runtime.Store.ListCampaignsAsync());
    }
}
