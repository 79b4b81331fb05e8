using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Data;

/// <summary>The store's dataset held in memory on each silo for building episode setups (one per silo, shared by
/// its episode grains); reloaded when an episode names a
/// scenario or character it has not seen (a campaign imported new data or sampled new tasks).</summary>
public sealed class EpisodeSetupCache(IDatasetStore store)
{
    private readonly SemaphoreSlim _reload = new(1, 1);
    private DatasetIndex? _index;

    public async ValueTask<EpisodeSetup> GetSetupAsync(EpisodeRecord episode, CancellationToken cancellationToken)
    {
        var index = _index;
        if (index is not null && index.TryGetSetup(episode, out var setup, out _))
        {
            return setup;
        }
        await _reload.WaitAsync(cancellationToken);
        try
        {
            if (!ReferenceEquals(index, _index) && _index!.TryGetSetup(episode, out setup, out _))
            {
                return setup;
            }
            _index = new DatasetIndex(await store.LoadDatasetAsync(cancellationToken));
            return _index.GetSetup(episode);
        }
        finally
        {
            _reload.Release();
        }
    }
}
