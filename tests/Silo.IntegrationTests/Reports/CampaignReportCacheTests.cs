using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Api.Dashboard;
using SotopiaPi.Storage;
using SotopiaPi.TestInfrastructure;
using Microsoft.Extensions.Time.Testing;

namespace SotopiaPi.Silo.IntegrationTests.Reports;

/// <summary>The API's report cache (issue 13): a repeat with nothing new is served without reading the episodes again,
/// and the report is rebuilt — fresh — once an episode ends or the campaign changes.</summary>
public sealed class CampaignReportCacheTests : IAsyncLifetime
{
    private static readonly SeatBinding Partner = new(AgentRoles.Partner, AgentRoles.Partner, 0, "partner");
    private static readonly SeatBinding Expert = new(AgentRoles.Expert, AgentRoles.Expert, 0, "expert");

    private readonly TempDirectory _folder = new("sotopia-report-cache");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-05T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private SqliteSotopiaStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteSotopiaStore.OpenAsync(_folder.Combine("sotopia.db"));
        // The campaigns here record no dataset version, so they read version 1, as campaigns stored before versions do.
        await _store.ImportDatasetAsync(SotopiaDataset.Empty, "test: empty");
    }

    [Fact]
    public async Task ARepeatIsServedFromTheCacheUntilAnEpisodeEndsOrTheCampaignChanges()
    {
        var campaign = await SeedAsync("sim", "simulator", 3);
        await PlayAsync("sim-0");
        var cache = new CampaignReportCache(_time);

        var first = await cache.GetAsync(_store, campaign, CancellationToken.None);
        Assert.Equal((1, 2), (first.Episodes.Completed, first.Episodes.Pending));
        Assert.Equal(1, cache.Builds);
        Assert.Same(first, await cache.GetAsync(_store, campaign, CancellationToken.None));
        Assert.Equal(1, cache.Builds);

        // A new result: the next request rebuilds, and sees it.
        await PlayAsync("sim-1");
        var second = await cache.GetAsync(_store, campaign, CancellationToken.None);
        Assert.Equal((2, 1), (second.Episodes.Completed, second.Episodes.Pending));
        Assert.Equal(2, cache.Builds);
        Assert.Same(second, await cache.GetAsync(_store, campaign, CancellationToken.None));

        // An episode that starts changes the counts too; so does a new revision of the campaign.
        await _store.BeginEpisodeAsync("sim-2");
        var third = await cache.GetAsync(_store, campaign, CancellationToken.None);
        Assert.Equal((2, 1, 0), (third.Episodes.Completed, third.Episodes.Running, third.Episodes.Pending));
        var renamed = campaign with { Revision = campaign.Revision + 1, Spec = campaign.Spec with { Name = "renamed" } };
        await _store.SaveCampaignAsync(renamed);
        Assert.Equal("renamed", (await cache.GetAsync(_store, renamed, CancellationToken.None)).Campaign.Spec.Name);
        Assert.Equal(4, cache.Builds);

        // Nothing changes for a while: still cached (a simulator campaign's running episodes add no tokens)…
        _time.Advance(CampaignReportCache.RunningModelMaxAge * 2);
        await cache.GetAsync(_store, renamed, CancellationToken.None);
        Assert.Equal(4, cache.Builds);
        // …but never past the longest age.
        _time.Advance(CampaignReportCache.MaxAge);
        await cache.GetAsync(_store, renamed, CancellationToken.None);
        Assert.Equal(5, cache.Builds);
    }

    /// <summary>Tokens of an episode still running on a model grow without a change of counts: such a report is kept
    /// only briefly.</summary>
    [Fact]
    public async Task AModelCampaignWithRunningEpisodesIsRebuiltAfterAShortAge()
    {
        var campaign = await SeedAsync("llm", "llm", 2);
        await _store.BeginEpisodeAsync("llm-0");
        var cache = new CampaignReportCache(_time);

        await cache.GetAsync(_store, campaign, CancellationToken.None);
        await cache.GetAsync(_store, campaign, CancellationToken.None);
        Assert.Equal(1, cache.Builds);
        _time.Advance(CampaignReportCache.RunningModelMaxAge + TimeSpan.FromSeconds(1));
        await cache.GetAsync(_store, campaign, CancellationToken.None);
        Assert.Equal(2, cache.Builds);
    }

    /// <summary>The campaign view's usage (which <c>campaign watch</c> polls) is cached by the same rules: a repeat reads no
    /// turns again; a new result, and for a model campaign with running episodes a short age, make it read them.</summary>
    [Fact]
    public async Task TheCampaignViewsUsageIsCachedByTheSameRules()
    {
        var campaign = await SeedAsync("use", "llm", 2);
        var cache = new CampaignUsageCache(_time);

        var first = await cache.GetAsync(_store, campaign, CancellationToken.None);
        Assert.Equal(0, first.Calls);
        Assert.Same(first, await cache.GetAsync(_store, campaign, CancellationToken.None));
        Assert.Equal(1, cache.Builds);

        await PlayAsync("use-0");
        await cache.GetAsync(_store, campaign, CancellationToken.None);
        Assert.Equal(2, cache.Builds);

        await _store.BeginEpisodeAsync("use-1");
        await cache.GetAsync(_store, campaign, CancellationToken.None);
        await cache.GetAsync(_store, campaign, CancellationToken.None);
        Assert.Equal(3, cache.Builds);
        _time.Advance(CampaignUsageCache.RunningModelMaxAge + TimeSpan.FromSeconds(1));
        await cache.GetAsync(_store, campaign, CancellationToken.None);
        Assert.Equal(4, cache.Builds);
    }

    private async Task<CampaignRecord> SeedAsync(string id, string backend, int episodes)
    {
        var campaign = new CampaignRecord
        {
            Id = id,
            Revision = 1,
            Spec = new CampaignSpec { Name = id, Mode = CampaignMode.Bc, Backend = backend, EvaluationSet = "eval" },
            Status = CampaignStatus.Running,
            Evaluations = [new PolicyEvaluationResult { Label = "expert", Role = AgentRoles.Expert, Scores = new ScoreSummary() }],
        };
        await _store.SaveCampaignAsync(campaign);
        await _store.CreateEpisodesAsync([.. Enumerable.Range(0, episodes).Select(i => new EpisodeRecord
        {
            Id = $"{id}-{i}",
            CampaignId = id,
            Round = 1,
            Phase = "eval",
            TaskId = $"t-{i}",
            ScenarioId = "s1",
            Agent1Id = "a",
            Agent2Id = "b",
            Seats = [Expert, Partner],
            ScoredSeats = [0],
            Seed = i,
            CreatedAt = _time.GetUtcNow().AddMilliseconds(i),
        })]);
        return campaign;
    }

    private async Task PlayAsync(string episodeId)
    {
        var fence = (await _store.BeginEpisodeAsync(episodeId))!.Fence!;
        var evaluation = new EpisodeEvaluation(Seat(6), Seat(4), "judge");
        await _store.CompleteEpisodeAsync(fence, new EpisodeCompletion(
            EpisodeStatus.Completed, TerminationReason.Agent2Left, EvaluationOutcome.Success(evaluation, null), null, _time.GetUtcNow()));
    }

    private static SeatEvaluation Seat(int goal) => new([.. new[] { 7, 0, 0, 0, 0, 0, goal }.Select(v => new DimensionScore(v, ""))]);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _folder.Dispose();
    }
}
