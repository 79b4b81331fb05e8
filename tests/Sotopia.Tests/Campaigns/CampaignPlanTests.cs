using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Tests.Campaigns;

public sealed class CampaignPlanTests
{
    [Fact]
    public void BcSrPlansBcThenSrRoundsThenEvaluation()
    {
        var spec = new CampaignSpec { Mode = CampaignMode.BcSr, SrRounds = 2 };
        var plan = CampaignPlan.Build(spec);
        Assert.Equal(["bc", "sr", "sr", "eval"], plan.Select(s => s.Kind));
        Assert.Equal([0, 1, 2, 3], plan.Select(s => s.Index));
        Assert.Equal(["bc", "bc+sr1", "bc+sr2"], plan.Where(s => s.IsTraining).Select(s => CampaignPlan.LabelFor(spec, s)));
    }

    [Fact]
    public void OtherModesPlanTheirOwnStages()
    {
        Assert.Equal(["bc", "eval"], CampaignPlan.Build(new CampaignSpec { Mode = CampaignMode.Bc }).Select(s => s.Kind));
        var sr = new CampaignSpec { Mode = CampaignMode.Sr, SrRounds = 3 };
        Assert.Equal(["sr1", "sr2", "sr3"], CampaignPlan.Build(sr).Where(s => s.IsTraining).Select(s => CampaignPlan.LabelFor(sr, s)));
        Assert.Equal(["eval"], CampaignPlan.Build(new CampaignSpec { Mode = CampaignMode.Eval }).Select(s => s.Kind));
        Assert.Equal(["bc"], CampaignPlan.Build(new CampaignSpec { Mode = CampaignMode.Bc, SkipEvaluation = true }).Select(s => s.Kind));
    }

    [Fact]
    public void ValidationListsEveryProblem()
    {
        var spec = new CampaignSpec
        {
            Name = "",
            Mode = CampaignMode.Sr,
            SrRounds = 0,
            PairsPerScenario = 0,
            Backend = "quantum",
            Filter = new FilterOptions { TopK = 0, TopFraction = 1.5 },
            Trainer = new TrainerSettings { Epochs = 0, LearningRate = -1 },
        };
        var problems = CampaignPlan.Validate(spec);
        foreach (var field in new[] { "name", "sr_rounds", "pairs_per_scenario", "backend", "filter.top_k", "filter.top_fraction", "trainer.epochs", "trainer.learning_rate" })
        {
            Assert.Contains(problems, p => p.StartsWith(field + ":", StringComparison.Ordinal));
        }
        Assert.Empty(CampaignPlan.Validate(new CampaignSpec()));
    }
}
