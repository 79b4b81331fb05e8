namespace SotopiaPi.Sotopia.Prompts;

/// <summary>How an agent prompt is rendered. The defaults reproduce SOTOPIA's setting (each agent sees only its
/// own goal, backgrounds shown, no history truncation at play time).</summary>
public sealed record PromptOptions
{
    /// <summary>Show the other participant's goal too (SOTOPIA's <c>omniscient</c>; default off).</summary>
    public bool Omniscient { get; init; }

    /// <summary>Leave both backgrounds out (SOTOPIA's <c>lite</c>; default off).</summary>
    public bool Lite { get; init; }

    /// <summary>If set, drop the oldest history lines until the prompt's estimated size is at most this many
    /// tokens (everything else is kept, so a prompt may stay above the budget once no history is left).</summary>
    public int? MaxPromptTokens { get; init; }

    /// <summary>How prompt size is counted for <see cref="MaxPromptTokens"/>; by default <c>cl100k_base</c> (see
    /// <see cref="TiktokenTokenEstimator"/>; use <see cref="TiktokenTokenEstimator.ForModel"/> for the model's own).
    /// The default encoding is loaded on first use: rendering without a token budget never loads it (loading it
    /// costs ≈ 150 ms of CPU and ≈ 25 MB of allocations).</summary>
    public ITokenEstimator TokenEstimator
    {
        get => field ?? TiktokenTokenEstimator.Default;
        init;
    }

    public static PromptOptions Default { get; } = new();
}
