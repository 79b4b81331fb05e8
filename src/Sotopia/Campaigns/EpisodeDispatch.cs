namespace SotopiaPi.Sotopia.Campaigns;

/// <summary>Which of a round's unfinished episodes a campaign has started and which wait, so it keeps the
/// cluster's capacity in flight and no more. Interrupted episodes (their silo stopped first) go to the front of
/// the queue. Not thread-safe: its campaign grain's single-threaded scheduler is its only user.</summary>
public sealed class EpisodeDispatch
{
    private readonly LinkedList<string> _waiting = new();
    private readonly Dictionary<string, LinkedListNode<string>> _waitingNodes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inFlight = new(StringComparer.Ordinal);

    /// <summary>The round the episodes belong to, or -1 before <see cref="Load"/>.</summary>
    public int Round { get; private set; } = -1;

    public int Waiting => _waiting.Count;

    public IReadOnlyCollection<string> InFlight => _inFlight;

    /// <summary>Nothing waits and nothing is in flight.</summary>
    public bool IsIdle => _waiting.Count == 0 && _inFlight.Count == 0;

    /// <summary>Replaces everything with a round's unfinished episodes as the store lists them (running ones
    /// first): all of them wait to be started (starting one that still plays changes nothing).</summary>
    public void Load(int round, IEnumerable<string> unfinishedEpisodeIds)
    {
        ArgumentNullException.ThrowIfNull(unfinishedEpisodeIds);
        Clear();
        Round = round;
        foreach (var id in unfinishedEpisodeIds)
        {
            if (!_waitingNodes.ContainsKey(id))
            {
                _waitingNodes[id] = _waiting.AddLast(id);
            }
        }
    }

    /// <summary>Forgets everything (the round changed, or the campaign was cancelled).</summary>
    public void Clear()
    {
        _waiting.Clear();
        _waitingNodes.Clear();
        _inFlight.Clear();
        Round = -1;
    }

    /// <summary>Moves waiting episodes into flight until <paramref name="capacity"/> are in flight; returns them.</summary>
    public IReadOnlyList<string> TakeStartable(int capacity)
    {
        var free = capacity - _inFlight.Count;
        if (free <= 0 || _waiting.Count == 0)
        {
            return [];
        }
        var started = new List<string>(Math.Min(free, _waiting.Count));
        while (started.Count < free && _waiting.First is { } first)
        {
            _waiting.RemoveFirst();
            _waitingNodes.Remove(first.Value);
            _inFlight.Add(first.Value);
            started.Add(first.Value);
        }
        return started;
    }

    /// <summary>The episode ended (its outcome is stored). Returns false when it was not known.</summary>
    public bool Ended(string episodeId)
    {
        if (_waitingNodes.Remove(episodeId, out var node))
        {
            _waiting.Remove(node);
            return true;
        }
        return _inFlight.Remove(episodeId);
    }

    /// <summary>The episode must be started again (its silo stopped before it ended, or starting it failed): it goes
    /// to the front of the queue. Returns false when it was not in flight.</summary>
    public bool Interrupted(string episodeId)
    {
        if (!_inFlight.Remove(episodeId))
        {
            return false;
        }
        _waitingNodes[episodeId] = _waiting.AddFirst(episodeId);
        return true;
    }
}
