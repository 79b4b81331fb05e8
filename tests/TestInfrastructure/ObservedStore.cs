using System.Collections.Concurrent;
using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.TestInfrastructure;

/// <summary>A store that tells tests what was written to it: waits on a campaign's stored status (an event, not a poll),
/// and counts refused (stale) writes. Every call goes to the inner store.</summary>
public sealed class ObservedStore(ISotopiaStore inner) : ISotopiaStore
{
    private readonly ConcurrentDictionary<string, CampaignRecord> _campaigns = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<TaskCompletionSource<CampaignRecord>, Func<CampaignRecord, bool>> _waiters = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<long>> _fences = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<TaskCompletionSource, Func<bool>> _episodeWaiters = new();
    private readonly ConcurrentDictionary<TaskCompletionSource<TrainingRequest>, Func<TrainingRequest, bool>> _trainingWaiters = new();
    private long _completedEpisodes;
    private long _turnReads;
    private long _episodeListings;

    public ISotopiaStore Inner => inner;

    /// <summary>What else a timeout message should show (e.g. the hosts' captured warnings).</summary>
    public Func<string>? Diagnostics { get; set; }

    private string Seen() => Diagnostics is null ? "" : "\nSeen meanwhile:\n" + Diagnostics();

    /// <summary>How many episode completions this store accepted.</summary>
    public long CompletedEpisodes => Interlocked.Read(ref _completedEpisodes);

    /// <summary>Raised after an episode completion was stored.</summary>
    public event Action<EpisodeFence, EpisodeCompletion>? EpisodeCompleted;

    public long StaleWritesRefused => inner.StaleWritesRefused;

    /// <summary>The fences an episode was begun with, in order (one per activation that began it).</summary>
    public IReadOnlyList<long> FencesOf(string episodeId) => _fences.TryGetValue(episodeId, out var fences) ? [.. fences] : [];

    /// <summary>Waits until at least <paramref name="count"/> episode completions were stored.</summary>
    public Task WaitForCompletedEpisodesAsync(long count, TimeSpan timeout) =>
        WaitForEpisodesAsync(() => CompletedEpisodes >= count, $"{count} episodes completed (so far {CompletedEpisodes})", timeout);

