using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Finds scenarios whose text nearly repeats one already known. Texts are compared as lower-case word
/// sequences (letters, digits and apostrophes); two measures are used:
/// <list type="bullet">
/// <item>the Jaccard similarity of their sets of 3-word shingles (consecutive word triples) — catches copied
/// passages; near-duplicate at ≥ <see cref="ShingleThreshold"/> (default 0.5);</item>
/// <item>the Jaccard similarity of their word sets — catches the same sentence reordered or lightly reworded;
/// near-duplicate at ≥ <see cref="WordThreshold"/> (default 0.8).</item>
/// </list>
/// Two independently written scenarios on one topic score about 0.0–0.1 on shingles and 0.2–0.4 on words.</summary>
public sealed partial class NearDuplicateIndex(double shingleThreshold = NearDuplicateIndex.DefaultShingleThreshold, double wordThreshold = NearDuplicateIndex.DefaultWordThreshold)
{
    public const double DefaultShingleThreshold = 0.5;
    public const double DefaultWordThreshold = 0.8;

    private readonly List<(string Id, HashSet<string> Shingles, HashSet<string> Words)> _entries = [];

    public double ShingleThreshold { get; } = shingleThreshold;

    public double WordThreshold { get; } = wordThreshold;

    public int Count => _entries.Count;

    public void Add(string id, string text)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(text);
        var words = Words(text);
        _entries.Add((id, Shingles(words), [.. words]));
    }

    /// <summary>The known text most similar to <paramref name="text"/> if it is a near-duplicate.</summary>
    public bool TryFindNearDuplicate(string text, [MaybeNullWhen(false)] out NearDuplicateMatch match)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = Words(text);
        var shingles = Shingles(words);
        var wordSet = words.ToHashSet(StringComparer.Ordinal);
        NearDuplicateMatch? best = null;
        foreach (var (id, otherShingles, otherWords) in _entries)
        {
            var shingleScore = Jaccard(shingles, otherShingles);
            var wordScore = Jaccard(wordSet, otherWords);
            var hit = shingleScore >= ShingleThreshold || wordScore >= WordThreshold;
            if (hit && (best is null || shingleScore + wordScore > best.ShingleJaccard + best.WordJaccard))
            {
                best = new NearDuplicateMatch(id, shingleScore, wordScore);
            }
        }
        match = best;
        return best is not null;
    }

    public static double Jaccard(HashSet<string> a, HashSet<string> b)
    {
        if (a.Count == 0 && b.Count == 0)
        {
            return 1;
        }
        var (small, large) = a.Count <= b.Count ? (a, b) : (b, a);
        var common = small.Count(large.Contains);
        return common / (double)(a.Count + b.Count - common);
    }

    public static List<string> Words(string text) =>
        [.. WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value)];

    public static HashSet<string> Shingles(IReadOnlyList<string> words)
    {
        var shingles = new HashSet<string>(StringComparer.Ordinal);
        if (words.Count < 3)
        {
            if (words.Count > 0)
            {
                shingles.Add(string.Join(' ', words));
            }
            return shingles;
        }
        for (var i = 0; i + 2 < words.Count; i++)
        {
            shingles.Add($"{words[i]} {words[i + 1]} {words[i + 2]}");
        }
        return shingles;
    }

    [GeneratedRegex(@"[\p{L}\p{Nd}']+", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();
}
