namespace SotopiaPi.Grains.Interfaces;

/// <summary>The bounds every <see cref="CampaignSpec"/> field is checked against before a campaign is created (the
/// console, the HTTP API and the launcher all use them). They keep one spec from costing unbounded time, memory or
/// money, and keep every stored value printable and finite in JSON.</summary>
public static class CampaignSpecLimits
{
    /// <summary>A spec file or request body larger than this is refused before it is parsed (a full spec with
    /// every field is about 1 KB; this leaves room for large price tables and trainer options).</summary>
    public const int MaxSpecBytes = 256 * 1024;

    /// <summary><c>name</c>: shown in tables and logs.</summary>
    public const int MaxNameLength = 200;

    /// <summary><c>dataset</c>: "starter" or a folder/file path.</summary>
    public const int MaxDatasetLength = 4096;

    /// <summary><c>evaluation_set</c> and each of <c>round_scenario_sets</c>.</summary>
    public const int MaxSetNameLength = 200;

    /// <summary><c>policy_name</c>: letters, digits, '.', '_' and '-', starting with a letter or digit.</summary>
    public const int MaxPolicyNameLength = 100;

    public const int MaxSrRounds = 100;

    /// <summary>Fresh scenarios per training round (SOTOPIA-π uses about 100).</summary>
    public const int MaxScenariosPerRound = 1000;

    /// <summary>Character pairs per scenario, in training (<c>pairs_per_scenario</c>) and in evaluation.</summary>
    public const int MaxPairsPerScenario = 100;

    /// <summary><c>filter.top_k</c>: never more than the pairs a scenario can have.</summary>
    public const int MaxTopK = MaxPairsPerScenario;

    /// <summary><c>filter.min_goal</c> is a GOAL score, 0 to 10.</summary>
    public const double MinGoalScore = 0;

    public const double MaxGoalScore = 10;

    /// <summary><c>evaluate_versions</c>: how many versions one evaluation may list.</summary>
    public const int MaxEvaluateVersions = 100;

    public const int MaxEpochs = 100;

    public const double MinLearningRate = 1e-6;

    public const double MaxLearningRate = 10;

    public const int MaxPromptTokens = 1_000_000;

    /// <summary><c>trainer.options</c>: entries, key length, value length.</summary>
    public const int MaxTrainerOptions = 64;

    public const int MaxTrainerOptionKeyLength = 100;

    public const int MaxTrainerOptionValueLength = 4096;

    /// <summary><c>seed</c>: 0 to 2^53 − 1, so that JSON readers that hold numbers as doubles (the dashboard) keep
    /// it exact.</summary>
    public const long MaxSeed = (1L << 53) - 1;

    /// <summary><c>budget.max_cost_usd</c>, in US dollars.</summary>
    public const decimal MaxCostUsd = 1_000_000m;

    /// <summary><c>budget.max_tokens</c>.</summary>
    public const long MaxTokens = 1_000_000_000_000;

    /// <summary><c>budget.prices</c>: models priced, model name length, and each price in US dollars per million
    /// tokens (the most expensive OpenAI model lists $600).</summary>
    public const int MaxPrices = 1000;

    public const int MaxModelNameLength = 200;

    public const decimal MaxPricePerMillion = 10_000m;

    /// <summary>Trainer backends a spec may name.</summary>
    public static IReadOnlyList<string> TrainerBackends { get; } = ["embedded", "openai", "external"];
}
