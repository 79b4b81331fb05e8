using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Data;

/// <summary>Dataset versions held in memory on each silo for building episode setups (one cache per silo, shared by
/// its episode grains), keyed by version: an episode's setup always comes from its own version (the one its
/// campaign was started on), so an import made while the silo runs is a new key, seen without a restart, and never
/// changes what running campaigns see. A version is immutable except for records added to it (tasks a campaign
/// sampled), so a miss inside a cached version reloads it. The <see cref="MaxVersions"/> most recently used
/// versions are kept.</summary>
public sealed class EpisodeSetupCache(IDatasetStore store)
{
    public const int MaxVersions = 4;

    private readonly SemaphoreSlim _reload = new(1, 1);
    private readonly Lock _lock = new();
    private readonly LinkedList<(int Version, DatasetIndex Index)> _indexes = new();

    public async ValueTask<EpisodeSetup> GetSetupAsync(EpisodeRecord episode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(episode);
        var version = episode.DatasetVersionOrLegacy;
        var index = Find(version);
        if (index is not null && index.TryGetSetup(episode, out var setup, out _))
        {
            return setup;
        }
        await _reload.WaitAsync(cancellationToken);
        try
        {
            var current = Find(version);
            if (current is not null && !ReferenceEquals(index, current) && current.TryGetSetup(episode, out setup, out _))
            {
                return setup;
            }
            SotopiaDataset dataset;
            try
            {
                dataset = await store.LoadDatasetAsync(version, cancellationToken);
            }
            catch (KeyNotFoundException ex)
            {
                throw new KeyNotFoundException($"Episode '{episode.Id}': {ex.Message}", ex);
            }
            var loaded = new DatasetIndex(dataset);
            Store(version, loaded);
            return loaded.GetSetup(episode);
        }
        finally
        {
            _reload.Release();
        }
    }

    /// <summary>The versions held now (most recently used first).</summary>
    public IReadOnlyList<int> CachedVersions
    {
        get
        {
            lock (_lock)
            {
                return [.. _indexes.Select(e => e.Version)];
            }
        }
    }

    private DatasetIndex? Find(int version)
    {
        lock (_lock)
        {
            for (var node = _indexes.First; node is not null; node = node.Next)
            {
                if (node.Value.Version == version)
                {
                    _indexes.Remove(node);
                    _indexes.AddFirst(node);
                    return node.Value.Index;
                }
            }
            return null;
        }
    }

    private void Store(int version, DatasetIndex index)
    {
        lock (_lock)
        {
            for (var node = _indexes.First; node is not null; node = node.Next)
            {
                if (node.Value.Version == version)
                {
                    _indexes.Remove(node);
                    break;
                }
            }
            _indexes.AddFirst((version, index));
            while (_indexes.Count > MaxVersions)
            {
                _indexes.RemoveLast();
            }
        }
    }
}
