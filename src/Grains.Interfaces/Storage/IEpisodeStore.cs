using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>Episodes and their turns. An episode is played by one Orleans activation at a time, but after a
/// crash or a freeze a stale activation can briefly coexist with the new one: every write an activation makes
/// carries the <see cref="EpisodeFence"/> it got from <see cref="BeginEpisodeAsync"/>, and the store refuses it
/// (<see cref="StaleWriteException"/>) once a newer activation has begun.</summary>
public interface IEpisodeStore
{
    /// <summary>Creates episodes that do not exist yet (by id; existing ids are left untouched, so a campaign
    /// that re-creates a round after a crash makes no duplicates). Returns how many were new.</summary>
    Task<int> CreateEpisodesAsync(IReadOnlyList<EpisodeRecord> episodes, CancellationToken cancellationToken = default);

    /// <summary>Begins (or resumes) playing an episode. If it is pending or running, it becomes running and gets
    /// a new fence (the previous value + 1): from now on only writes with this fence are accepted. Returns the
    /// episode with its stored turns and the fence. An episode that already ended (completed, evaluation failed,
    /// failed, cancelled) is returned as it is, with <see cref="EpisodeActivation.Fence"/> null and no change.
    /// Null when no episode has this id.</summary>
    Task<EpisodeActivation?> BeginEpisodeAsync(string episodeId, CancellationToken cancellationToken = default);

    /// <summary>Appends a turn. Refused with <see cref="StaleWriteException"/> unless <paramref name="fence"/> is the
    /// episode's current fence and the episode is running. Turns are contiguous: <c>turn.Number</c> must equal the
    /// number of turns already stored, otherwise <see cref="InvalidOperationException"/>. Durable when it returns.</summary>
    Task AppendTurnAsync(EpisodeFence fence, Turn turn, CancellationToken cancellationToken = default);

    /// <summary>Records the episode's end (completed, evaluation failed or failed). Conditional like
    /// <see cref="AppendTurnAsync"/>: a stale or already-ended episode refuses it with <see cref="StaleWriteException"/>.</summary>
    Task CompleteEpisodeAsync(EpisodeFence fence, EpisodeCompletion completion, CancellationToken cancellationToken = default);

    /// <summary>Marks every unfinished episode of a campaign cancelled and advances their fences, so an activation
    /// still playing one has its next write refused. Returns how many were cancelled.</summary>
    Task<int> CancelEpisodesAsync(string campaignId, CancellationToken cancellationToken = default);

    Task<EpisodeRecord?> GetEpisodeAsync(string episodeId, CancellationToken cancellationToken = default);

    Task<ImmutableArray<Turn>> GetTurnsAsync(string episodeId, CancellationToken cancellationToken = default);

    /// <summary>Every episode matching the query, oldest first (created_at, id). No default limit: a computation
    /// (filtering, evaluation, export) sees every episode. <see cref="EpisodeQuery.Limit"/> and
    /// <see cref="EpisodeQuery.Offset"/> page only when set.</summary>
    Task<IReadOnlyList<EpisodeRecord>> ListEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken = default);

    /// <summary>What a report needs of every episode of a campaign (<see cref="EpisodeReportRow"/>), oldest first
    /// (created_at, id), read from the stores' narrow report table (SQLite: in keyset pages; PostgreSQL: one query): no episode document, no turn
    /// (running episodes' usage, not summed yet, comes from one query over their turns). No limit.</summary>
    Task<IReadOnlyList<EpisodeReportRow>> ListEpisodeReportRowsAsync(string campaignId, CancellationToken cancellationToken = default);

    /// <summary>Ids of a round's episodes that are pending or running, oldest first: what its campaign still has
    /// to get played (running ones first, then pending ones).</summary>
    Task<IReadOnlyList<string>> ListUnfinishedEpisodeIdsAsync(string campaignId, int round, CancellationToken cancellationToken = default);

    Task<EpisodeCounts> CountEpisodesAsync(string campaignId, int? round = null, CancellationToken cancellationToken = default);

    /// <summary>How many episodes match the query's filters (campaign, round, phase, status, scenario); its
    /// <see cref="EpisodeQuery.After"/>, <see cref="EpisodeQuery.Offset"/> and <see cref="EpisodeQuery.Limit"/> are
    /// ignored. One indexed count: no episode is read.</summary>
    Task<int> CountMatchingEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken = default);

    /// <summary>How many writes this store instance refused as stale (a fence no longer current) since it was opened.</summary>
    long StaleWritesRefused { get; }
}
