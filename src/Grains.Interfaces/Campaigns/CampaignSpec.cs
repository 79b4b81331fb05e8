using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>Everything that defines a campaign; stored with it, so a campaign resumes exactly as specified.</summary>
[Immutable]
public sealed record CampaignSpec
{
    public string Name { get; init; } = "campaign";
    public CampaignMode Mode { get; init; } = CampaignMode.BcSr;
    /// <summary>Dataset folder or file to load tasks from; "starter" = the dataset shipped with SotopiaPi.</summary>
    public string Dataset { get; init; } = "starter";
    /// <summary>A stored dataset version to run on (<c>sotopia data list</c>) instead of importing
    /// <see cref="Dataset"/>; null = import <see cref="Dataset"/> (a new version unless the newest has the same
    /// content) and run on that version. The campaign's record keeps the version either way.</summary>
    public int? DatasetVersion { get; init; }
    /// <summary>"simulator" (offline default) or "llm".</summary>
    public string Backend { get; init; } = "simulator";
    public string PolicyName { get; init; } = "sotopia-pi";
    /// <summary>Number of self-reinforcement rounds (for <see cref="CampaignMode.Sr"/> and <see cref="CampaignMode.BcSr"/>).</summary>
    public int SrRounds { get; init; } = 2;
    /// <summary>Named scenario sets to train on, one per training round in order (BC first). Rounds without an
    /// entry draw <see cref="ScenariosPerRound"/> fresh scenarios (never used before in this campaign, never
    /// in the evaluation set).</summary>
    public ImmutableArray<string> RoundScenarioSets { get; init; } = [];
    public int ScenariosPerRound { get; init; } = 10;
    /// <summary>Character pairs (tasks) played per scenario in a training round: up to 10, as in SOTOPIA-π.</summary>
    public int PairsPerScenario { get; init; } = 10;
    public FilterOptions Filter { get; init; } = FilterOptions.Default;
    public TrainerSettings Trainer { get; init; } = new();
    /// <summary>The named scenario set evaluation runs on ("hard" in the starter data, "sotopia_hard_env" in SOTOPIA-π's splits).</summary>
    public string EvaluationSet { get; init; } = "hard";
    /// <summary>Character pairs per evaluation scenario (SOTOPIA uses 5); the policy plays each pair from both seats.</summary>
    public int EvaluationPairsPerScenario { get; init; } = 5;
    /// <summary>For <see cref="CampaignMode.Eval"/>: which versions to evaluate (empty = the active one).
    /// Training modes evaluate base, every version they produce, and the expert.</summary>
    public ImmutableArray<int> EvaluateVersions { get; init; } = [];
    /// <summary>Also evaluate the expert against the partner, as the reference line.</summary>
    public bool EvaluateExpert { get; init; } = true;
    /// <summary>Skip the evaluation stage entirely.</summary>
    public bool SkipEvaluation { get; init; }
    public long Seed { get; init; } = 42;
    /// <summary>Spending limit for model calls (LLM backend): reaching it pauses the campaign.</summary>
    public CampaignBudget Budget { get; init; } = CampaignBudget.Unlimited;
}
