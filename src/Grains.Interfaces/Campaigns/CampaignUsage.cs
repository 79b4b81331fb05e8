using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>A campaign's model usage so far: totals, per model, and the cost counted with the campaign's price
/// table. Computed from the usage stored on every turn and judgement.</summary>
[Immutable]
public sealed record CampaignUsage
{
    public long Calls { get; init; }
    public long PromptTokens { get; init; }
    public long CompletionTokens { get; init; }
    public long CachedTokens { get; init; }
    /// <summary>Cost of the priced models (unpriced ones count 0; see <see cref="UnpricedModels"/>).</summary>
    public decimal CostUsd { get; init; }
    public ImmutableArray<ModelUsage> ByModel { get; init; } = [];
    /// <summary>Models that were called but have no price in the table.</summary>
    public ImmutableArray<string> UnpricedModels { get; init; } = [];

    [System.Text.Json.Serialization.JsonIgnore]
    public long TotalTokens => PromptTokens + CompletionTokens;

    public static CampaignUsage None { get; } = new();

    /// <summary>Which limit of <paramref name="budget"/> this usage reached, as a sentence, or null if none.</summary>
    public string? ExceededLimit(CampaignBudget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        if (budget.MaxTokens is { } tokens && TotalTokens >= tokens)
        {
            return $"token budget reached: {TotalTokens:N0} of {tokens:N0} tokens used";
        }
        if (budget.MaxCostUsd is { } cost && CostUsd >= cost)
        {
            return $"cost budget reached: ${CostUsd:0.####} of ${cost:0.##} spent";
        }
        return null;
    }
}
