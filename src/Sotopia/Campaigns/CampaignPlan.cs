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

    /// <summary>Checks a spec before a campaign is created: every field against <see cref="CampaignSpecLimits"/>.
    /// Returns every problem found, each as <c>field: what is wrong</c>.</summary>
    public static IReadOnlyList<string> Validate(CampaignSpec spec) => CampaignSpecValidator.Validate(spec);
}
