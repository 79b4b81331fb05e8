using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.Sotopia.Prompts;
using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.Silo.Hosting;

/// <summary>Hosting for the LLM backend.</summary>
public static class LlmServiceCollectionExtensions
{
    /// <summary>The LLM backend: agents (π-agent, π-partner, expert) and the judge on the configured endpoints through
    /// one <see cref="LlmGateway"/> (its Microsoft.Extensions.AI pipeline records telemetry in
    /// <see cref="SotopiaInstruments"/> when they are registered), the task generator, and the campaign budget gate (when a store is registered). The
    /// fixed roles' models become the campaign's <see cref="CampaignModels"/> (the policy's base version uses the
    /// π-agent role's model).</summary>
    public static IServiceCollection AddSotopiaLlmBackend(this IServiceCollection services, LlmSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (services.Any(d => d.ServiceType == typeof(LlmBackendMarker)))
        {
            return services;
        }
        services.AddSingleton<LlmBackendMarker>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(settings);
        services.TryAddSingleton(sp => sp.GetService<ISotopiaStore>() is { } store && sp.GetService<ICampaignControl>() is { } campaigns
            ? new LlmBudgetGateHolder(new LlmBudgetGate(store, store, campaigns, settings, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<LlmBudgetGate>>()))
            : new LlmBudgetGateHolder(null));
        services.TryAddSingleton(sp => new LlmGateway(
            settings,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<LlmGateway>>(),
            sp.GetRequiredService<LlmBudgetGateHolder>().Gate,
            instruments: sp.GetService<SotopiaInstruments>()));
        services.TryAddSingleton<ILlmGateway>(sp => sp.GetRequiredService<LlmGateway>());
        services.TryAddSingleton<IPromptReader, AgentPromptReader>();
        services.TryAddSingleton<IPolicyProvider>(sp => new LlmPolicyProvider(sp.GetRequiredService<ILlmGateway>()));
        services.TryAddSingleton<IEpisodeJudge>(sp => new LlmJudge(sp.GetRequiredService<ILlmGateway>(), settings.Role(AgentRoles.Judge).Model));
        services.TryAddSingleton(sp => new LlmTaskGenerator(sp.GetRequiredService<ILlmGateway>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(new CampaignModels(
            settings.Role(AgentRoles.Expert).Model,
            settings.Role(AgentRoles.Partner).Model,
            settings.Role(AgentRoles.Policy).Model));
        return services;
    }

    /// <summary>The silo's campaign budget gate, or null without an LLM backend (or without a store).</summary>
    internal static LlmBudgetGate? BudgetGate(this IServiceProvider services) =>
        services.GetService<LlmBudgetGateHolder>()?.Gate;

    private sealed class LlmBackendMarker;

    /// <summary>The budget gate, or null without a silo (task generation and checks run without one).</summary>
    private sealed record LlmBudgetGateHolder(LlmBudgetGate? Gate);
}
