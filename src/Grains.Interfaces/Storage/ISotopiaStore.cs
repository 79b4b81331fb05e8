namespace SotopiaPi.Grains.Interfaces;

/// <summary>The project store: one implementation per database (SQLite embedded, PostgreSQL cluster), both
/// passing the same contract test suite. It holds what users read and what grains resume from — datasets,
/// episodes, turns, evaluations, campaigns, policies, training requests — and the grains' Orleans state. It has no
/// notion of who runs what: Orleans decides that; every write a stale activation could make is conditional
/// (an episode's fence, a campaign's revision, a grain state's ETag, the primary key of a turn).</summary>
public interface ISotopiaStore : IEpisodeStore, ICampaignStore, IPolicyStore, ITrainingStore, IDatasetStore, IGrainStateStore,
    IAsyncDisposable
{
    /// <summary>Creates or upgrades the schema (idempotent, safe to call from several processes at once).</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);
}