    /// <summary>Waits until <paramref name="condition"/> (about begun, completed or refused episode writes) holds; it is
    /// checked after each begin and completion stored and each episode write refused.</summary>
    public async Task WaitForEpisodesAsync(Func<bool> condition, string what, TimeSpan timeout)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _episodeWaiters[waiter] = condition;
        try
        {
            if (condition())
            {
                return;
            }
            await waiter.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}.{Seen()}");
        }
        finally
        {
            _episodeWaiters.TryRemove(waiter, out _);
        }
    }

    private void EpisodesChanged()
    {
        foreach (var (waiter, condition) in _episodeWaiters)
        {
            if (condition())
            {
                waiter.TrySetResult();
            }
        }
    }

    /// <summary>Waits until the campaign's stored record satisfies <paramref name="condition"/>; fails after
    /// <paramref name="timeout"/> naming what it waited for and what it saw last.</summary>
    public async Task<CampaignRecord> WaitForCampaignAsync(string campaignId, Func<CampaignRecord, bool> condition, string what, TimeSpan timeout)
    {
        var waiter = new TaskCompletionSource<CampaignRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters[waiter] = c => c.Id == campaignId && condition(c);
        try
        {
            var current = _campaigns.TryGetValue(campaignId, out var known) ? known : await inner.GetCampaignAsync(campaignId);
            if (current is not null && condition(current))
            {
                return current;
            }
            return await waiter.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            var last = _campaigns.TryGetValue(campaignId, out var seen) ? seen : null;
            var counts = await inner.CountEpisodesAsync(campaignId);
            throw new TimeoutException(
                $"Waited {timeout.TotalSeconds:0} s for campaign {campaignId} to be {what}; last stored: status {last?.Status}, stage {last?.Stage}, step {last?.Step}, error '{last?.Error}'; episodes {counts}.{Seen()}");
        }
        finally
        {
            _waiters.TryRemove(waiter, out _);
        }
    }

    /// <summary>Waits until the campaign ended (completed, failed or cancelled).</summary>
    public Task<CampaignRecord> WaitForEndAsync(string campaignId, TimeSpan timeout) =>
        WaitForCampaignAsync(campaignId, c => c.Status is CampaignStatus.Completed or CampaignStatus.Failed or CampaignStatus.Cancelled, "ended", timeout);

    public async Task<bool> SaveCampaignAsync(CampaignRecord campaign, CancellationToken cancellationToken = default)
    {
        var saved = await inner.SaveCampaignAsync(campaign, cancellationToken);
        if (saved)
        {
            _campaigns.AddOrUpdate(campaign.Id, campaign, (_, old) => old.Revision >= campaign.Revision ? old : campaign);
            foreach (var (waiter, condition) in _waiters)
            {
                if (condition(campaign))
                {
                    waiter.TrySetResult(campaign);
                }
            }
        }
        return saved;
    }

    public async Task CompleteEpisodeAsync(EpisodeFence fence, EpisodeCompletion completion, CancellationToken cancellationToken = default)
    {
        try
        {
            await inner.CompleteEpisodeAsync(fence, completion, cancellationToken);
        }
        catch (StaleWriteException)
        {
            EpisodesChanged();
            throw;
        }
        Interlocked.Increment(ref _completedEpisodes);
        EpisodeCompleted?.Invoke(fence, completion);
        EpisodesChanged();
    }

    public Task MigrateAsync(CancellationToken cancellationToken = default) => inner.MigrateAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    public Task<int> CreateEpisodesAsync(IReadOnlyList<EpisodeRecord> episodes, CancellationToken cancellationToken = default) => inner.CreateEpisodesAsync(episodes, cancellationToken);

    public async Task<EpisodeActivation?> BeginEpisodeAsync(string episodeId, CancellationToken cancellationToken = default)
    {
        var begun = await inner.BeginEpisodeAsync(episodeId, cancellationToken);
        if (begun?.Fence is { } fence)
        {
            _fences.GetOrAdd(episodeId, _ => new ConcurrentQueue<long>()).Enqueue(fence.Value);
            EpisodesChanged();
        }
        return begun;
    }

    public async Task AppendTurnAsync(EpisodeFence fence, Turn turn, CancellationToken cancellationToken = default)
    {
        try
        {
            await inner.AppendTurnAsync(fence, turn, cancellationToken);
        }
        catch (StaleWriteException)
        {
            EpisodesChanged();
            throw;
        }
    }

    public Task<int> CancelEpisodesAsync(string campaignId, CancellationToken cancellationToken = default) => inner.CancelEpisodesAsync(campaignId, cancellationToken);

    public Task<EpisodeRecord?> GetEpisodeAsync(string episodeId, CancellationToken cancellationToken = default) => inner.GetEpisodeAsync(episodeId, cancellationToken);

    public Task<ImmutableArray<Turn>> GetTurnsAsync(string episodeId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _turnReads);
        return inner.GetTurnsAsync(episodeId, cancellationToken);
    }

    /// <summary>How many times an episode's turns were read (<see cref="GetTurnsAsync"/>).</summary>
    public long TurnReads => Interlocked.Read(ref _turnReads);

    /// <summary>How many times a campaign's episode records were listed (<see cref="ListEpisodesAsync"/>).</summary>
    public long EpisodeListings => Interlocked.Read(ref _episodeListings);

    public Task<IReadOnlyList<EpisodeReportRow>> ListEpisodeReportRowsAsync(string campaignId, CancellationToken cancellationToken = default) =>
        inner.ListEpisodeReportRowsAsync(campaignId, cancellationToken);

    public Task<IReadOnlyList<EpisodeRecord>> ListEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _episodeListings);
        return inner.ListEpisodesAsync(query, cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListUnfinishedEpisodeIdsAsync(string campaignId, int round, CancellationToken cancellationToken = default) =>
        inner.ListUnfinishedEpisodeIdsAsync(campaignId, round, cancellationToken);

    public Task<EpisodeCounts> CountEpisodesAsync(string campaignId, int? round = null, CancellationToken cancellationToken = default) =>
        inner.CountEpisodesAsync(campaignId, round, cancellationToken);

    public Task<int> CountMatchingEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken = default) =>
        inner.CountMatchingEpisodesAsync(query, cancellationToken);

    public Task<CampaignRecord?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default) => inner.GetCampaignAsync(campaignId, cancellationToken);

    public Task<IReadOnlyList<CampaignRecord>> ListCampaignsAsync(CancellationToken cancellationToken = default) => inner.ListCampaignsAsync(cancellationToken);

    public Task<PolicyVersion> RegisterVersionAsync(PolicyVersion version, CancellationToken cancellationToken = default) => inner.RegisterVersionAsync(version, cancellationToken);

    public Task ActivateAsync(string policyName, int version, CancellationToken cancellationToken = default) => inner.ActivateAsync(policyName, version, cancellationToken);

    public Task<PolicyVersion?> GetActiveVersionAsync(string policyName, CancellationToken cancellationToken = default) => inner.GetActiveVersionAsync(policyName, cancellationToken);

    public Task<PolicyVersion?> GetVersionAsync(string policyName, int version, CancellationToken cancellationToken = default) => inner.GetVersionAsync(policyName, version, cancellationToken);

    public Task<IReadOnlyList<PolicyVersion>> ListVersionsAsync(string policyName, CancellationToken cancellationToken = default) => inner.ListVersionsAsync(policyName, cancellationToken);

    public Task<IReadOnlyList<string>> ListPoliciesAsync(CancellationToken cancellationToken = default) => inner.ListPoliciesAsync(cancellationToken);

    public Task<TrainingRequest> CreateTrainingRequestAsync(TrainingRequest request, CancellationToken cancellationToken = default) => inner.CreateTrainingRequestAsync(request, cancellationToken);

    public async Task UpdateTrainingRequestAsync(TrainingRequest request, CancellationToken cancellationToken = default)
    {
        await inner.UpdateTrainingRequestAsync(request, cancellationToken);
        foreach (var (waiter, condition) in _trainingWaiters)
        {
            if (condition(request))
            {
                waiter.TrySetResult(request);
            }
        }
    }

    /// <summary>Waits until a stored update of training request <paramref name="requestId"/> satisfies <paramref name="condition"/>
    /// (or the stored request already does).</summary>
    public async Task<TrainingRequest> WaitForTrainingAsync(string requestId, Func<TrainingRequest, bool> condition, string what, TimeSpan timeout)
    {
        var waiter = new TaskCompletionSource<TrainingRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        _trainingWaiters[waiter] = r => r.Id == requestId && condition(r);
        try
        {
            if (await inner.GetTrainingRequestAsync(requestId) is { } current && condition(current))
            {
                return current;
            }
            return await waiter.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            var last = await inner.GetTrainingRequestAsync(requestId);
            throw new TimeoutException(
                $"Waited {timeout.TotalSeconds:0} s for training request {requestId} to be {what}; stored: {last?.Status}, attempt {last?.Attempt} ({last?.TrainerId}), '{last?.Progress}', error '{last?.Error}'.{Seen()}");
        }
        finally
        {
            _trainingWaiters.TryRemove(waiter, out _);
        }
    }

    public Task<TrainingRequest?> GetTrainingRequestAsync(string requestId, CancellationToken cancellationToken = default) => inner.GetTrainingRequestAsync(requestId, cancellationToken);

    public Task<IReadOnlyList<TrainingRequest>> ListOpenTrainingRequestsAsync(CancellationToken cancellationToken = default) => inner.ListOpenTrainingRequestsAsync(cancellationToken);

    public Task<DatasetVersion> ImportDatasetAsync(SotopiaDataset dataset, string source, CancellationToken cancellationToken = default) => inner.ImportDatasetAsync(dataset, source, cancellationToken);

    public Task AddToDatasetVersionAsync(int version, SotopiaDataset additions, CancellationToken cancellationToken = default) => inner.AddToDatasetVersionAsync(version, additions, cancellationToken);

    public Task<IReadOnlyList<DatasetVersion>> ListDatasetVersionsAsync(CancellationToken cancellationToken = default) => inner.ListDatasetVersionsAsync(cancellationToken);

    public Task<SotopiaDataset> LoadDatasetAsync(int? version = null, CancellationToken cancellationToken = default) => inner.LoadDatasetAsync(version, cancellationToken);

    public Task<StoredGrainState?> ReadGrainStateAsync(string grainType, string grainId, CancellationToken cancellationToken = default) => inner.ReadGrainStateAsync(grainType, grainId, cancellationToken);

    public Task<string> WriteGrainStateAsync(string grainType, string grainId, string json, string? expectedETag, CancellationToken cancellationToken = default) =>
        inner.WriteGrainStateAsync(grainType, grainId, json, expectedETag, cancellationToken);

    public Task ClearGrainStateAsync(string grainType, string grainId, string? expectedETag, CancellationToken cancellationToken = default) =>
        inner.ClearGrainStateAsync(grainType, grainId, expectedETag, cancellationToken);
}
