using SotopiaPi.Silo.Hosting;
using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using SotopiaPi.Client.Embedded;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Llm;

namespace SotopiaPi.Client.Commands;

/// <summary>The command-line options and glue of the LLM backend (<c>--backend llm --config FILE</c> and budgets),
/// shared by <c>run</c>, <c>campaign start</c>, <c>models</c> and <c>tasks</c>.</summary>
internal static class LlmBackendOptions
{
    public const string TrainerNote =
        "BC/SR rounds of the LLM backend train through the 'openai' trainer backend (OpenAI fine-tuning, billed by OpenAI; SR rounds continue from the previous fine-tuned model). For a self-hosted model, run the trainer process with the 'external' LoRA + vLLM backend instead. If training fails (no key, a failed job), the campaign fails with the reason and the round's SFT data stays in the artifacts folder.";

    public static Option<string?> CreateBackend() => new("--backend") { Description = "simulator (offline, default) or llm (OpenAI-compatible endpoints)." };

    public static Option<string?> CreateConfig() => new("--config")
    {
        Description = $"LLM configuration file (YAML or JSON); default: ${LlmDefaults.ConfigVariable}, else every role on ${LlmDefaults.BaseUrlVariable} with ${LlmDefaults.ApiKeyVariable}.",
    };

    public static Option<decimal?> CreateBudgetUsd() => new("--budget-usd") { Description = "Pause the campaign when its model calls have cost this many US dollars." };

    public static Option<long?> CreateBudgetTokens() => new("--budget-tokens") { Description = "Pause the campaign when its model calls have used this many tokens (prompt + completion)." };

    /// <summary>For a new campaign: applies <c>--backend</c>; for an LLM campaign loads the configuration, completes
    /// the spec (<see cref="Prepare"/>), checks keys and policy, and makes the runtime host the LLM backend.</summary>
    public static async Task<CampaignSpec> ConfigureNewAsync(
        EmbeddedRuntime runtime, CampaignSpec spec, string? backend, string? configPath, decimal? budgetUsd, long? budgetTokens, CancellationToken ct)
    {
        (spec, var loaded) = Apply(spec, backend, configPath, budgetUsd, budgetTokens);
        if (loaded is not { } settings)
        {
            return spec;
        }
        await CheckPolicyAsync(runtime.Store, spec.PolicyName, ct);
        Use(runtime, settings);
        Spectre.Console.AnsiConsole.MarkupLineInterpolated($"LLM backend ({settings.Origin}): {string.Join(", ", LlmSettings.RoleNames.Select(r => $"{r} {settings.Role(r).Model}"))}.");
        if (spec.Mode != CampaignMode.Eval)
        {
            Spectre.Console.AnsiConsole.MarkupLineInterpolated($"[yellow]note:[/] {TrainerNote}");
        }
        return spec;
    }

    /// <summary>Applies <c>--backend</c> and, for an LLM campaign, the configuration and budget options to a new
    /// campaign's spec (<see cref="Prepare"/>); needs nothing but the files named, so it can run before a store is
    /// opened. Returns the LLM settings, or null for the simulator.</summary>
    public static (CampaignSpec Spec, LlmSettings? Settings) Apply(
        CampaignSpec spec, string? backend, string? configPath, decimal? budgetUsd, long? budgetTokens)
    {
        if (backend is not null)
        {
            var name = backend.Trim().ToLowerInvariant();
            if (name is not ("simulator" or "llm"))
            {
                throw new UserFacingException($"--backend: '{backend}' is not one of simulator, llm.");
            }
            spec = spec with { Backend = name };
        }
        if (spec.Backend != "llm")
        {
            if (configPath is not null || budgetUsd is not null || budgetTokens is not null)
            {
                throw new UserFacingException("--config, --budget-usd and --budget-tokens need --backend llm.");
            }
            return (spec, null);
        }
        var settings = LoadSettings(configPath);
        return (Prepare(spec, settings, budgetUsd, budgetTokens), settings);
    }

