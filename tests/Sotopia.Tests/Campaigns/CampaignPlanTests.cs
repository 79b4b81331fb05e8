using System.Collections.Immutable;
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

    [Fact]
    public void EveryFieldIsCheckedAgainstItsLimitAndNamedInOneList()
    {
        var spec = new CampaignSpec
        {
            Name = new string('n', 25 * 1024 * 1024),
            Mode = (CampaignMode)7,
            Dataset = "data\nset",
            PolicyName = "../escape",
            SrRounds = 101,
            RoundScenarioSets = ["a", "b", "c", "d"],
            ScenariosPerRound = 1_000_000,
            PairsPerScenario = 101,
            Filter = new FilterOptions { TopK = 1000, TopFraction = double.NaN, MinGoal = double.PositiveInfinity },
            Trainer = new TrainerSettings
            {
                Backend = "gpu",
                Epochs = 1_000_000,
                LearningRate = 1e308,
                MaxPromptTokens = 0,
                Options = Enumerable.Range(0, 65).ToImmutableDictionary(i => $"k{i}", i => "v"),
            },
            EvaluationSet = "",
            EvaluationPairsPerScenario = 0,
            EvaluateVersions = [-1],
            Seed = -1,
            Budget = new CampaignBudget
            {
                MaxTokens = 0,
                MaxCostUsd = -5,
                Prices = ImmutableDictionary<string, ModelPrice>.Empty.Add("m", new ModelPrice { OutputPerMillion = -1 }),
            },
        };

        var problems = CampaignPlan.Validate(spec);

        Assert.Equal(
        [
            "name: 26214400 characters, more than 200",
            "mode: 7 is not one of bc, sr, bc_sr, eval",
            "dataset: 'data?set' contains control characters (line breaks, tabs, …)",
            "policy_name: '../escape' may hold only letters, digits, '.', '_' and '-', and must start with a letter or digit",
            "sr_rounds: 101 is outside 0..100",
            "round_scenario_sets: 4 sets for 0 training round(s) (one set per training round, BC first)",
            "scenarios_per_round: 1000000 is outside 1..1000",
            "pairs_per_scenario: 101 is outside 1..100",
            "filter.top_k: 1000 is outside 1..100",
            "filter.top_fraction: NaN is not in (0, 1]",
            "filter.min_goal: Infinity is not between 0 and 10",
            "trainer.backend: 'gpu' is not one of embedded, openai, external",
            "trainer.epochs: 1000000 is outside 1..100",
            "trainer.learning_rate: 1e+308 is not between 1e-6 and 10",
            "trainer.max_prompt_tokens: 0 is outside 1..1000000",
            "trainer.options: 65 entries, more than 64",
            "evaluation_set: must not be empty",
            "evaluation_pairs_per_scenario: 0 is outside 1..100",
            "evaluate_versions[0]: -1 is not a version number (0 or more)",
            "seed: -1 is outside 0..9007199254740991 (2^53 - 1)",
            "budget.max_tokens: 0 is outside 1..1000000000000",
            "budget.max_cost_usd: -5 is not between 0 and 1000000",
            "budget.prices.m.output_per_million: -1 is not between 0 and 10000 (US dollars per million tokens)",
        ], problems);
    }

    [Fact]
    public void MoreRoundScenarioSetsThanTrainingRoundsIsAnError()
    {
        var problems = CampaignPlan.Validate(new CampaignSpec { Mode = CampaignMode.BcSr, SrRounds = 1, RoundScenarioSets = ["a", "b", "c"] });

        Assert.Equal(["round_scenario_sets: 3 sets for 2 training round(s) (one set per training round, BC first)"], problems);
    }

    [Fact]
    public void EvaluatingOnEveryScenarioLeavesNothingToTrainOnUnlessEachTrainingRoundNamesASet()
    {
        Assert.Empty(CampaignPlan.Validate(new CampaignSpec { Mode = CampaignMode.Eval, EvaluationSet = "all" }));
        Assert.Empty(CampaignPlan.Validate(new CampaignSpec { Mode = CampaignMode.Bc, EvaluationSet = "all", RoundScenarioSets = ["train"] }));

        var problems = CampaignPlan.Validate(new CampaignSpec { Mode = CampaignMode.BcSr, SrRounds = 2, EvaluationSet = "all", RoundScenarioSets = ["train"] });

        Assert.Equal(
            ["evaluation_set: 'all' holds every scenario, so 2 training round(s) without a set in round_scenario_sets would have no fresh scenario to train on; use mode eval, name a set per training round, or evaluate on another set"],
            problems);
    }

    [Fact]
    public void BadKeysOfMapFieldsAreReportedOnTheMap()
    {
        var spec = new CampaignSpec
        {
            Trainer = new TrainerSettings { Options = ImmutableDictionary<string, string>.Empty.Add("", "v").Add("long", new string('v', 5000)) },
            Budget = new CampaignBudget { Prices = ImmutableDictionary<string, ModelPrice>.Empty.Add("bad\nmodel", new ModelPrice()) },
        };

        Assert.Equal(
        [
            "trainer.options: the key '' must be 1 to 100 characters without control characters",
            "trainer.options.long: the value has 5000 characters, more than 4096",
            "budget.prices: the key 'bad?model' must be 1 to 200 characters without control characters",
        ], CampaignPlan.Validate(spec));
    }
}
