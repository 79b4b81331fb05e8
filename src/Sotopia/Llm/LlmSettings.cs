using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>The whole LLM configuration: every role's settings, retries, the price table, and budget bookkeeping.
/// Built by <see cref="LlmConfigLoader"/> from a file and the environment.</summary>
public sealed record LlmSettings
{
    /// <summary>The five roles, in the order reports list them.</summary>
    public static ImmutableArray<string> RoleNames { get; } =
        [AgentRoles.Policy, AgentRoles.Partner, AgentRoles.Expert, AgentRoles.Judge, AgentRoles.Generator];

    public required ImmutableDictionary<string, LlmRoleSettings> Roles { get; init; }
    public LlmRetrySettings Retry { get; init; } = new();
    /// <summary>Model → price (USD per million tokens), used for campaign cost and budgets.</summary>
    public ImmutableDictionary<string, ModelPrice> Prices { get; init; } = ImmutableDictionary<string, ModelPrice>.Empty;
    /// <summary>How often a campaign's spending is recomputed from the store (other silos' calls show up then).</summary>
    public TimeSpan BudgetRefreshInterval { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How often a paused campaign's status is read while calls for it wait.</summary>
    public TimeSpan BudgetPollInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Where the settings came from (a file path, or "defaults"), for messages.</summary>
    public string Origin { get; init; } = "defaults";

    /// <summary>The settings of <paramref name="role"/>; throws <see cref="ArgumentException"/> for an unknown role.</summary>
    public LlmRoleSettings Role(string role) =>
        Roles.TryGetValue(role, out var settings)
            ? settings
            : throw new ArgumentException($"No LLM role '{role}' is configured (roles: {string.Join(", ", Roles.Keys.Order())}).", nameof(role));
}
