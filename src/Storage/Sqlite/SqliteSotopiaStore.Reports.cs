using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

/// <summary>The <c>episode_reports</c> table (<see cref="EpisodeReportColumns"/>): written with the episodes, read by
/// reports, filled for episodes stored before it existed right after migrating.</summary>
public sealed partial class SqliteSotopiaStore
{
    private const int BackfillPageSize = 500;

    private const string ReportRowColumns = "created_at, episode_id, round, phase, task_id, scenario_id, status, report, scores, usage";

    /// <summary>The model usage of an episode's turns (and of the judgement in <paramref name="judgeParameter"/>, a
    /// <see cref="CallUsage"/> as JSON or null) summed per model, as the <c>usage</c> column's JSON: one aggregate
    /// over the episode's turns, recomputed (never incremented) on each write.</summary>
    private static string UsageOfTurns(string episodeId, string? judgeParameter) => $"""
        (SELECT json_group_array(json_object('model', model, 'calls', calls, 'prompt', prompt, 'completion', completion, 'cached', cached)) FROM (
            SELECT coalesce(json_extract(u, '$.model'), '') AS model, count(*) AS calls, coalesce(sum(json_extract(u, '$.prompt_tokens')), 0) AS prompt,
                coalesce(sum(json_extract(u, '$.completion_tokens')), 0) AS completion, coalesce(sum(json_extract(u, '$.cached_tokens')), 0) AS cached
            FROM (SELECT usage AS u FROM turns WHERE episode_id = {episodeId} AND usage IS NOT NULL
                  {(judgeParameter is null ? "" : $"UNION ALL SELECT {judgeParameter} WHERE {judgeParameter} IS NOT NULL")})
            GROUP BY 1 ORDER BY 1))
        """;

    public async Task<IReadOnlyList<EpisodeReportRow>> ListEpisodeReportRowsAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        var rowReader = new EpisodeReportReader($"SQLite store '{_path}'");
        var rows = await ReadPagesAsync<(long CreatedAt, string Id, EpisodeReportRow Row)>("list episode report rows", (session, after, size) =>
        {
            var command = after is { } last
                ? session.Command($"""
                    SELECT {ReportRowColumns} FROM episode_reports
                    WHERE campaign_id = $campaign AND (created_at, episode_id) > ($afterCreated, $afterId)
                    ORDER BY created_at, episode_id LIMIT $size
                    """).With("$afterCreated", last.CreatedAt).With("$afterId", last.Id)
                : session.Command($"""
                    SELECT {ReportRowColumns} FROM episode_reports WHERE campaign_id = $campaign ORDER BY created_at, episode_id LIMIT $size
                    """);
            command.With("$campaign", campaignId).With("$size", size);
            var page = new List<(long, string, EpisodeReportRow)>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetString(1);
                page.Add((reader.GetInt64(0), id, rowReader.Row(
                    campaignId, id, reader.GetInt32(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                    StoreValues.ParseEpisodeStatus(reader.GetString(6), _path), reader.GetString(7),
                    reader.IsDBNull(8) ? [] : reader.GetFieldValue<byte[]>(8), reader.IsDBNull(9) ? null : reader.GetString(9))));
            }
            return page;
        }, cancellationToken).ConfigureAwait(false);

