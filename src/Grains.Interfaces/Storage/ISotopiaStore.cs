namespace SotopiaPi.Grains.Interfaces;

/// <summary>The whole store: one implementation per database (SQLite embedded, PostgreSQL cluster), both
/// passing the same contract test suite.</summary>
public interface ISotopiaStore : ILeaseStore, IEpisodeStore, ICampaignStore, IPolicyStore, ITrainingStore, IDatasetStore,
    ISiloMembershipStore, IAsyncDisposable
{
    /// <summary>Creates or upgrades the schema (idempotent, safe to call from several processes at once).</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);
}
