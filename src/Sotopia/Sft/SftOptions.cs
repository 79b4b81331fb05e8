using SotopiaPi.Sotopia.Prompts;

namespace SotopiaPi.Sotopia.Sft;

/// <summary>How filtered trajectories become supervised fine-tuning examples (reference §d4).</summary>
public sealed record SftOptions
{
    /// <summary>Token budget of a prompt: the fewest oldest history lines are dropped so that its token count fits
    /// (the context block, instructions and turn line are always kept). SOTOPIA-π used 2,048 Llama-2 tokens.</summary>
    public int MaxPromptTokens { get; init; } = 2048;

    /// <summary>How prompt tokens are counted: by default <c>cl100k_base</c>, exact for gpt-4/gpt-3.5 and the
    /// documented approximation for Llama and Mistral models (<see cref="TiktokenTokenEstimator"/>); pass
    /// <c>TiktokenTokenEstimator.ForModel(model)</c> for the trained model's own encoding (o200k_base for gpt-4o and
    /// gpt-4.1).</summary>
    public ITokenEstimator TokenEstimator { get; init; } = TiktokenTokenEstimator.Default;

    /// <summary>Reproduce SOTOPIA-π's quirk of keeping the rendering's bracket prefix in the output argument of
    /// action and non-verbal communication (<c>"[action] starts the fire"</c>), which taught its models to repeat
    /// the prefix. Off by default: the argument is the plain text.</summary>
    public bool ReproduceBracketQuirk { get; init; }

    /// <summary>Drop examples whose output is <c>none</c> (one SOTOPIA-π script did). Off by default: every turn of
    /// the chosen seat is an example, <c>none</c> turns included, so the model also learns when to stay silent.</summary>
    public bool DropNoneTurns { get; init; }

    /// <summary>If set, examples are shuffled with <c>new Random(seed)</c> (deterministic); otherwise they stay in
    /// trajectory order, then turn order.</summary>
    public int? ShuffleSeed { get; init; }

    public static SftOptions Default { get; } = new();
}
