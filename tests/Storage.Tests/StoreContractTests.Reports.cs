using SotopiaPi.Grains.Interfaces;
using static SotopiaPi.Storage.Tests.StoreTestData;

namespace SotopiaPi.Storage.Tests;

/// <summary>The report rows (<see cref="IEpisodeStore.ListEpisodeReportRowsAsync"/>): each is the projection of the
/// full record and its turns (<see cref="EpisodeReportRow.From"/>), written with the episode's own writes, for
/// episodes of every ending, and filled in for a database of the previous schema.</summary>
public abstract partial class StoreContractTests
{
    /// <summary>Episodes that completed (with turn and judge usage of two models), failed (a two-line reason), whose
    /// evaluation failed, that were created already completed, that still run (turns with usage) or wait, and a
    /// cancelled campaign's: the rows equal the projection of the full records with their turns' usage, and a
    /// duplicate completion (refused) changes nothing.</summary>
    [Fact]
    public async Task ReportRowsAreTheProjectionOfTheFullRecords()
    {
        var store = await NewStoreAsync();
        await WriteEpisodesOfEveryEndingAsync(store);
        await AssertRowsAreProjectionsAsync(store, "c-report", 7);
        await AssertRowsAreProjectionsAsync(store, "c-cancelled", 2);
        Assert.Empty(await store.ListEpisodeReportRowsAsync("c-none"));

        var rows = (await store.ListEpisodeReportRowsAsync("c-report")).ToDictionary(r => r.Id);
        Assert.Equal("endpoint refused", rows["e-failed"].FailureReason);
        Assert.Equal("judge answered prose", rows["e-judge-failed"].FailureReason);
        Assert.Equal(EpisodeStatus.Running, rows["e-running"].Status);
        Assert.Equal([("gpt-a", 2, 1_100), ("gpt-b", 1, 2_000), ("sim-judge", 1, 100)], rows["e-done"].Usage.Select(u => (u.Model, u.Calls, u.PromptTokens)));
        Assert.Equal([7], rows["e-done"].Scores.Select(s => s.Goal));
        Assert.Equal(EpisodeStatus.Cancelled, (await store.ListEpisodeReportRowsAsync("c-cancelled")).Single(r => r.Id == "e-cancel-run").Status);
        Assert.Equal([("gpt-a", 1_000)], (await store.ListEpisodeReportRowsAsync("c-cancelled")).Single(r => r.Id == "e-cancel-run").Usage.Select(u => (u.Model, u.PromptTokens)));
    }

