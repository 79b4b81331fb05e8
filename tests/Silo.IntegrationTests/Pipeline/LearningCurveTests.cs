using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Pipeline;

/// <summary>The whole SOTOPIA-π loop on the offline simulator, measured rather than asserted from constants:
/// BC and SR must raise the trained policy's goal toward the expert's, and training on the worst
/// trajectories must lower it.</summary>
public sealed class LearningCurveTests
{
    [Fact]
    public async Task BehaviourCloningThenSelfReinforcementRaisesGoalTowardTheExpert()
    {
        using var home = new TempDirectory();
        var campaign = await EmbeddedCampaign.RunAsync(home.Path, new CampaignSpec { Name = "curve" });

        Assert.True(campaign.Status == CampaignStatus.Completed, $"campaign ended {campaign.Status}: {campaign.Error}");
        Assert.Equal(3, campaign.Rounds.Length);
        Assert.All(campaign.Rounds, r => Assert.NotNull(r.ProducedVersion));
        var byLabel = campaign.Evaluations.ToDictionary(e => e.Label);
        Assert.Equal(["base", "bc", "bc+sr1", "bc+sr2", "expert"], campaign.Evaluations.Select(e => e.Label));
        var summary = string.Join(", ", campaign.Evaluations.Select(e => $"{e.Label} {e.Scores.Goal:F2}±{e.Scores.GoalCi95:F2}"));

        var goalBase = byLabel["base"].Scores;
        var goalBc = byLabel["bc"].Scores;
        var goalBcSr = byLabel["bc+sr2"].Scores;
        var goalExpert = byLabel["expert"].Scores;
        Assert.True(goalBase.Goal < goalBc.Goal, $"expected base < BC: {summary}");
        Assert.True(goalBc.Goal < goalBcSr.Goal, $"expected BC < BC+SR: {summary}");
        Assert.True(goalBcSr.Goal <= goalExpert.Goal + goalExpert.GoalCi95 + goalBcSr.GoalCi95, $"expected BC+SR <= expert + noise: {summary}");
        Assert.True(goalBcSr.Goal >= goalBase.Goal + 1.0, $"expected BC+SR >= base + 1.0: {summary}");
        Assert.All(campaign.Evaluations, e => Assert.True(e.Scores.N > 50, $"{e.Label}: only {e.Scores.N} scored seats"));
    }

    [Fact]
    public async Task TrainingOnTheWorstTrajectoriesLowersGoal()
    {
        using var home = new TempDirectory();
        var spec = new CampaignSpec
        {
            Name = "inverted",
            Mode = CampaignMode.Sr,
            SrRounds = 1,
            Filter = new FilterOptions { Invert = true },
            EvaluateExpert = false,
        };
        var campaign = await EmbeddedCampaign.RunAsync(home.Path, spec);

        Assert.True(campaign.Status == CampaignStatus.Completed, $"campaign ended {campaign.Status}: {campaign.Error}");
        var before = campaign.Evaluations.Single(e => e.Label == "base").Scores;
        var after = campaign.Evaluations.Single(e => e.Label == "sr1").Scores;
        Assert.True(after.Goal < before.Goal, $"expected the SR round on the worst 20% to lower goal: base {before.Goal:F2}, sr1 {after.Goal:F2}");
        var round = Assert.Single(campaign.Rounds);
        Assert.True(round.FilteredGoal < round.Scores!.Goal, $"the inverted filter should keep below-average trajectories: kept {round.FilteredGoal:F2} vs round mean {round.Scores.Goal:F2}");
    }
}
