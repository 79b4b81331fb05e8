using SotopiaPi.Client.Output;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Silo.IntegrationTests.Cli;

/// <summary>What the console says, checked without starting it.</summary>
public sealed class ConsoleTextTests
{
    [Theory]
    [InlineData(CampaignMode.Bc, 2, false, "BC, then evaluation on 'hard'")]
    [InlineData(CampaignMode.BcSr, 2, false, "BC, then 2 SR rounds, then evaluation on 'hard'")]
    [InlineData(CampaignMode.Sr, 1, false, "1 SR round, then evaluation on 'hard'")]
    [InlineData(CampaignMode.Eval, 2, false, "evaluation of the active policy version and the expert on 'hard'")]
    [InlineData(CampaignMode.Bc, 2, true, "BC (no evaluation)")]
    public void TheRunLineSaysWhatTheCampaignWillRun(CampaignMode mode, int srRounds, bool skipEvaluation, string expected)
    {
        var spec = new CampaignSpec { Mode = mode, SrRounds = srRounds, SkipEvaluation = skipEvaluation };

        Assert.Equal(expected, CampaignText.Plan(spec));
    }

    [Fact]
    public void AnEvaluationOfChosenVersionsOnEveryScenarioNamesThem()
    {
        var spec = new CampaignSpec { Mode = CampaignMode.Eval, EvaluateVersions = [1, 3], EvaluateExpert = false, EvaluationSet = "all" };

        Assert.Equal("evaluation of v1, v3 on 'all' (every scenario)", CampaignText.Plan(spec));
    }
}
