using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Grains.Tests.Fakes;

/// <summary>The parts of <see cref="ISotopiaStore"/> a campaign's driver uses, in memory: episodes (with the real
/// store's fence rules, through <see cref="InMemoryEpisodeStore"/>), campaign records, the dataset and training requests. The rest
/// throws <see cref="NotSupportedException"/>, so a driver that starts using it fails its tests loudly.</summary>
internal sealed class InMemorySotopiaStore(SotopiaDataset dataset) : ISotopiaStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TrainingRequest> _requests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CampaignRecord> _campaigns = new(StringComparer.Ordinal);
    private SotopiaDataset _dataset = dataset;

    public InMemoryEpisodeStore Episodes { get; } = new();

    public TrainingRequest Request(string id)
    {
        lock (_gate)
        {
            return _requests[id];
        }
    }

    /// <summary>What the trainer does to a request: marks it succeeded (publishing a version) or failed.</summary>
    public void SetRequest(string id, Func<TrainingRequest, TrainingRequest> change)
    {
        lock (_gate)
        {
            _requests[id] = change(_requests[id]);
        }
    }

    /// <summary>The one dataset version this fake holds (version 1).</summary>
    public Task<SotopiaDataset> LoadDatasetAsync(int? version = null, CancellationToken cancellationToken = default)
    {
        if (version is not (null or DatasetVersion.Legacy))
        {
            throw new KeyNotFoundException($"This fake store holds dataset version {DatasetVersion.Legacy} only, not {version}.");
        }
        lock (_gate)
        {
            return Task.FromResult(_dataset);
        }
    }

    public async Task AddToDatasetVersionAsync(int version, SotopiaDataset additions, CancellationToken cancellationToken = default)
    {
        await LoadDatasetAsync(version, cancellationToken);
        lock (_gate)
        {
            var known = _dataset.Tasks.Select(t => t.Id).ToHashSet(StringComparer.Ordinal);
            _dataset = _dataset with { Tasks = _dataset.Tasks.AddRange(additions.Tasks.Where(t => known.Add(t.Id))) };
        }
    }

    public Task<TrainingRequest> CreateTrainingRequestAsync(TrainingRequest request, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_requests.TryAdd(request.Id, request) ? request : _requests[request.Id]);
        }
    }

    public Task<TrainingRequest?> GetTrainingRequestAsync(string requestId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_requests.GetValueOrDefault(requestId));
        }
    }

    public long StaleWritesRefused => Episodes.StaleWritesRefused;

    public Task<int> CreateEpisodesAsync(IReadOnlyList<EpisodeRecord> episodes, CancellationToken cancellationToken = default) => Episodes.CreateEpisodesAsync(episodes, cancellationToken);

    public Task<EpisodeActivation?> BeginEpisodeAsync(string episodeId, CancellationToken cancellationToken = default) => Episodes.BeginEpisodeAsync(episodeId, cancellationToken);

    public Task AppendTurnAsync(EpisodeFence fence, Turn turn, CancellationToken cancellationToken = default) => Episodes.AppendTurnAsync(fence, turn, cancellationToken);

    public Task CompleteEpisodeAsync(EpisodeFence fence, EpisodeCompletion completion, CancellationToken cancellationToken = default) => Episodes.CompleteEpisodeAsync(fence, completion, cancellationToken);

    public Task<int> CancelEpisodesAsync(string campaignId, CancellationToken cancellationToken = default) => Episodes.CancelEpisodesAsync(campaignId, cancellationToken);

    public Task<EpisodeRecord?> GetEpisodeAsync(string episodeId, CancellationToken cancellationToken = default) => Episodes.GetEpisodeAsync(episodeId, cancellationToken);

    public Task<ImmutableArray<Turn>> GetTurnsAsync(string episodeId, CancellationToken cancellationToken = default) => Episodes.GetTurnsAsync(episodeId, cancellationToken);

    public Task<IReadOnlyList<EpisodeRecord>> ListEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken = default) => Episodes.ListEpisodesAsync(query, cancellationToken);

    public Task<IReadOnlyList<EpisodeReportRow>> ListEpisodeReportRowsAsync(string campaignId, CancellationToken cancellationToken = default) =>
        Episodes.ListEpisodeReportRowsAsync(campaignId, cancellationToken);

    public Task<IReadOnlyList<string>> ListUnfinishedEpisodeIdsAsync(string campaignId, int round, CancellationToken cancellationToken = default) => Episodes.ListUnfinishedEpisodeIdsAsync(campaignId, round, cancellationToken);

    public Task<EpisodeCounts> CountEpisodesAsync(string campaignId, int? round = null, CancellationToken cancellationToken = default) => Episodes.CountEpisodesAsync(campaignId, round, cancellationToken);

    public Task<int> CountMatchingEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken = default) => Episodes.CountMatchingEpisodesAsync(query, cancellationToken);

    public Task MigrateAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    /// <summary>Stores the campaign record as given (no revision check).</summary>
    public Task<bool> SaveCampaignAsync(CampaignRecord campaign, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _campaigns[campaign.Id] = campaign;
            return Task.FromResult(true);
        }
    }

    public Task<CampaignRecord?> GetCampaignAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_campaigns.GetValueOrDefault(campaignId));
        }
    }

    public Task<IReadOnlyList<CampaignRecord>> ListCampaignsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<PolicyVersion> RegisterVersionAsync(PolicyVersion version, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task ActivateAsync(string policyName, int version, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<PolicyVersion?> GetActiveVersionAsync(string policyName, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<PolicyVersion?> GetVersionAsync(string policyName, int version, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<PolicyVersion>> ListVersionsAsync(string policyName, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<string>> ListPoliciesAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task UpdateTrainingRequestAsync(TrainingRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<TrainingRequest>> ListOpenTrainingRequestsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<DatasetVersion> ImportDatasetAsync(SotopiaDataset dataset, string source, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<IReadOnlyList<DatasetVersion>> ListDatasetVersionsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<StoredGrainState?> ReadGrainStateAsync(string grainType, string grainId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<string> WriteGrainStateAsync(string grainType, string grainId, string json, string? expectedETag, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task ClearGrainStateAsync(string grainType, string grainId, string? expectedETag, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
