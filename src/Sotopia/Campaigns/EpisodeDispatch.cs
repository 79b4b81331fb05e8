namespace SotopiaPi.Sotopia.Campaigns;

/// <summary>Which of a round's unfinished episodes a campaign has started, on which silo, and which wait: it keeps
/// every silo's capacity in flight and no more, placing each episode it starts on the silo with the most free slots
/// (so a round spreads evenly from the first episode, whatever the runtime's placement statistics know yet).
/// Interrupted episodes (their silo stopped first, or left the cluster) go to the front of the queue. Not
/// thread-safe: its campaign grain's single-threaded scheduler is its only user.</summary>
public sealed class EpisodeDispatch
{
    private readonly LinkedList<string> _waiting = new();
    private readonly Dictionary<string, LinkedListNode<string>> _waitingNodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _inFlight = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perSilo = new(StringComparer.Ordinal);
    private long _silosVersion = long.MinValue;

    /// <summary>The round the episodes belong to, or -1 before <see cref="Load"/>.</summary>
    public int Round { get; private set; } = -1;

    public int Waiting => _waiting.Count;

    /// <summary>The episodes in flight and the silo each was placed on.</summary>
    public IReadOnlyDictionary<string, string> InFlight => _inFlight;

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
        _perSilo.Clear();
        Round = -1;
    }

    /// <summary>Places waiting episodes on the silos with free slots (most free first) until every silo is full or
    /// nothing waits; returns them with their silo. When the set of silos changed since the last call, the episodes in
    /// flight on silos that left go back to the front of the queue first.</summary>
    public IReadOnlyList<(string EpisodeId, string Silo)> TakeStartable(EpisodeSilos silos)
    {
        ArgumentNullException.ThrowIfNull(silos);
        if (silos.Version != _silosVersion)
        {
            _silosVersion = silos.Version;
            RequeueDeparted(silos);
        }
        if (_waiting.Count == 0 || silos.Members.IsDefaultOrEmpty)
        {
            return [];
        }
        var free = new PriorityQueue<string, int>();
        foreach (var silo in silos.Members)
        {
            var slots = silo.Capacity - _perSilo.GetValueOrDefault(silo.Key);
            if (slots > 0)
            {
                free.Enqueue(silo.Key, -slots);
            }
        }
        var started = new List<(string, string)>();
        while (_waiting.First is { } first && free.TryDequeue(out var key, out var negativeSlots))
        {
            _waiting.RemoveFirst();
            _waitingNodes.Remove(first.Value);
            Place(first.Value, key);
            started.Add((first.Value, key));
            if (negativeSlots < -1)
            {
                free.Enqueue(key, negativeSlots + 1);
            }
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
        return Unplace(episodeId);
    }

    /// <summary>The episode must be started again (its silo stopped before it ended, or starting it failed): it goes
    /// to the front of the queue. Returns false when it was not in flight.</summary>
    public bool Interrupted(string episodeId)
    {
        if (!Unplace(episodeId))
        {
            return false;
        }
        _waitingNodes[episodeId] = _waiting.AddFirst(episodeId);
        return true;
    }

    private void RequeueDeparted(EpisodeSilos silos)
    {
        var present = silos.Members.Select(m => m.Key).ToHashSet(StringComparer.Ordinal);
        var departed = _inFlight.Where(e => !present.Contains(e.Value)).Select(e => e.Key).ToList();
        foreach (var episodeId in departed)
        {
            Interrupted(episodeId);
        }
    }

    private void Place(string episodeId, string silo)
    {
        _inFlight[episodeId] = silo;
        _perSilo[silo] = _perSilo.GetValueOrDefault(silo) + 1;
    }

    private bool Unplace(string episodeId)
    {
        if (!_inFlight.Remove(episodeId, out var silo))
        {
            return false;
        }
        if (_perSilo[silo] == 1)
        {
            _perSilo.Remove(silo);
        }
        else
        {
            _perSilo[silo]--;
        }
        return true;
    }
}
