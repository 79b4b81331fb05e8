using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Campaigns;

/// <summary>Turns a spec into its ordered stages: BC, then SR rounds, then evaluation.</summary>
public static class CampaignPlan
{
    public static ImmutableArray<CampaignStage> Build(CampaignSpec spec)
    {
        var stages = ImmutableArray.CreateBuilder<CampaignStage>();
        if (spec.Mode is CampaignMode.Bc or CampaignMode.BcSr)
        {
            stages.Add(new CampaignStage(stages.Count, "bc", 0));
        }
        if (spec.Mode is CampaignMode.Sr or CampaignMode.BcSr)
        {
            for (var r = 1; r <= spec.SrRounds; r++)
            {
                stages.Add(new CampaignStage(stages.Count, "sr", r));
            }
        }
        if (spec.Mode == CampaignMode.Eval || !spec.SkipEvaluation)
        {
            stages.Add(new CampaignStage(stages.Count, "eval", 0));
        }
        return stages.ToImmutable();
    }

    /// <summary>The label a version produced by a stage carries in tables ("bc", "sr1", "bc+sr2", …).</summary>
    public static string LabelFor(CampaignSpec spec, CampaignStage stage) => stage.Kind switch
    {
        "bc" => "bc",
        "sr" when spec.Mode == CampaignMode.BcSr => $"bc+sr{stage.SrRound}",
        "sr" => $"sr{stage.SrRound}",
        _ => stage.Kind,
    };

    /// <summary>Checks a spec before a campaign is created; returns every problem found.</summary>
    public static IReadOnlyList<string> Validate(CampaignSpec spec)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(spec.Name))
        {
            problems.Add("name: must not be empty");
        }
        if (string.IsNullOrWhiteSpace(spec.PolicyName))
        {
            problems.Add("policy_name: must not be empty");
        }
        if (spec.SrRounds < 0 || spec.SrRounds > 100)
        {
            problems.Add($"sr_rounds: {spec.SrRounds} is outside 0..100");
        }
        if (spec.Mode is CampaignMode.Sr && spec.SrRounds == 0)
        {
            problems.Add("sr_rounds: an 'sr' campaign needs at least one round");
        }
        if (spec.ScenariosPerRound < 1)
        {
            problems.Add($"scenarios_per_round: {spec.ScenariosPerRound} must be at least 1");
        }
        if (spec.PairsPerScenario < 1 || spec.PairsPerScenario > 100)
        {
            problems.Add($"pairs_per_scenario: {spec.PairsPerScenario} is outside 1..100");
        }
        if (spec.EvaluationPairsPerScenario < 1 || spec.EvaluationPairsPerScenario > 100)
        {
            problems.Add($"evaluation_pairs_per_scenario: {spec.EvaluationPairsPerScenario} is outside 1..100");
        }
        if (spec.Filter.TopK < 1)
        {
            problems.Add($"filter.top_k: {spec.Filter.TopK} must be at least 1");
        }
        if (spec.Filter.TopFraction is { } f && (f <= 0 || f > 1))
        {
            problems.Add($"filter.top_fraction: {f} is outside (0, 1]");
        }
        if (spec.Trainer.Epochs < 1)
        {
            problems.Add($"trainer.epochs: {spec.Trainer.Epochs} must be at least 1");
        }
        if (spec.Trainer.LearningRate <= 0)
        {
            problems.Add($"trainer.learning_rate: {spec.Trainer.LearningRate} must be positive");
        }
        if (spec.Backend is not ("simulator" or "llm"))
        {
            problems.Add($"backend: '{spec.Backend}' is not one of simulator, llm");
        }
        if (spec.Mode == CampaignMode.Eval && spec.SkipEvaluation)
        {
            problems.Add("skip_evaluation: an 'eval' campaign cannot skip evaluation");
        }
        return problems;
    }
}
