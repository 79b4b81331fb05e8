using System.Globalization;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Runtime;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Sotopia.Llm;

namespace SotopiaPi.Client.Commands;

/// <summary>Checks a new campaign before anything is created — no store folder, no import, no lock file — so a
/// rejected <c>run</c> or <c>campaign start</c> leaves the disk as it was: the backend options, the LLM
/// configuration and its keys, every spec field (<see cref="CampaignPlan.Validate"/>), and the dataset with the
/// named sets the spec uses. The campaign launcher checks the same again when it creates the campaign.</summary>
internal static class CampaignPreflight
{
    /// <summary>Dataset problems listed one by one; the rest are counted.</summary>
    private const int MaxListedDataProblems = 50;

    /// <exception cref="UserFacingException">Listing every problem found.</exception>
    public static void Check(CampaignSpec spec, string? backend, string? configPath, decimal? budgetUsd, long? budgetTokens)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (applied, settings) = LlmBackendOptions.Apply(spec, backend, configPath, budgetUsd, budgetTokens);
        if (settings is not null && LlmGateway.MissingKeys(settings) is { Count: > 0 } missing)
        {
            throw new UserFacingException(string.Join(Environment.NewLine, missing));
        }
        var problems = CampaignPlan.Validate(applied).ToList();
        // A spec naming a stored dataset version reads no files; the launcher checks the version against the store.
        if (applied.DatasetVersion is null && !problems.Any(p => p.StartsWith("dataset:", StringComparison.Ordinal)))
        {
            problems.AddRange(DatasetProblems(applied));
        }
        if (problems.Count > 0)
        {
            throw new UserFacingException(
                "The campaign spec is not valid:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
        }
    }

    /// <summary>Checks <c>--concurrency</c>.</summary>
    public static void CheckConcurrency(int concurrency)
    {
        const int max = 65_536;
        if (concurrency is < 1 or > max)
        {
            throw new UserFacingException($"--concurrency: {concurrency} is outside 1..{max}.");
        }
    }

    private static List<string> DatasetProblems(CampaignSpec spec)
    {
        var path = DatasetLocator.Resolve(spec.Dataset);
        if (!Directory.Exists(path) && !File.Exists(path))
        {
            return [$"dataset: '{spec.Dataset}' not found (looked at {path})"];
        }
        DataLoadResult loaded;
        try
        {
            loaded = SotopiaDataLoader.Load(path);
        }
        catch (DataLoadException ex)
        {
            return [$"dataset: {ex.Message}"];
        }
        if (!loaded.IsValid)
        {
            var errors = loaded.Errors.Take(MaxListedDataProblems).Select(p => $"dataset: {p}").ToList();
            var more = loaded.ErrorCount - errors.Count;
            if (more > 0)
            {
                errors.Add($"dataset: … and {more.ToString("N0", CultureInfo.InvariantCulture)} more error(s); 'sotopia data check {path}' lists them");
            }
            return errors;
        }
        var sets = loaded.Dataset.NamedSets;
        var problems = new List<string>();
        if (!spec.SkipEvaluation && !sets.ContainsKey(spec.EvaluationSet))
        {
            problems.Add(
                $"evaluation_set: '{spec.EvaluationSet}' is not a named set of the dataset (it has: {string.Join(", ", sets.Keys.Order(StringComparer.Ordinal))}); '{SotopiaDataLoader.AllScenariosSet}' (--eval-set {SotopiaDataLoader.AllScenariosSet}) evaluates on every scenario");
        }
        foreach (var set in spec.RoundScenarioSets.Where(s => !sets.ContainsKey(s)))
        {
            problems.Add($"round_scenario_sets: '{set}' is not a named set of the dataset");
        }
        return problems;
    }
}