    /// <summary>A database of the previous schema (no report table) with episodes of every ending gets its report rows
    /// when a store migrates it: the same rows as the episodes' projections, usage summed from the stored turns.</summary>
    [Fact]
    public async Task MigratingFillsTheReportRowsOfExistingEpisodes()
    {
        await CreateDatabaseAtVersionAsync(LatestMigration - 1);
        var usage = new CallUsage("gpt-a", 1_000, 10, 5, TimeSpan.FromSeconds(1));
        var episodes = new List<(EpisodeRecord Episode, CallUsage?[] Turns)>
        {
            (Episode("o-done", "c-old", Start, phase: "eval") with { ScoredSeats = [0], Status = EpisodeStatus.Completed, Outcome = Success(6, 2) }, [usage, null, usage]),
            (Episode("o-failed", "c-old", Start.AddMilliseconds(1)) with { Status = EpisodeStatus.Failed, FailureReason = "timed out\nat line 3" }, [usage]),
            (Episode("o-judge", "c-old", Start.AddMilliseconds(2)) with { Status = EpisodeStatus.EvaluationFailed, Outcome = EvaluationOutcome.Failed(new EvaluationFailure("not JSON", "prose"), usage) }, []),
            (Episode("o-running", "c-old", Start.AddMilliseconds(3)) with { Status = EpisodeStatus.Running }, [usage]),
            (Episode("o-pending", "c-old", Start.AddMilliseconds(4)), []),
        };
        var sql = new System.Text.StringBuilder();
        foreach (var (episode, turns) in episodes)
        {
            sql.AppendLine($"""
                INSERT INTO episodes (id, campaign_id, round, phase, task_id, scenario_id, status, created_at, completed_at, json)
                VALUES ('{episode.Id}', 'c-old', 0, '{episode.Phase}', '{episode.TaskId}', '{episode.ScenarioId}', '{StoreValues.Name(episode.Status)}',
                    {episode.CreatedAt.ToUnixTimeMilliseconds()}, NULL, {Literal(Json(episode))});
                """);
            for (var i = 0; i < turns.Length; i++)
            {
                sql.AppendLine($"""
                    INSERT INTO turns (episode_id, number, seat, action_type, argument, note, usage)
                    VALUES ('{episode.Id}', {i}, {i % 2}, 'speak', 'hi', NULL, {(turns[i] is { } u ? Literal(Json(u)) : "NULL")});
                    """);
            }
        }
        await ExecuteSqlAsync(sql.ToString());

        var store = await ReopenAsync(null);

        Assert.False(await TableExistsAsync("episode_report_backfill") && await QuerySqlAsync("SELECT count(*) FROM episode_report_backfill") != "0");
        await AssertRowsAreProjectionsAsync(store, "c-old", 5);
        var rows = (await store.ListEpisodeReportRowsAsync("c-old")).ToDictionary(r => r.Id);
        Assert.Equal([("gpt-a", 2_000), ("sim-judge", 100)], rows["o-done"].Usage.Select(u => (u.Model, u.PromptTokens)));
        Assert.Equal("timed out", rows["o-failed"].FailureReason);
        Assert.Equal(EpisodeStatus.Running, rows["o-running"].Status);
        // The running episode goes on as usual, and its row follows it.
        var begun = (await store.BeginEpisodeAsync("o-running"))!;
        await store.CompleteEpisodeAsync(begun.Fence!, new EpisodeCompletion(EpisodeStatus.Completed, TerminationReason.TooLong, Success(3, 4), null, Start));
        await AssertRowsAreProjectionsAsync(store, "c-old", 5);
    }

    /// <summary>A backfill killed after some pages: each page commits its rows with the cursor, so the database holds the
    /// rows up to the cursor and the cursor row. The next open fills the rest from the cursor, and the rows before it
    /// are neither lost nor written twice.</summary>
    [Fact]
    public async Task ABackfillInterruptedAfterAPageGoesOnFromItsCursorAtTheNextOpen()
    {
        await CreateDatabaseAtVersionAsync(LatestMigration - 1);
        var episodes = Enumerable.Range(0, 3)
            .Select(i => Episode($"i-{i}", "c-cut", Start.AddMilliseconds(i)) with { Status = EpisodeStatus.Completed, Outcome = Success(i + 1, 2) })
            .ToList();
        await ExecuteSqlAsync(string.Concat(episodes.Select(e => $"""
            INSERT INTO episodes (id, campaign_id, round, phase, task_id, scenario_id, status, created_at, completed_at, json)
            VALUES ('{e.Id}', 'c-cut', 0, '{e.Phase}', '{e.TaskId}', '{e.ScenarioId}', 'completed', {e.CreatedAt.ToUnixTimeMilliseconds()}, NULL, {Literal(Json(e))});

            """)));
        var store = await ReopenAsync(null);
        await AssertRowsAreProjectionsAsync(store, "c-cut", 3);
        await store.DisposeAsync();

        // As a kill after the first page (episode i-0) left it: i-0's row and the cursor after i-0, no rows after it.
        await ExecuteSqlAsync($"""
            DELETE FROM episode_reports WHERE episode_id IN ('i-1', 'i-2');
            INSERT INTO episode_report_backfill (after_created, after_id) VALUES ({episodes[0].CreatedAt.ToUnixTimeMilliseconds()}, 'i-0');
            """);
        Assert.Equal("1", await QuerySqlAsync("SELECT count(*) FROM episode_reports WHERE campaign_id = 'c-cut'"));

        store = await ReopenAsync(null);

        await AssertRowsAreProjectionsAsync(store, "c-cut", 3);
        Assert.Equal("0", await QuerySqlAsync("SELECT count(*) FROM episode_report_backfill"));
    }

