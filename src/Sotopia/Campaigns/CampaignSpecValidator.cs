using System.Globalization;
using System.Text.RegularExpressions;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Data;
using L = SotopiaPi.Grains.Interfaces.CampaignSpecLimits;

namespace SotopiaPi.Sotopia.Campaigns;

/// <summary>Checks every field of a <see cref="CampaignSpec"/> against <see cref="CampaignSpecLimits"/> and lists
/// every problem as <c>field: what is wrong</c> (snake_case field paths, as in spec files).</summary>
internal static partial class CampaignSpecValidator
{
    public static List<string> Validate(CampaignSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = new List<string>();
        Text(problems, "name", spec.Name, L.MaxNameLength);
        if (!Enum.IsDefined(spec.Mode))
        {
            problems.Add($"mode: {(int)spec.Mode} is not one of bc, sr, bc_sr, eval");
        }
        Text(problems, "dataset", spec.Dataset, L.MaxDatasetLength);
        if (spec.DatasetVersion is < 1)
        {
            problems.Add($"dataset_version: {spec.DatasetVersion} is not a version number (1 or more; 'sotopia data list' lists them)");
        }
        if (spec.Backend is not ("simulator" or "llm"))
        {
            problems.Add($"backend: '{Shorten(spec.Backend)}' is not one of simulator, llm");
        }
        if (Text(problems, "policy_name", spec.PolicyName, L.MaxPolicyNameLength) && !PolicyNamePattern().IsMatch(spec.PolicyName))
        {
            problems.Add($"policy_name: '{Shorten(spec.PolicyName)}' may hold only letters, digits, '.', '_' and '-', and must start with a letter or digit");
        }
        Range(problems, "sr_rounds", spec.SrRounds, 0, L.MaxSrRounds);
        if (spec.Mode is CampaignMode.Sr && spec.SrRounds == 0)
        {
            problems.Add("sr_rounds: an 'sr' campaign needs at least one round");
        }
        var trainingRounds = TrainingRounds(spec);
        var sets = spec.RoundScenarioSets.IsDefault ? [] : spec.RoundScenarioSets;
        if (sets.Length > trainingRounds)
        {
            problems.Add($"round_scenario_sets: {sets.Length} sets for {trainingRounds} training round(s) (one set per training round, BC first)");
        }
        for (var i = 0; i < sets.Length; i++)
        {
            Text(problems, $"round_scenario_sets[{i}]", sets[i], L.MaxSetNameLength);
        }
        Range(problems, "scenarios_per_round", spec.ScenariosPerRound, 1, L.MaxScenariosPerRound);
        Range(problems, "pairs_per_scenario", spec.PairsPerScenario, 1, L.MaxPairsPerScenario);
        ValidateFilter(problems, spec.Filter);
        ValidateTrainer(problems, spec.Trainer);
        Text(problems, "evaluation_set", spec.EvaluationSet, L.MaxSetNameLength);
        if (spec.EvaluationSet == SotopiaDataLoader.AllScenariosSet && !spec.SkipEvaluation && trainingRounds > sets.Length)
        {
            problems.Add(
                $"evaluation_set: '{SotopiaDataLoader.AllScenariosSet}' holds every scenario, so {trainingRounds - sets.Length} training round(s) without a set in round_scenario_sets would have no fresh scenario to train on; use mode eval, name a set per training round, or evaluate on another set");
        }
        Range(problems, "evaluation_pairs_per_scenario", spec.EvaluationPairsPerScenario, 1, L.MaxPairsPerScenario);
        var versions = spec.EvaluateVersions.IsDefault ? [] : spec.EvaluateVersions;
        if (versions.Length > L.MaxEvaluateVersions)
        {
            problems.Add($"evaluate_versions: {versions.Length} versions, more than {L.MaxEvaluateVersions}");
        }
        foreach (var (version, i) in versions.Select((v, i) => (v, i)).Where(x => x.v < 0))
        {
            problems.Add($"evaluate_versions[{i}]: {version} is not a version number (0 or more)");
        }
        if (spec.Mode == CampaignMode.Eval && spec.SkipEvaluation)
        {
            problems.Add("skip_evaluation: an 'eval' campaign cannot skip evaluation");
        }
        if (spec.Seed < 0 || spec.Seed > L.MaxSeed)
        {
            problems.Add($"seed: {spec.Seed} is outside 0..{L.MaxSeed} (2^53 - 1)");
        }
        ValidateBudget(problems, spec.Budget);
        return problems;
    }

    /// <summary>BC rounds plus SR rounds: the rounds that play on training scenarios.</summary>
    public static int TrainingRounds(CampaignSpec spec) =>
        (spec.Mode is CampaignMode.Bc or CampaignMode.BcSr ? 1 : 0)
        + (spec.Mode is CampaignMode.Sr or CampaignMode.BcSr ? Math.Max(0, spec.SrRounds) : 0);

    private static void ValidateFilter(List<string> problems, FilterOptions? filter)
    {
        if (filter is null)
        {
            problems.Add("filter: must not be null");
            return;
        }
        Range(problems, "filter.top_k", filter.TopK, 1, L.MaxTopK);
        if (filter.TopFraction is { } fraction && (!double.IsFinite(fraction) || fraction <= 0 || fraction > 1))
        {
            problems.Add($"filter.top_fraction: {Number(fraction)} is not in (0, 1]");
        }
        if (filter.MinGoal is { } minGoal)
        {
            Real(problems, "filter.min_goal", minGoal, L.MinGoalScore, L.MaxGoalScore, "0", "10");
        }
    }

