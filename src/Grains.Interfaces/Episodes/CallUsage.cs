namespace SotopiaPi.Grains.Interfaces;

/// <summary>Usage of one model call: tokens, latency and the model that answered.</summary>
[Immutable]
public sealed record CallUsage(string Model, int PromptTokens, int CompletionTokens, int CachedTokens, TimeSpan Latency)
{
    public static CallUsage Zero(string model) => new(model, 0, 0, 0, TimeSpan.Zero);
}
