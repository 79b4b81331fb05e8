using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Removes API keys from text before it leaves the gateway (exception messages, logs, stored failure
/// reasons): every key value the gateway has read, and anything shaped like an OpenAI key (<c>sk-…</c>, including
/// the partly masked form OpenAI echoes in 401 errors) or a bearer token.</summary>
public sealed partial class SecretScrubber
{
    private const string Mask = "***";
    private readonly ConcurrentDictionary<string, bool> _secrets = new(StringComparer.Ordinal);

    /// <summary>Remembers a key value to remove (values shorter than 6 characters, such as vLLM's "EMPTY", are not
    /// secrets).</summary>
    public void Add(string? secret)
    {
        if (!string.IsNullOrEmpty(secret) && secret.Length >= 6)
        {
            _secrets[secret] = true;
        }
    }

    public string Scrub(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }
        foreach (var secret in _secrets.Keys)
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }
        text = KeyPattern().Replace(text, "sk-" + Mask);
        return BearerPattern().Replace(text, "Bearer " + Mask);
    }

    [GeneratedRegex(@"sk-[A-Za-z0-9_\-\*\.]{6,}", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"Bearer\s+[A-Za-z0-9_\-\.=:/\+\*]{6,}", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex BearerPattern();
}
