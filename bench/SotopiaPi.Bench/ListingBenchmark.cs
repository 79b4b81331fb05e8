using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Hosting;
using SotopiaPi.Silo.Runtime;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Storage;

namespace SotopiaPi.Bench;

/// <summary>Issue 13: the read API at 100,000 finished episodes. Fills a store through its API (finished episodes
/// created as they are, in batches of 5,000 — the bench's fast path, no play), starts an in-process silo on it with
/// its HTTP API on loopback, and times real requests: the first page of the unfiltered episode listings, filtered
/// pages, a deep page by cursor (and, for comparison, by offset), the dashboard's campaign rows and the campaign
/// report cold (first request) and warm (a repeat).</summary>
internal static class ListingBenchmark
{
    public const string BigCampaign = "bench-big";
    private const int SmallCampaigns = 4;
    private const int SmallEpisodes = 250;
    private static readonly SeatBinding Expert = new(AgentRoles.Expert, AgentRoles.Expert, 0, "sim-expert");
    private static readonly SeatBinding Partner = new(AgentRoles.Partner, AgentRoles.Partner, 0, "sim-partner");
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    public sealed record Timing(string What, string Request, double FirstMs, double MedianMs, int Items, string Note);

    public static async Task<(double FillSeconds, List<Timing> Timings)> RunAsync(string storeSetting, Func<Task<ISotopiaStore>> open, int episodes, int repeats)
    {
        var fill = Stopwatch.StartNew();
        var deep = await FillAsync(open, episodes);
        fill.Stop();

        await using var silo = await SiloHost.CreateAsync([], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["store"] = storeSetting,
                ["urls"] = "http://127.0.0.1:0",
                ["SOTOPIA_API_TOKEN"] = "",
                ["trainer"] = "false",
                ["Silo:SiloId"] = "bench-listing",
                ["Silo:SiloPort"] = BenchSilo.FreePort().ToString(CultureInfo.InvariantCulture),
                ["Silo:GatewayPort"] = BenchSilo.FreePort().ToString(CultureInfo.InvariantCulture),
            });
        });
        await silo.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(silo.Addresses[0]), Timeout = TimeSpan.FromMinutes(5) };

        // Warm up each route (JIT, connection, the dataset cache) on a small campaign.
        foreach (var path in (string[])["api/dashboard/campaigns", "api/campaigns/bench-small-0/episodes?limit=50",
                     "api/dashboard/episodes?campaign=bench-small-0&limit=50", "api/dashboard/episodes?campaign=bench-small-0&policy=expert&min=5&limit=50",
                     "api/campaigns/bench-small-0/report"])
        {
            await GetAsync(http, path);
        }

        var timings = new List<Timing>();
        async Task Time(string what, string path, string note = "")
        {
            var (first, items) = await GetAsync(http, path);
            var times = new List<double>();
            for (var i = 0; i < repeats; i++)
            {
                times.Add((await GetAsync(http, path)).Ms);
            }
            times.Sort();
            timings.Add(new Timing(what, path, first, times[times.Count / 2], items, note));
        }

        var cursor = deep.Encode();
        await Time("episode listing, first page, unfiltered (all campaigns)", "api/dashboard/episodes?limit=50");
        await Time("campaign's episode listing, first page", $"api/campaigns/{BigCampaign}/episodes?limit=50");
        await Time("campaign's episodes, filtered (round 1, completed)", $"api/campaigns/{BigCampaign}/episodes?round=1&status=completed&limit=50");
        await Time("campaign's episodes, filtered (evaluation failed)", $"api/campaigns/{BigCampaign}/episodes?status=evaluation_failed&limit=50");
        await Time("dashboard episodes, filtered (phase eval, completed)", $"api/dashboard/episodes?campaign={BigCampaign}&phase=eval&status=completed&limit=50");
        await Time("dashboard episodes, per-episode filter (expert, GOAL ≥ 9)", $"api/dashboard/episodes?campaign={BigCampaign}&policy=expert&min=9&limit=50",
            "reads ≤ 2,000 episodes, total not counted");
        await Time("deep page by cursor (after episode 90,000)", $"api/campaigns/{BigCampaign}/episodes?limit=50&cursor={cursor}");
        await Time("deep page by cursor, dashboard", $"api/dashboard/episodes?campaign={BigCampaign}&limit=50&cursor={cursor}");
        await Time("deep page by offset 90,000 (kept for old clients)", $"api/campaigns/{BigCampaign}/episodes?limit=50&offset=90000", "scans the skipped rows");
        await Time("dashboard campaign rows", "api/dashboard/campaigns");
        await Time("report (first = cold, then warm)", $"api/campaigns/{BigCampaign}/report", "cold: reads every episode's report row once; warm: served from the cache");
        // A new result makes the next request cold again (the cache's stamp has the episode counts): what a dashboard
        // sees while a campaign runs, now on rows that have been read once.
        var dataset = SotopiaDataLoader.Load(DatasetLocator.StarterPath).Dataset;
        await silo.Store.CreateEpisodesAsync([Finished(BigCampaign, episodes, episodes, dataset, Start.AddDays(1)) with { Id = $"{BigCampaign}-new" }]);
        await Time("report after one new result (first = cold again)", $"api/campaigns/{BigCampaign}/report", "cold: the new result invalidated the cache");

        // Where a cold report's time goes, in process: reading the campaign's report rows, and building the report from
        // them; and, for comparison, reading the full episode records (what a report read before the rows existed).
        var store = silo.Store;
        var read = Stopwatch.StartNew();
        var rows = await store.ListEpisodeReportRowsAsync(BigCampaign);
        read.Stop();
        var campaign = (await store.GetCampaignAsync(BigCampaign))!;
        var named = (await store.LoadDatasetAsync()).NamedSets;
        var build = Stopwatch.StartNew();
        SotopiaPi.Sotopia.Reports.CampaignReportBuilder.Build(campaign, rows, named, null);
        build.Stop();
        var full = Stopwatch.StartNew();
        var all = await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = BigCampaign });
        full.Stop();
        timings.Add(new Timing("(in process) read the campaign's report rows", "ListEpisodeReportRowsAsync", read.Elapsed.TotalMilliseconds, read.Elapsed.TotalMilliseconds, rows.Count, "part of the cold report"));
        timings.Add(new Timing("(in process) build the report from them", "CampaignReportBuilder.Build", build.Elapsed.TotalMilliseconds, build.Elapsed.TotalMilliseconds, 1, "part of the cold report"));
        timings.Add(new Timing("(in process, for comparison) read the full episode records", "ListEpisodesAsync", full.Elapsed.TotalMilliseconds, full.Elapsed.TotalMilliseconds, all.Count, "what a cold report read before"));
        return (fill.Elapsed.TotalSeconds, timings);
    }

    private static async Task<(double Ms, int Items)> GetAsync(HttpClient http, string path)
    {
        var watch = Stopwatch.StartNew();
        using var response = await http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        watch.Stop();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"GET {path}: HTTP {(int)response.StatusCode}: {body[..Math.Min(body.Length, 500)]}");
        }
        using var json = System.Text.Json.JsonDocument.Parse(body);
        var items = json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Array ? json.RootElement.GetArrayLength()
            : json.RootElement.TryGetProperty("items", out var list) ? list.GetArrayLength() : 1;
        return (watch.Elapsed.TotalMilliseconds, items);
    }

    /// <summary>The big campaign (BC round 0 with both seats scored, then an evaluation round with the expert scored
    /// against the partner; 3% evaluation failed, 1% failed) and a few small ones. Returns the cursor after the big
    /// campaign's episode at 90% of it.</summary>
    private static async Task<EpisodeCursor> FillAsync(Func<Task<ISotopiaStore>> open, int episodes)
    {
        var store = await open();
        await using var _ = store as IAsyncDisposable;
        var dataset = SotopiaDataLoader.Load(DatasetLocator.StarterPath).Dataset;
        await store.ImportDatasetAsync(dataset, "bench: starter");
        var deepIndex = episodes * 9 / 10;
        EpisodeCursor? deep = null;
        var campaigns = new List<(string Id, int Count)> { (BigCampaign, episodes) };
        campaigns.AddRange(Enumerable.Range(0, SmallCampaigns).Select(i => ($"bench-small-{i}", SmallEpisodes)));
        var offset = 0;
        foreach (var (id, count) in campaigns)
        {
            await store.SaveCampaignAsync(new CampaignRecord
            {
                Id = id,
                Revision = 1,
                Spec = new CampaignSpec { Name = id, Mode = CampaignMode.Bc, Backend = "simulator", EvaluationSet = "all" },
                Status = CampaignStatus.Completed,
                Stage = 1,
                Rounds = [new RoundResult { Round = 0, Phase = "bc", Scenarios = dataset.Tasks.Length, Episodes = count / 2 }],
                Evaluations = [new PolicyEvaluationResult { Label = "expert", Role = AgentRoles.Expert, Scores = new ScoreSummary() }],
                CreatedAt = Start.AddMinutes(campaigns.FindIndex(c => c.Id == id)),
            });
            for (var from = 0; from < count; from += 5000)
            {
                var batch = Enumerable.Range(from, Math.Min(5000, count - from)).Select(i => Finished(id, i, count, dataset, Start.AddMilliseconds(offset + i))).ToList();
                await store.CreateEpisodesAsync(batch);
                if (id == BigCampaign && deepIndex >= from && deepIndex < from + batch.Count)
                {
                    deep = EpisodeCursor.After(batch[deepIndex - from]);
                }
            }
            offset += count;
        }
        return deep!;
    }

    private static EpisodeRecord Finished(string campaignId, int i, int count, SotopiaDataset dataset, DateTimeOffset created)
    {
        var task = dataset.Tasks[i % dataset.Tasks.Length];
        var eval = i >= count / 2;
        var status = i % 100 == 7 ? EpisodeStatus.Failed : i % 100 < 3 ? EpisodeStatus.EvaluationFailed : EpisodeStatus.Completed;
        var rng = new Random(i);
        EvaluationOutcome? outcome = status switch
        {
            EpisodeStatus.Completed => EvaluationOutcome.Success(new EpisodeEvaluation(Seat(rng), Seat(rng), "sim-judge")),
            EpisodeStatus.EvaluationFailed => EvaluationOutcome.Failed(new EvaluationFailure("the judge's answer was not JSON")),
            _ => null,
        };
        return new EpisodeRecord
        {
            Id = $"{campaignId}-{i:D6}",
            CampaignId = campaignId,
            Round = eval ? 1 : 0,
            Phase = eval ? "eval" : "bc",
            TaskId = task.Id,
            ScenarioId = task.ScenarioId,
            Agent1Id = task.Agent1Id,
            Agent2Id = task.Agent2Id,
            Seats = eval ? [Expert, Partner] : [Expert, Expert],
            ScoredSeats = eval ? [0] : [0, 1],
            Seed = i,
            Status = status,
            Termination = status == EpisodeStatus.Failed ? null : TerminationReason.Agent2Left,
            Outcome = outcome,
            FailureReason = status == EpisodeStatus.Failed ? "simulated failure" : null,
            CreatedAt = created,
            CompletedAt = created.AddSeconds(30),
        };
    }

    private static SeatEvaluation Seat(Random rng)
    {
        return new([.. DimensionInfo.All.Select(info => new DimensionScore(
            rng.Next(info.Min, info.Max + 1),
            "The agent stated its goal plainly, kept to its character's values and negotiated a fair outcome; nothing was revealed or lost."))]);
    }
}