        // Running episodes: their rows still say pending and have no usage yet; one query gets them and their turns' usage.
        var running = await ReadAsync("list running episodes' usage", session =>
        {
            var usage = new Dictionary<string, List<CallUsage>>(StringComparer.Ordinal);
            using var reader = session.Command("""
                    SELECT e.id, t.number, t.usage FROM episodes e LEFT JOIN turns t ON t.episode_id = e.id AND t.usage IS NOT NULL
                    WHERE e.campaign_id = $campaign AND e.status = $running
                    """)
                .With("$campaign", campaignId).With("$running", RunningName).ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetString(0);
                var calls = usage.TryGetValue(id, out var list) ? list : usage[id] = [];
                if (!reader.IsDBNull(2))
                {
                    calls.Add(Parse<CallUsage>(reader.GetString(2), $"usage of turn {reader.GetInt32(1)} of episode '{id}'"));
                }
            }
            return usage;
        }, cancellationToken).ConfigureAwait(false);
        return EpisodeReportColumns.WithRunning(rows.Select(r => r.Row), running);
    }

    private static void InsertReportRow(SqliteSession session, EpisodeRecord episode, string report, byte[]? scores, string? usage) =>
        session.Command("""
                INSERT INTO episode_reports (campaign_id, created_at, episode_id, round, phase, task_id, scenario_id, status, report, scores, usage)
                VALUES ($campaign, $created, $id, $round, $phase, $task, $scenario, $status, $report, $scores, $usage)
                ON CONFLICT DO NOTHING
                """)
            .With("$campaign", episode.CampaignId).With("$created", StoreValues.ToMs(episode.CreatedAt)).With("$id", episode.Id)
            .With("$round", episode.Round).With("$phase", episode.Phase).With("$task", episode.TaskId).With("$scenario", episode.ScenarioId)
            .With("$status", EpisodeReportColumns.Status(episode.Status)).With("$report", report).With("$scores", scores).With("$usage", usage)
            .ExecuteNonQuery();

    /// <summary>The key of an episode's report row (its campaign and creation time, besides its id).</summary>
    private static (string Campaign, long CreatedAt) ReportRowKey(SqliteSession session, string episodeId)
    {
        using var reader = session.Command("SELECT campaign_id, created_at FROM episodes WHERE id = $id").With("$id", episodeId).ExecuteReader();
        return reader.Read()
            ? (reader.GetString(0), reader.GetInt64(1))
            : throw new InvalidOperationException($"Episode '{episodeId}' does not exist.");
    }

    /// <summary>Gives every episode stored before the report table existed its report row, in pages of
    /// <see cref="BackfillPageSize"/> episodes (memory stays bounded), each page one transaction that also moves the
    /// cursor row migration 6 left; the cursor row goes when the last page is done. Nothing to do (one tiny read)
    /// once it is gone. Episodes written meanwhile by this version already have rows (the inserts skip them).</summary>
    private async Task BackfillEpisodeReportsAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var page = await ReadAsync("backfill episode reports", session =>
            {
                (long CreatedAt, string Id)? cursor = null;
                using (var reader = session.Command("SELECT after_created, after_id FROM episode_report_backfill").ExecuteReader())
                {
                    if (reader.Read())
                    {
                        cursor = (reader.GetInt64(0), reader.GetString(1));
                    }
                }
                if (cursor is not { } after)
                {
                    return null;
                }
                var episodes = new List<(long CreatedAt, EpisodeRecord Episode)>();
                using (var reader = session.Command("""
                        SELECT created_at, id, json FROM episodes WHERE (created_at, id) > ($afterCreated, $afterId) ORDER BY created_at, id LIMIT $size
                        """).With("$afterCreated", after.CreatedAt).With("$afterId", after.Id).With("$size", BackfillPageSize).ExecuteReader())
                {
                    while (reader.Read())
                    {
                        episodes.Add((reader.GetInt64(0), Parse<EpisodeRecord>(reader.GetString(2), $"episode '{reader.GetString(1)}'")));
                    }
                }
                var turnUsage = new Dictionary<string, List<CallUsage>>(StringComparer.Ordinal);
                foreach (var (_, episode) in episodes)
                {
                    var calls = turnUsage[episode.Id] = [];
                    using var reader = session.Command("SELECT number, usage FROM turns WHERE episode_id = $id AND usage IS NOT NULL")
                        .With("$id", episode.Id).ExecuteReader();
                    while (reader.Read())
                    {
                        calls.Add(Parse<CallUsage>(reader.GetString(1), $"usage of turn {reader.GetInt32(0)} of episode '{episode.Id}'"));
                    }
                }
                return (List<(long, EpisodeRecord, List<CallUsage>)>?)[.. episodes.Select(e => (e.CreatedAt, e.Episode, turnUsage[e.Episode.Id]))];
            }, cancellationToken, snapshot: true).ConfigureAwait(false);
            if (page is null)
            {
                return;
            }
            var done = page.Count < BackfillPageSize;
            await WriteAsync("backfill episode reports", needsSavepoint: true, session =>
            {
                foreach (var (_, episode, calls) in page)
                {
                    InsertReportRow(session, episode, EpisodeReportColumns.Report(episode), EpisodeReportColumns.Scores(episode.Outcome),
                        EpisodeReportColumns.BackfilledUsage(episode, calls));
                }
                if (done)
                {
                    session.Command("DELETE FROM episode_report_backfill").ExecuteNonQuery();
                }
                else
                {
                    session.Command("UPDATE episode_report_backfill SET after_created = $created, after_id = $id")
                        .With("$created", page[^1].Item1).With("$id", page[^1].Item2.Id).ExecuteNonQuery();
                }
                return true;
            }, cancellationToken).ConfigureAwait(false);
            if (done)
            {
                return;
            }
        }
    }
}
