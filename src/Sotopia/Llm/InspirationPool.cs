using System.Text;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>The inspirations task generation draws from: deduplicated across all files (by normalized text: case,
/// spacing and final punctuation ignored; the first occurrence wins), without the ones already used for a stored
/// scenario, shuffled per source with a seed. Draws follow SOTOPIA-π's split (reference §d1): the target count is
/// divided evenly over the sources, the remainder going to the last source; when a source runs dry its share moves
/// to the others.</summary>
public sealed class InspirationPool
{
    private readonly List<string> _sources;
    private readonly Dictionary<string, Queue<Inspiration>> _queues;

    private InspirationPool(List<string> sources, Dictionary<string, Queue<Inspiration>> queues, int read, int duplicates, int alreadyUsed)
    {
        _sources = sources;
        _queues = queues;
        Read = read;
        Duplicates = duplicates;
        AlreadyUsed = alreadyUsed;
    }

    /// <summary>Inspirations read from the files.</summary>
    public int Read { get; }

    /// <summary>Dropped as duplicates of an earlier inspiration.</summary>
    public int Duplicates { get; }

    /// <summary>Dropped because a stored scenario was already generated from them.</summary>
    public int AlreadyUsed { get; }

    /// <summary>Still available to draw.</summary>
    public int Available => _queues.Values.Sum(q => q.Count);

    /// <summary>The sources present, in order of first appearance.</summary>
    public IReadOnlyList<string> Sources => _sources;

    public static InspirationPool Create(IEnumerable<Inspiration> inspirations, IEnumerable<string> alreadyUsed, long seed)
    {
        ArgumentNullException.ThrowIfNull(inspirations);
        ArgumentNullException.ThrowIfNull(alreadyUsed);
        var used = alreadyUsed.Select(Normalize).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var sources = new List<string>();
        var bySource = new Dictionary<string, List<Inspiration>>(StringComparer.Ordinal);
        int read = 0, duplicates = 0, usedCount = 0;
        foreach (var inspiration in inspirations)
        {
            read++;
            var key = Normalize(inspiration.Text);
            if (!seen.Add(key))
            {
                duplicates++;
                continue;
            }
            if (used.Contains(key))
            {
                usedCount++;
                continue;
            }
            if (!bySource.TryGetValue(inspiration.Source, out var list))
            {
                list = [];
                bySource[inspiration.Source] = list;
                sources.Add(inspiration.Source);
            }
            list.Add(inspiration);
        }
        var queues = new Dictionary<string, Queue<Inspiration>>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            var list = bySource[source];
            var random = new Random(unchecked((int)StableSeed.Derive(seed, $"inspirations/{source}")));
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(list));
            queues[source] = new Queue<Inspiration>(list);
        }
        return new InspirationPool(sources, queues, read, duplicates, usedCount);
    }

    /// <summary>How many of <paramref name="count"/> each source should provide: an even split, the remainder to
    /// the last source.</summary>
    public IReadOnlyDictionary<string, int> Quotas(int count)
    {
        var quotas = new Dictionary<string, int>(StringComparer.Ordinal);
        if (_sources.Count == 0)
        {
            return quotas;
        }
        var share = count / _sources.Count;
        for (var i = 0; i < _sources.Count; i++)
        {
            quotas[_sources[i]] = share + (i == _sources.Count - 1 ? count % _sources.Count : 0);
        }
        return quotas;
    }

    /// <summary>Takes the next unused inspiration of <paramref name="source"/>, or of the source with the most left
    /// when that one is empty (or null); null when the pool is empty.</summary>
    public Inspiration? Take(string? source)
    {
        if (source is not null && _queues.TryGetValue(source, out var queue) && queue.Count > 0)
        {
            return queue.Dequeue();
        }
        var fullest = _queues.Where(q => q.Value.Count > 0).OrderByDescending(q => q.Value.Count).ThenBy(q => _sources.IndexOf(q.Key)).FirstOrDefault();
        return fullest.Value?.Dequeue();
    }

    public int Remaining(string source) => _queues.TryGetValue(source, out var queue) ? queue.Count : 0;

    /// <summary>The text used to compare inspirations: lower case, runs of white space as one space, no surrounding
    /// space or final <c>.</c> <c>!</c> <c>?</c>.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }
            if (space && builder.Length > 0)
            {
                builder.Append(' ');
            }
            space = false;
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString().TrimEnd('.', '!', '?', ' ');
    }
}