    private async Task WriteEpisodesOfEveryEndingAsync(ISotopiaStore store)
    {
        var a = new CallUsage("gpt-a", 1_000, 100, 200, TimeSpan.FromSeconds(1));
        var b = new CallUsage("gpt-b", 2_000, 50, 0, TimeSpan.FromSeconds(1));
        await store.CreateEpisodesAsync(
        [
            Episode("e-done", "c-report", Start, phase: "eval") with { ScoredSeats = [0] },
            Episode("e-failed", "c-report", Start.AddMilliseconds(1)),
            Episode("e-judge-failed", "c-report", Start.AddMilliseconds(2)),
            Episode("e-created-done", "c-report", Start.AddMilliseconds(3)) with { Status = EpisodeStatus.Completed, Outcome = Success(5, 6) },
            Episode("e-running", "c-report", Start.AddMilliseconds(4)),
            Episode("e-pending", "c-report", Start.AddMilliseconds(5)),
            Episode("e-done-2", "c-report", Start.AddMilliseconds(6), round: 1),
            Episode("e-cancel-run", "c-cancelled", Start),
            Episode("e-cancel-wait", "c-cancelled", Start.AddMilliseconds(1)),
        ]);

        async Task<EpisodeFence> PlayAsync(string id, params CallUsage?[] usages)
        {
            var fence = (await store.BeginEpisodeAsync(id))!.Fence!;
            for (var i = 0; i < usages.Length; i++)
            {
                await store.AppendTurnAsync(fence, Turn(id, i) with { Usage = usages[i] });
            }
            return fence;
        }

        var done = await PlayAsync("e-done", a, b, null, a with { PromptTokens = 100 });
        await store.CompleteEpisodeAsync(done, new EpisodeCompletion(EpisodeStatus.Completed, TerminationReason.Agent2Left, Success(7, 3), null, Start));
        // A duplicate completion (an activation that lost its answer) is refused and counts nothing twice.
        await Assert.ThrowsAsync<StaleWriteException>(() =>
            store.CompleteEpisodeAsync(done, new EpisodeCompletion(EpisodeStatus.Completed, TerminationReason.Agent2Left, Success(7, 3), null, Start)));
        var failed = await PlayAsync("e-failed", a);
        await store.CompleteEpisodeAsync(failed, new EpisodeCompletion(EpisodeStatus.Failed, null, null, "endpoint refused\nstack trace line", Start));
        var judgeFailed = await PlayAsync("e-judge-failed", b);
        await store.CompleteEpisodeAsync(judgeFailed, new EpisodeCompletion(EpisodeStatus.EvaluationFailed, TerminationReason.TooLong,
            EvaluationOutcome.Failed(new EvaluationFailure("judge answered prose", "I think..."), new CallUsage("sim-judge", 300, 30, 0, TimeSpan.Zero)), null, Start));
        await PlayAsync("e-running", a, b);
        var done2 = await PlayAsync("e-done-2");
        await store.CompleteEpisodeAsync(done2, new EpisodeCompletion(EpisodeStatus.Completed, TerminationReason.TooLong, Success(1, 2), null, Start));
        await PlayAsync("e-cancel-run", a);
        Assert.Equal(2, await store.CancelEpisodesAsync("c-cancelled"));
    }

    /// <summary>The store's rows of a campaign equal the projections of its full records and their turns' usage.</summary>
    private static async Task AssertRowsAreProjectionsAsync(ISotopiaStore store, string campaignId, int count)
    {
        var expected = new List<string>();
        foreach (var episode in await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = campaignId }))
        {
            var turns = await store.GetTurnsAsync(episode.Id);
            expected.Add(Describe(EpisodeReportRow.From(episode, turns.Select(t => t.Usage).OfType<CallUsage>())));
        }
        var actual = (await store.ListEpisodeReportRowsAsync(campaignId)).Select(Describe).ToList();
        Assert.Equal(count, actual.Count);
        Assert.Equal(expected, actual);
    }

    /// <summary>A row as text (rows hold immutable arrays, which have no value equality; scores without reasoning).</summary>
    private static string Describe(EpisodeReportRow row) => string.Join(" | ",
        row.Id, row.CampaignId, row.Round, row.Phase, row.TaskId, row.ScenarioId, row.Status, Json(row.Seats), Json(row.ScoredSeats),
        Json(row.Scores.Select(s => s.Scores.Select(d => d.Score))), row.FailureReason ?? "(none)",
        string.Join(", ", row.Usage.Select(u => $"{u.Model}: {u.Calls} calls, {u.PromptTokens}/{u.CompletionTokens}/{u.CachedTokens}")));
}
