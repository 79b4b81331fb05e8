using System.Collections.Concurrent;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.Sotopia.Reports;

namespace SotopiaPi.Silo.Api.Dashboard;

/// <summary>The campaign reports the API served, one per campaign, so that a repeat of <c>GET
/// /api/campaigns/{id}/report</c> (and the dashboard's charts) does not read every episode again
/// (<see cref="CampaignCache{T}"/>).</summary>
internal sealed class CampaignReportCache(TimeProvider time)
    : CampaignCache<CampaignReportData>(time, (store, campaign) => ReportSource.LoadAsync(store, campaign, null, CancellationToken.None));

/// <summary>The model usage the API showed per campaign (<c>spend</c> of <c>GET /api/campaigns/{id}</c>, which
/// <c>campaign watch</c> polls), so that a repeat does not read every turn again (<see cref="CampaignCache{T}"/>).</summary>
internal sealed class CampaignUsageCache(TimeProvider time)
    : CampaignCache<CampaignUsage>(time, (store, campaign) => CampaignUsageCalculator.ComputeAsync(store, campaign.Id, campaign.Spec.Budget, CancellationToken.None));

/// <summary>What the API computed from every episode (or turn) of a campaign, one value per campaign. An entry is
/// used while its <see cref="Stamp"/> still holds: the campaign's revision and its episode counts by status (an index
/// count), so a new result — an episode that ends, starts or is cancelled — or any change of the campaign
/// makes the next request rebuild it. Tokens of episodes still running on a model change without either: for such a
/// campaign an entry is used for at most <see cref="RunningModelMaxAge"/>; every entry at most <see cref="MaxAge"/>
/// (a report also reads the dataset's named sets, which change only by an import). Requests that find no valid
/// entry at the same time share one build. At most <see cref="Capacity"/> campaigns are kept (least recently used out).</summary>
internal abstract class CampaignCache<T>(TimeProvider time, Func<ISotopiaStore, CampaignRecord, Task<T>> build)
{
    public const int Capacity = 64;
    public static readonly TimeSpan RunningModelMaxAge = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _builds;

    /// <summary>How many values this cache has built (a test sees whether a request was served from it).</summary>
    public long Builds => Interlocked.Read(ref _builds);

    public async Task<T> GetAsync(ISotopiaStore store, CampaignRecord campaign, CancellationToken cancellationToken) =>
        await GetAsync(store, campaign, await store.CountEpisodesAsync(campaign.Id, null, cancellationToken), cancellationToken);

    /// <summary>The value for <paramref name="campaign"/> whose episode counts by status the caller has just read.</summary>
    public async Task<T> GetAsync(ISotopiaStore store, CampaignRecord campaign, EpisodeCounts counts, CancellationToken cancellationToken)
    {
        var stamp = new Stamp(campaign.Revision, counts);
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(campaign.Id, out var entry) && entry.Stamp == stamp && !entry.Value.IsFaulted && !entry.Value.IsCanceled
            && now - entry.BuiltAt < MaxAge
            && (ReportUsage.IsSimulator(campaign) || counts.Running == 0 || now - entry.BuiltAt < RunningModelMaxAge))
        {
            entry.LastUsed = now;
            return await entry.Value.WaitAsync(cancellationToken);
        }

        // The build must not stop when the request that started it is cancelled: others may be waiting for it.
        var fresh = new Entry(stamp, now, new Lazy<Task<T>>(() => BuildAsync(store, campaign)));
        var current = _entries.AddOrUpdate(campaign.Id, fresh, (_, old) => old.Stamp == stamp && old == entry ? fresh : old.Stamp == stamp ? old : fresh);
        current.LastUsed = now;
        Trim();
        try
        {
            return await current.Value.WaitAsync(cancellationToken);
        }
        catch when (current.Value.IsFaulted)
        {
            _entries.TryRemove(new KeyValuePair<string, Entry>(campaign.Id, current));
            throw;
        }
    }

    private async Task<T> BuildAsync(ISotopiaStore store, CampaignRecord campaign)
    {
        Interlocked.Increment(ref _builds);
        return await build(store, campaign).ConfigureAwait(false);
    }

    private void Trim()
    {
        while (_entries.Count > Capacity)
        {
            var oldest = _entries.MinBy(e => e.Value.LastUsed);
            _entries.TryRemove(oldest);
        }
    }

    private readonly record struct Stamp(long Revision, EpisodeCounts Counts);

    private sealed class Entry(Stamp stamp, DateTimeOffset builtAt, Lazy<Task<T>> value)
    {
        public Stamp Stamp { get; } = stamp;
        public DateTimeOffset BuiltAt { get; } = builtAt;
        public Task<T> Value => value.Value;
        public DateTimeOffset LastUsed { get; set; } = builtAt;
    }
}
