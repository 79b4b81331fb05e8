using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Sotopia.Data;

namespace SotopiaPi.Client.Output;

/// <summary>What a campaign will run, in words, from its plan: "BC, then evaluation on 'hard'", "BC, then 2 SR
/// rounds, then evaluation on 'hard'", "evaluation of the active policy version and the expert on 'all' (every
/// scenario)".</summary>
internal static class CampaignText
{
    public static string Plan(CampaignSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var parts = new List<string>();
        var stages = CampaignPlan.Build(spec);
        if (stages.Any(s => s.Kind == "bc"))
        {
            parts.Add("BC");
        }
        var srRounds = stages.Count(s => s.Kind == "sr");
        if (srRounds > 0)
        {
            parts.Add(srRounds == 1 ? "1 SR round" : $"{srRounds} SR rounds");
        }
        if (stages.Any(s => s.Kind == "eval"))
        {
            parts.Add(spec.Mode == CampaignMode.Eval ? $"evaluation of {Evaluated(spec)} {EvaluationSet(spec)}" : $"evaluation {EvaluationSet(spec)}");
        }
        return string.Join(", then ", parts) + (spec.Mode != CampaignMode.Eval && spec.SkipEvaluation ? " (no evaluation)" : "");
    }

    private static string Evaluated(CampaignSpec spec)
    {
        var versions = spec.EvaluateVersions.IsDefaultOrEmpty
            ? "the active policy version"
            : string.Join(", ", spec.EvaluateVersions.Select(v => $"v{v}"));
        return spec.EvaluateExpert ? $"{versions} and the expert" : versions;
    }

    private static string EvaluationSet(CampaignSpec spec) =>
        spec.EvaluationSet == SotopiaDataLoader.AllScenariosSet
            ? $"on '{spec.EvaluationSet}' (every scenario)"
            : $"on '{spec.EvaluationSet}'";
}
