using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>How a round's filtered data is trained on.</summary>
[Immutable]
public sealed record TrainerSettings
{
    /// <summary>"embedded" (the simulator policy trainer), later "openai" and "external".</summary>
    public string Backend { get; init; } = "embedded";
    public int Epochs { get; init; } = 20;
    public double LearningRate { get; init; } = 0.5;
    /// <summary>Token budget of a training prompt (history is truncated oldest-first to fit).</summary>
    public int MaxPromptTokens { get; init; } = 2048;
    /// <summary>Backend-specific extras (base model, command template, LoRA settings…).</summary>
    public ImmutableDictionary<string, string> Options { get; init; } = ImmutableDictionary<string, string>.Empty;
}
