using Microsoft.ML.Tokenizers;

namespace SotopiaPi.Sotopia.Prompts;

/// <summary>Counts tokens with a tiktoken BPE encoding (Microsoft.ML.Tokenizers with its bundled vocabularies),
/// chosen from the model name: <c>o200k_base</c> for gpt-4o, gpt-4.1, gpt-4.5, gpt-5 and the o-series (o1, o3, o4…),
/// <c>cl100k_base</c> for gpt-4 (turbo) and gpt-3.5-turbo; a fine-tuned <c>ft:BASE:…</c> model uses its base's.
/// Every other model — Llama, Mistral or anything served by vLLM or Ollama — is counted with <c>cl100k_base</c> as
/// an approximation (<see cref="IsExact"/> false): Llama 3's 128k vocabulary extends cl100k's 100k tokens, so it
/// needs at most about as many tokens; the 32k SentencePiece vocabularies of Llama 2 and Mistral-7B need roughly
/// 10–20% more tokens than cl100k on English text, so budgets for them should keep that margin.</summary>
/// <remarks>Counts the text only; a chat request adds a few framing tokens per message (about 3, plus 3 for the
/// reply) that no estimate here includes. Thread-safe; the two encodings are loaded once.</remarks>
public sealed class TiktokenTokenEstimator : ITokenEstimator
{
    public const string O200kBase = "o200k_base";
    public const string Cl100kBase = "cl100k_base";

    private static readonly Lazy<TiktokenTokenEstimator> O200k = new(() => new(O200kBase, isExact: true));
    private static readonly Lazy<TiktokenTokenEstimator> Cl100k = new(() => new(Cl100kBase, isExact: true));
    private static readonly Lazy<TiktokenTokenEstimator> Approximate = new(() => new(Cl100k.Value._tokenizer, Cl100kBase, isExact: false));

    private static readonly string[] O200kPrefixes = ["gpt-4o", "chatgpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4"];
    private static readonly string[] Cl100kPrefixes = ["gpt-4", "gpt-3.5", "gpt-35", "text-embedding-3", "text-embedding-ada-002"];

    private readonly Tokenizer _tokenizer;

    private TiktokenTokenEstimator(string encoding, bool isExact)
        : this(TiktokenTokenizer.CreateForEncoding(encoding), encoding, isExact)
    {
    }

    private TiktokenTokenEstimator(Tokenizer tokenizer, string encoding, bool isExact)
    {
        _tokenizer = tokenizer;
        Encoding = encoding;
        IsExact = isExact;
    }

    /// <summary>For models whose tokenizer is not known: <c>cl100k_base</c> as an approximation.</summary>
    public static TiktokenTokenEstimator Default => Approximate.Value;

    /// <summary>The encoding's name (<c>o200k_base</c> or <c>cl100k_base</c>).</summary>
    public string Encoding { get; }

    /// <summary>Whether this is the model's own encoding (false: an approximation for an unknown model).</summary>
    public bool IsExact { get; }

    /// <summary>The estimator for <paramref name="model"/> (null or unknown: <see cref="Default"/>).</summary>
    public static TiktokenTokenEstimator ForModel(string? model) => EncodingOf(model) switch
    {
        O200kBase => O200k.Value,
        Cl100kBase => Cl100k.Value,
        _ => Default,
    };

    /// <summary>The tiktoken encoding OpenAI uses for <paramref name="model"/>, or null when it is not an OpenAI
    /// model this table knows.</summary>
    public static string? EncodingOf(string? model)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return null;
        }
        var name = model.Trim();
        if (name.StartsWith("ft:", StringComparison.OrdinalIgnoreCase))
        {
            name = name[3..];
        }
        // Azure-style or router-style names ("openai/gpt-4o") keep the model after the last slash.
        name = name[(name.LastIndexOf('/') + 1)..];
        if (O200kPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
        {
            return O200kBase;
        }
        return Cl100kPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase)) ? Cl100kBase : null;
    }

    public int EstimateTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 0 ? 0 : _tokenizer.CountTokens(text);
    }

    public override string ToString() => IsExact ? Encoding : $"{Encoding} (approximation)";
}
