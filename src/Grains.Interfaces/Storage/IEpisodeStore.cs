using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>Episodes and their turns. Writes by the playing silo are fenced by the episode's lease.</summary>
public interface IEpisodeStore
{
    /// <summary>Creates episodes that do not exist yet (by id; existing ids are left untouched, so a campaign
    /// that re-creates a round after a crash makes no duplicates). Fenced by the campaign's lease.
    /// Returns how many were new.</summary>
    Task<int> CreateEpisodesAsync(Lease campaignLease, IReadOnlyList<EpisodeRecord> episodes, CancellationToken cancellationToken = default);

    /// <summary>Claims up to <paramref name="max"/> episodes that are pending, or running with no live lease
    /// (their owner died), taking their leases (epoch + 1) and marking them running. Oldest first.</summary>
    Task<IReadOnlyList<ClaimedEpisode>> ClaimEpisodesAsync(string owner, int max, TimeSpan leaseDuration, CancellationToken cancellationToken = default);

    /// <summary>Appends a turn. Fenced: throws <see cref="StaleEpochException"/> if the lease is not current.
    /// Turns must be contiguous: <c>turn.Number</c> must equal the number of turns already stored, otherwise
    /// <see cref="InvalidOperationException"/>; a turn is durable when the task completes.</summary>
    Task AppendTurnAsync(Lease lease, Turn turn, CancellationToken cancellationToken = default);

    /// <summary>Records the episode's end and releases its lease. Fenced like <see cref="AppendTurnAsync"/>.</summary>
    Task CompleteEpisodeAsync(Lease lease, EpisodeCompletion completion, CancellationToken cancellationToken = default);

    /// <summary>Marks every unfinished episode of a campaign cancelled (not fenced: an operator action).</summary>
    Task<int> CancelEpisodesAsync(string campaignId, CancellationToken cancellationToken = default);

    Task<EpisodeRecord?> GetEpisodeAsync(string episodeId, CancellationToken cancellationToken = default);

    Task<ImmutableArray<Turn>> GetTurnsAsync(string episodeId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<EpisodeRecord>> ListEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken = default);

    Task<EpisodeCounts> CountEpisodesAsync(string campaignId, int? round = null, CancellationToken cancellationToken = default);
}
