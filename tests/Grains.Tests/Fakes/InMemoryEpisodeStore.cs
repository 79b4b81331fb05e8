using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Grains.Tests.Fakes;

/// <summary>An in-memory <see cref="IEpisodeStore"/> with the real store's fence rules, and hooks to make a write
/// fail the way a database does (before or after it commits).</summary>
internal sealed class InMemoryEpisodeStore : IEpisodeStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (EpisodeRecord Episode, long Fence)> _episodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Turn>> _turns = new(StringComparer.Ordinal);
    private long _staleRefused;

    /// <summary>Called before each append; may throw (the write then did not happen).</summary>
    public Action<Turn>? BeforeAppend { get; set; }

    /// <summary>Called after each append is stored; may throw (the write happened, its answer is lost).</summary>
    public Action<Turn>? AfterAppend { get; set; }

    /// <summary>Called before each completion; may throw (the write then did not happen).</summary>
    public Action<EpisodeCompletion>? BeforeComplete { get; set; }

    /// <summary>Called after each completion is stored; may throw (the write happened, its answer is lost).</summary>
    public Action<EpisodeCompletion>? AfterComplete { get; set; }

    public long StaleWritesRefused => Interlocked.Read(ref _staleRefused);

    public IReadOnlyList<Turn> TurnsOf(string episodeId)
    {
        lock (_gate)
        {
            return [.. _turns[episodeId]];
        }
    }

    public Task<int> CreateEpisodesAsync(IReadOnlyList<EpisodeRecord> episodes, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var created = 0;
            foreach (var episode in episodes)
            {
                if (_episodes.TryAdd(episode.Id, (episode, 0)))
                {
                    _turns[episode.Id] = [];
                    created++;
                }
            }
            return Task.FromResult(created);
        }
    }

    public Task<EpisodeActivation?> BeginEpisodeAsync(string episodeId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_episodes.TryGetValue(episodeId, out var entry))
            {
                return Task.FromResult<EpisodeActivation?>(null);
            }
            var turns = _turns[episodeId].ToImmutableArray();
            if (entry.Episode.Status is not (EpisodeStatus.Pending or EpisodeStatus.Running))
            {
                return Task.FromResult<EpisodeActivation?>(new EpisodeActivation(entry.Episode, turns, null));
            }
            var begun = (entry.Episode with { Status = EpisodeStatus.Running }, entry.Fence + 1);
            _episodes[episodeId] = begun;
            return Task.FromResult<EpisodeActivation?>(new EpisodeActivation(begun.Item1, turns, new EpisodeFence(episodeId, begun.Item2)));
        }
    }

    public Task AppendTurnAsync(EpisodeFence fence, Turn turn, CancellationToken cancellationToken = default)
    {
        BeforeAppend?.Invoke(turn);
        lock (_gate)
        {
            Check(fence);
            var turns = _turns[fence.EpisodeId];
            if (turn.Number != turns.Count)
            {
                throw new InvalidOperationException($"Turn {turn.Number} of '{fence.EpisodeId}' is not the next one ({turns.Count}).");
            }
            turns.Add(turn);
        }
        AfterAppend?.Invoke(turn);
        return Task.CompletedTask;
    }

    public Task CompleteEpisodeAsync(EpisodeFence fence, EpisodeCompletion completion, CancellationToken cancellationToken = default)
    {
        BeforeComplete?.Invoke(completion);
        lock (_gate)
        {
            Check(fence);
            var (episode, value) = _episodes[fence.EpisodeId];
            _episodes[fence.EpisodeId] = (episode with
            {
                Status = completion.Status,
                Termination = completion.Termination,
                Outcome = completion.Outcome,
                FailureReason = completion.FailureReason,
                CompletedAt = completion.CompletedAt,
            }, value);
        }
        AfterComplete?.Invoke(completion);
        return Task.CompletedTask;
    }

    public Task<int> CancelEpisodesAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var cancelled = 0;
            foreach (var (id, (episode, fence)) in _episodes.ToList())
            {
                if (episode.CampaignId == campaignId && episode.Status is EpisodeStatus.Pending or EpisodeStatus.Running)
                {
                    _episodes[id] = (episode with { Status = EpisodeStatus.Cancelled }, fence + 1);
                    cancelled++;
                }
            }
            return Task.FromResult(cancelled);
        }
    }

    public Task<EpisodeRecord?> GetEpisodeAsync(string episodeId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_episodes.TryGetValue(episodeId, out var entry) ? entry.Episode : null);
        }
    }

    public Task<ImmutableArray<Turn>> GetTurnsAsync(string episodeId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_turns[episodeId].ToImmutableArray());
        }
    }

    public Task<IReadOnlyList<EpisodeRecord>> ListEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var matching = _episodes.Values.Select(e => e.Episode)
                .Where(e => (query.CampaignId is null || e.CampaignId == query.CampaignId) && (query.Round is null || e.Round == query.Round))
                .OrderBy(e => e.CreatedAt).ThenBy(e => e.Id, StringComparer.Ordinal)
                .Skip(query.Offset);
            return Task.FromResult<IReadOnlyList<EpisodeRecord>>([.. query.Limit is { } limit ? matching.Take(limit) : matching]);
        }
    }

    /// <summary>The projection of each stored record with its turns' usage (a pending episode has none), as the
    /// stores keep it.</summary>
    public Task<IReadOnlyList<EpisodeReportRow>> ListEpisodeReportRowsAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<EpisodeReportRow>>([.. _episodes.Values.Select(e => e.Episode)
                .Where(e => e.CampaignId == campaignId)
                .OrderBy(e => e.CreatedAt).ThenBy(e => e.Id, StringComparer.Ordinal)
                .Select(e => EpisodeReportRow.From(e, _turns[e.Id].Select(t => t.Usage).OfType<CallUsage>()))]);
        }
    }

    public Task<IReadOnlyList<string>> ListUnfinishedEpisodeIdsAsync(string campaignId, int round, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<string>>([.. _episodes.Values
                .Select(e => e.Episode)
                .Where(e => e.CampaignId == campaignId && e.Round == round && e.Status is EpisodeStatus.Pending or EpisodeStatus.Running)
                .OrderBy(e => e.Status == EpisodeStatus.Running ? 0 : 1)
                .Select(e => e.Id)]);
        }
    }

    public Task<int> CountMatchingEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_episodes.Values.Select(e => e.Episode).Count(e =>
                (query.CampaignId is null || e.CampaignId == query.CampaignId) && (query.Round is null || e.Round == query.Round)
                && (query.Phase is null || e.Phase == query.Phase) && (query.Status is null || e.Status == query.Status)
                && (query.ScenarioId is null || e.ScenarioId == query.ScenarioId)));
        }
    }

    public Task<EpisodeCounts> CountEpisodesAsync(string campaignId, int? round = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var mine = _episodes.Values.Select(e => e.Episode).Where(e => e.CampaignId == campaignId && (round is null || e.Round == round)).ToList();
            int Count(EpisodeStatus s) => mine.Count(e => e.Status == s);
            return Task.FromResult(new EpisodeCounts(
                Count(EpisodeStatus.Pending), Count(EpisodeStatus.Running), Count(EpisodeStatus.Completed),
                Count(EpisodeStatus.EvaluationFailed), Count(EpisodeStatus.Failed), Count(EpisodeStatus.Cancelled)));
        }
    }

    private void Check(EpisodeFence fence)
    {
        var (episode, current) = _episodes[fence.EpisodeId];
        if (current != fence.Value || episode.Status != EpisodeStatus.Running)
        {
            Interlocked.Increment(ref _staleRefused);
            throw new StaleWriteException($"Write to episode '{fence.EpisodeId}' with fence {fence.Value} refused: its fence is {current} and it is {episode.Status}.");
        }
    }
}
