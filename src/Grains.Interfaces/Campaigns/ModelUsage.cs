namespace SotopiaPi.Grains.Interfaces;

/// <summary>Model usage summed over calls: how many answers, tokens, and their cost (null when the model has no
/// price).</summary>
[Immutable]
public sealed record ModelUsage
{
    public string Model { get; init; } = "";
    /// <summary>Answers recorded (a turn or a judgement; a repaired answer counts once with both calls' tokens).</summary>
    public long Calls { get; init; }
    public long PromptTokens { get; init; }
    public long CompletionTokens { get; init; }
    public long CachedTokens { get; init; }
    public decimal? CostUsd { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public long TotalTokens => PromptTokens + CompletionTokens;
}
