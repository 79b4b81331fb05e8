namespace SotopiaPi.Grains.Interfaces;

/// <summary>What a model costs, in US dollars per million tokens: fresh prompt tokens, prompt tokens served from
/// the provider's prompt cache, and completion tokens.</summary>
[Immutable]
public sealed record ModelPrice
{
    public decimal InputPerMillion { get; init; }
    /// <summary>Price of cached prompt tokens (OpenAI bills them at a discount; a self-hosted server costs 0).</summary>
    public decimal CachedInputPerMillion { get; init; }
    public decimal OutputPerMillion { get; init; }

    /// <summary>The cost of one call: uncached prompt tokens at the input price, cached ones at the cached price,
    /// completion tokens at the output price.</summary>
    public decimal Cost(CallUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var cached = Math.Clamp(usage.CachedTokens, 0, Math.Max(0, usage.PromptTokens));
        var fresh = Math.Max(0, usage.PromptTokens) - cached;
        return ((fresh * InputPerMillion) + (cached * CachedInputPerMillion) + (Math.Max(0, usage.CompletionTokens) * OutputPerMillion)) / 1_000_000m;
    }
}