    private static void ValidateTrainer(List<string> problems, TrainerSettings? trainer)
    {
        if (trainer is null)
        {
            problems.Add("trainer: must not be null");
            return;
        }
        if (!L.TrainerBackends.Contains(trainer.Backend))
        {
            problems.Add($"trainer.backend: '{Shorten(trainer.Backend)}' is not one of {string.Join(", ", L.TrainerBackends)}");
        }
        Range(problems, "trainer.epochs", trainer.Epochs, 1, L.MaxEpochs);
        Real(problems, "trainer.learning_rate", trainer.LearningRate, L.MinLearningRate, L.MaxLearningRate, "1e-6", "10");
        Range(problems, "trainer.max_prompt_tokens", trainer.MaxPromptTokens, 1, L.MaxPromptTokens);
        var options = trainer.Options ?? [];
        if (options.Count > L.MaxTrainerOptions)
        {
            problems.Add($"trainer.options: {options.Count} entries, more than {L.MaxTrainerOptions}");
            return;
        }
        foreach (var (key, value) in options.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            if (!Key(problems, "trainer.options", key, L.MaxTrainerOptionKeyLength))
            {
                continue;
            }
            if ((value ?? "").Length > L.MaxTrainerOptionValueLength)
            {
                problems.Add($"trainer.options.{key}: the value has {value!.Length} characters, more than {L.MaxTrainerOptionValueLength}");
            }
        }
    }

    private static void ValidateBudget(List<string> problems, CampaignBudget? budget)
    {
        if (budget is null)
        {
            problems.Add("budget: must not be null");
            return;
        }
        if (budget.MaxTokens is { } tokens && (tokens < 1 || tokens > L.MaxTokens))
        {
            problems.Add($"budget.max_tokens: {tokens} is outside 1..{L.MaxTokens}");
        }
        if (budget.MaxCostUsd is { } usd && (usd < 0 || usd > L.MaxCostUsd))
        {
            problems.Add($"budget.max_cost_usd: {usd.ToString(CultureInfo.InvariantCulture)} is not between 0 and {L.MaxCostUsd.ToString(CultureInfo.InvariantCulture)}");
        }
        var prices = budget.Prices ?? [];
        if (prices.Count > L.MaxPrices)
        {
            problems.Add($"budget.prices: {prices.Count} models, more than {L.MaxPrices}");
            return;
        }
        foreach (var (model, price) in prices.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!Key(problems, "budget.prices", model, L.MaxModelNameLength))
            {
                continue;
            }
            if (price is null)
            {
                problems.Add($"budget.prices.{model}: must not be null");
                continue;
            }
            Price(problems, $"budget.prices.{model}.input_per_million", price.InputPerMillion);
            Price(problems, $"budget.prices.{model}.cached_input_per_million", price.CachedInputPerMillion);
            Price(problems, $"budget.prices.{model}.output_per_million", price.OutputPerMillion);
        }
    }

    private static void Price(List<string> problems, string field, decimal value)
    {
        if (value < 0 || value > L.MaxPricePerMillion)
        {
            problems.Add($"{field}: {value.ToString(CultureInfo.InvariantCulture)} is not between 0 and {L.MaxPricePerMillion.ToString(CultureInfo.InvariantCulture)} (US dollars per million tokens)");
        }
    }

    /// <summary>A required single-line text of at most <paramref name="maxLength"/> characters; false if it is not.</summary>
    private static bool Text(List<string> problems, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{field}: must not be empty");
            return false;
        }
        if (value.Length > maxLength)
        {
            problems.Add($"{field}: {value.Length} characters, more than {maxLength}");
            return false;
        }
        if (value.Any(char.IsControl))
        {
            problems.Add($"{field}: '{Shorten(value)}' contains control characters (line breaks, tabs, …)");
            return false;
        }
        return true;
    }

    /// <summary>A key of a map field: non-empty, at most <paramref name="maxLength"/> characters, no control
    /// characters; problems are reported on the map field, since the key itself is what is wrong.</summary>
    private static bool Key(List<string> problems, string field, string key, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(key) || key.Length > maxLength || key.Any(char.IsControl))
        {
            problems.Add($"{field}: the key '{Shorten(key)}' must be 1 to {maxLength} characters without control characters");
            return false;
        }
        return true;
    }

    private static void Range(List<string> problems, string field, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            problems.Add($"{field}: {value} is outside {min}..{max}");
        }
    }

    private static void Real(List<string> problems, string field, double value, double min, double max, string minText, string maxText)
    {
        if (!double.IsFinite(value) || value < min || value > max)
        {
            problems.Add($"{field}: {Number(value)} is not between {minText} and {maxText}");
        }
    }

    /// <summary>A double as written in spec files: <c>0.5</c>, <c>1e+308</c>, <c>NaN</c>, <c>Infinity</c>.</summary>
    private static string Number(double value) =>
        double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e') : value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A value quoted in a message: at most 60 characters, control characters shown as '?'.</summary>
    private static string Shorten(string? value)
    {
        var text = new string((value ?? "").Take(61).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return text.Length > 60 ? text[..60] + "…" : text;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex PolicyNamePattern();
}
