namespace SotopiaPi.Sotopia.Prompts;

/// <summary>Estimates tokens as <c>ceil(chars / CharsPerToken)</c>.</summary>
/// <remarks>With the default 4 characters per token this is the usual rule of thumb for English text under
/// OpenAI-style BPE tokenizers (GPT-3.5/4 average slightly over 4 characters per token on English prose, so it
/// errs on the side of more tokens there). SentencePiece tokenizers such as Llama-2's or Mistral's (what SOTOPIA-π
/// truncated for) produce roughly 10–20% more tokens on the same text; use about 3.4 characters per token to stay
/// on the safe side for them. Counts UTF-16 code units, so it is deterministic and culture-independent.</remarks>
public sealed class CharCountTokenEstimator : ITokenEstimator
{
    /// <summary>4 characters per token.</summary>
    public static CharCountTokenEstimator Default { get; } = new(4.0);

    public CharCountTokenEstimator(double charsPerToken)
    {
        if (!double.IsFinite(charsPerToken) || charsPerToken <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(charsPerToken), charsPerToken, "Characters per token must be a positive number.");
        }
        CharsPerToken = charsPerToken;
    }

    public double CharsPerToken { get; }

    public int EstimateTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return (int)Math.Ceiling(text.Length / CharsPerToken);
    }
}