    /// <summary>For a resumed campaign: an LLM campaign gets the LLM backend again (before its silo starts).</summary>
    public static void ConfigureResume(EmbeddedRuntime runtime, CampaignRecord campaign, string? configPath)
    {
        if (campaign.Spec.Backend == "llm")
        {
            Use(runtime, LoadSettings(configPath));
        }
    }

    /// <summary><c>--budget-*</c> on resume replace the campaign's limits (through its grain, on the started silo); a
    /// limit still spent is reported, since the campaign will pause again at once.</summary>
    public static async Task RaiseBudgetAsync(
        EmbeddedRuntime runtime, EmbeddedSilo silo, CampaignRecord campaign, decimal? budgetUsd, long? budgetTokens, CancellationToken ct)
    {
        if (campaign.Spec.Backend != "llm")
        {
            return;
        }
        if (budgetUsd is not null || budgetTokens is not null)
        {
            var budget = campaign.Spec.Budget with
            {
                MaxCostUsd = budgetUsd ?? campaign.Spec.Budget.MaxCostUsd,
                MaxTokens = budgetTokens ?? campaign.Spec.Budget.MaxTokens,
            };
            campaign = await silo.Grains.GetGrain<ICampaignGrain>(campaign.Id).SetBudgetAsync(budget).WaitAsync(ct);
        }
        if (campaign.Spec.Budget.IsLimited
            && (await CampaignUsageCalculator.ComputeAsync(runtime.Store, campaign.Id, campaign.Spec.Budget, ct)).ExceededLimit(campaign.Spec.Budget) is { } reached)
        {
            Spectre.Console.AnsiConsole.MarkupLineInterpolated(
                $"[yellow]note:[/] {reached}; the campaign will pause again at once. Raise the limit with --budget-usd N or --budget-tokens N.");
        }
    }

    /// <summary>Loads the configuration, turning every problem into one user-facing error.</summary>
    public static LlmSettings LoadSettings(string? path)
    {
        try
        {
            return LlmConfigLoader.Load(path);
        }
        catch (LlmConfigException ex)
        {
            throw new UserFacingException(LlmConfigProblems.Describe(ex.Problems));
        }
    }

    /// <summary>Makes an LLM spec complete: trainer backend <c>openai</c> instead of the simulator's embedded one,
    /// the configuration's prices for models the spec does not price, and the budget options.</summary>
    public static CampaignSpec Prepare(CampaignSpec spec, LlmSettings settings, decimal? budgetUsd, long? budgetTokens)
    {
        var prices = spec.Budget.Prices;
        foreach (var (model, price) in settings.Prices)
        {
            if (!prices.ContainsKey(model))
            {
                prices = prices.Add(model, price);
            }
        }
        var budget = spec.Budget with
        {
            Prices = prices,
            MaxCostUsd = budgetUsd ?? spec.Budget.MaxCostUsd,
            MaxTokens = budgetTokens ?? spec.Budget.MaxTokens,
        };
        var trainer = spec.Trainer.Backend == "embedded" ? spec.Trainer with { Backend = "openai" } : spec.Trainer;
        return spec with { Backend = "llm", Budget = budget, Trainer = trainer };
    }

    /// <summary>Checks that the keys the configuration needs are set, and makes the runtime host the LLM backend.</summary>
    public static void Use(EmbeddedRuntime runtime, LlmSettings settings)
    {
        var missing = LlmGateway.MissingKeys(settings);
        if (missing.Count > 0)
        {
            throw new UserFacingException(string.Join(Environment.NewLine, missing));
        }
        runtime.Backend = services => services.AddSotopiaLlmBackend(settings);
    }

    /// <summary>A policy whose base version was made by the simulator cannot be played by a language model.</summary>
    public static async Task CheckPolicyAsync(ISotopiaStore store, string policyName, CancellationToken ct)
    {
        if (await store.GetVersionAsync(policyName, 0, ct) is { } baseVersion && baseVersion.Model.StartsWith("sim-", StringComparison.Ordinal))
        {
            throw new UserFacingException(
                $"Policy '{policyName}' in this folder belongs to the offline simulator (base model {baseVersion.Model}); run the LLM backend in another --out/--home folder or with another policy_name.");
        }
    }
}
