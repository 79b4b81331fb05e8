using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>How much a campaign may spend on model calls, and the prices its spending is counted with. When
/// either limit is reached the campaign is paused (<see cref="CampaignStatus.Paused"/>); raising the budget and
/// resuming continues it. Both limits null = no limit.</summary>
[Immutable]
public sealed record CampaignBudget
{
    /// <summary>Total prompt + completion tokens over every call of the campaign.</summary>
    public long? MaxTokens { get; init; }
    /// <summary>Total cost in US dollars, counted with <see cref="Prices"/>.</summary>
    public decimal? MaxCostUsd { get; init; }
    /// <summary>Model name → price. A model is priced by its exact name, else by the longest name it starts with
    /// (so <c>gpt-4o-mini-2024-07-18</c> uses <c>gpt-4o-mini</c>); a model with no price costs nothing and is
    /// reported as unpriced. Filled from the LLM configuration's price table when an LLM campaign is created.</summary>
    public ImmutableDictionary<string, ModelPrice> Prices { get; init; } = ImmutableDictionary<string, ModelPrice>.Empty;

    [JsonIgnore]
    public bool IsLimited => MaxTokens is not null || MaxCostUsd is not null;

    public static CampaignBudget Unlimited { get; } = new();

    /// <summary>The price of <paramref name="model"/>: by exact name, else by the longest price key the name starts
    /// with (case-insensitive), else — for fine-tuned ids <c>ft:base:…</c> without an <c>ft:</c> price — by the
    /// base model's. Null if none matches.</summary>
    public ModelPrice? PriceOf(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (Prices.TryGetValue(model, out var exact))
        {
            return exact;
        }
        return LongestPrefix(model)
            ?? (model.StartsWith("ft:", StringComparison.OrdinalIgnoreCase) ? LongestPrefix(model[3..]) : null);
    }

    private ModelPrice? LongestPrefix(string name)
    {
        ModelPrice? best = null;
        var bestLength = -1;
        foreach (var (key, price) in Prices)
        {
            if (key.Length > bestLength && name.StartsWith(key, StringComparison.OrdinalIgnoreCase))
            {
                best = price;
                bestLength = key.Length;
            }
        }
        return best;
    }
}
