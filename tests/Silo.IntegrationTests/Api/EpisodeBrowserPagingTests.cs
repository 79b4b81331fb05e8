using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Api.Dashboard;
using SotopiaPi.Silo.IntegrationTests.Llm;
using SotopiaPi.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Api;

/// <summary>Issue 13: the episode browser with a per-episode filter on more episodes than one request may read
/// (<see cref="DashboardApi.ScanLimit"/>): each page reads a bounded number of episodes, may end early with a cursor to
/// go on, and following the cursors gives every match exactly once, in order.</summary>
public sealed class EpisodeBrowserPagingTests : IAsyncLifetime
{
    private const string Campaign = "browse";
    private static readonly SeatBinding Expert = new(AgentRoles.Expert, AgentRoles.Expert, 0, "expert");
    private static readonly SeatBinding Partner = new(AgentRoles.Partner, AgentRoles.Partner, 0, "partner");
    private readonly TempDirectory _folder = new("sotopia-browse");
    private SiloTestHost _silo = null!;

    public async Task InitializeAsync() =>
        _silo = await SiloTestHost.StartAsync(_folder.Combine("sotopia.db"), siloId: "browse-silo", trainer: false);

    [Fact]
    public async Task APerEpisodeFilterPagesThroughMoreEpisodesThanOneRequestReads()
    {
        var count = DashboardApi.ScanLimit + DashboardApi.ScanLimit / 2;
        var store = _silo.Store;
        await store.ImportDatasetAsync(StarterSetups.Data, "test: starter");
        await store.SaveCampaignAsync(new CampaignRecord
        {
            Id = Campaign,
            Revision = 1,
            Spec = new CampaignSpec { Name = Campaign, Mode = CampaignMode.Bc, Backend = "simulator", EvaluationSet = "all" },
            Status = CampaignStatus.Completed,
        });
        var start = DateTimeOffset.Parse("2026-12-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        // Rare matches (GOAL 10 for the expert every 1,201st episode), and episodes sharing a creation time in threes.
        var episodes = Enumerable.Range(0, count).Select(i => Finished(i, i % 1201 == 5 ? 10 : i % 10, start.AddMilliseconds(i / 3))).ToList();
        await store.CreateEpisodesAsync(episodes);
        var expected = episodes.Where((_, i) => i % 1201 == 5).OrderBy(e => e.CreatedAt).ThenBy(e => e.Id, StringComparer.Ordinal).Select(e => e.Id).ToList();

        var seen = new List<string>();
        var pages = new List<DashboardEpisodePageResponse>();
        string? cursor = null;
        do
        {
            var page = await _silo.GetAsync<DashboardEpisodePageResponse>(
                $"api/dashboard/episodes?campaign={Campaign}&policy=expert&min=10&limit=3{(cursor is null ? "" : "&cursor=" + cursor)}");
            Assert.InRange(page.Scanned, 0, DashboardApi.ScanLimit);
            Assert.InRange(page.Items.Length, 0, 3);
            Assert.Null(page.Total);
            seen.AddRange(page.Items.Select(e => e.Id));
            pages.Add(page);
            cursor = page.NextCursor;
        }
        while (cursor is not null && pages.Count < 100);

        Assert.Null(cursor);
        Assert.Equal(expected, seen);
        // The scan budget ended a page early at least once (fewer items than the limit, yet a next cursor).
        Assert.Contains(pages, p => p.Items.Length < 3 && p.NextCursor is not null && p.Scanned == DashboardApi.ScanLimit);

        // A store-side filter is counted exactly and pages without reading more than the page.
        var completed = await _silo.GetAsync<DashboardEpisodePageResponse>($"api/dashboard/episodes?campaign={Campaign}&status=completed&limit=7");
        Assert.Equal(count, completed.Total);
        Assert.Equal(8, completed.Scanned);
        Assert.Equal(
            episodes.OrderBy(e => e.CreatedAt).ThenBy(e => e.Id, StringComparer.Ordinal).Take(7).Select(e => e.Id),
            completed.Items.Select(e => e.Id));
    }

    private static EpisodeRecord Finished(int i, int goal, DateTimeOffset created)
    {
        var task = StarterSetups.Data.Tasks[i % StarterSetups.Data.Tasks.Length];
        int[] scores = [5, 0, 5, 0, 0, 0, goal];
        var seat = new SeatEvaluation([.. scores.Select(v => new DimensionScore(v, "r"))]);
        return new EpisodeRecord
        {
            Id = $"e-{99_999 - i:D5}",
            CampaignId = Campaign,
            Round = 1,
            Phase = "eval",
            TaskId = task.Id,
            ScenarioId = task.ScenarioId,
            Agent1Id = task.Agent1Id,
            Agent2Id = task.Agent2Id,
            Seats = [Expert, Partner],
            ScoredSeats = [0],
            Seed = i,
            Status = EpisodeStatus.Completed,
            Termination = TerminationReason.Agent2Left,
            Outcome = EvaluationOutcome.Success(new EpisodeEvaluation(seat, seat, "judge")),
            CreatedAt = created,
            CompletedAt = created.AddSeconds(1),
        };
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        _folder.Dispose();
    }
}
