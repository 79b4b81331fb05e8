using Npgsql;
using NpgsqlTypes;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

/// <summary>The <c>episode_reports</c> table (<see cref="EpisodeReportColumns"/>): written with the episodes, read by
/// reports, filled for episodes stored before it existed right after migrating.</summary>
public sealed partial class PostgresSotopiaStore
{
    private const int BackfillPageSize = 500;

    private const string ReportRowColumns = "created_at, episode_id, round, phase, task_id, scenario_id, status, report::text, scores, usage::text";

    /// <summary>The model usage of an episode's turns (and of the judgement in <paramref name="judgeParameter"/>, a
    /// <see cref="CallUsage"/> as JSON text or null) summed per model, as the <c>usage</c> column's JSON: one aggregate
    /// over the episode's turns, recomputed (never incremented) on each write.</summary>
    private static string UsageOfTurns(string episodeId, string? judgeParameter) => $"""
        (SELECT coalesce(jsonb_agg(jsonb_build_object('model', model, 'calls', calls, 'prompt', prompt, 'completion', completion, 'cached', cached) ORDER BY model), '[]'::jsonb) FROM (
            SELECT coalesce(u->>'model', '') AS model, count(*) AS calls, coalesce(sum((u->>'prompt_tokens')::bigint), 0) AS prompt,
                coalesce(sum((u->>'completion_tokens')::bigint), 0) AS completion, coalesce(sum((u->>'cached_tokens')::bigint), 0) AS cached
            FROM (SELECT usage AS u FROM turns WHERE episode_id = {episodeId} AND usage IS NOT NULL
                  {(judgeParameter is null ? "" : $"UNION ALL SELECT {judgeParameter}::jsonb WHERE {judgeParameter}::text IS NOT NULL")}) calls
            GROUP BY 1) models)
        """;

    public async Task<IReadOnlyList<EpisodeReportRow>> ListEpisodeReportRowsAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        var rowReader = new EpisodeReportReader(_description);
        // One query, not keyset pages: right after many rows were written (before autovacuum analyses the table) the
        // planner estimates a campaign at a few hundred rows and answers each page with a bitmap scan and a sort of all
        // the rows after the cursor, so 100 pages of 1,000 read ~5 million rows (measured: 2 s instead of 0.7 s at 100,000
        // rows). One query reads and sorts them once; the rows (~300 bytes each) are all kept in memory anyway.
        var rows = await ReadAsync("list episode report rows", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {ReportRowColumns} FROM episode_reports WHERE campaign_id = $1 ORDER BY created_at, episode_id";
            command.Text(campaignId);
            var all = new List<EpisodeReportRow>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var id = reader.GetString(1);
                var status = reader.GetString(6);
                all.Add(rowReader.Row(
                    campaignId, id, reader.GetInt32(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                    EpisodeStatuses.TryGetValue(status, out var parsed)
                        ? parsed
                        : throw new InvalidDataException($"{_description}: unknown episode status '{status}' in table episode_reports."),
                    reader.GetString(7), reader.IsDBNull(8) ? [] : reader.GetFieldValue<byte[]>(8), reader.IsDBNull(9) ? null : reader.GetString(9)));
            }
            return all;
        }, cancellationToken).ConfigureAwait(false);

        // Running episodes: their rows still say pending and have no usage yet; one query gets them and their turns' usage.
        var running = await ReadAsync("list running episodes' usage", async (connection, ct) =>
        {
            var usage = new Dictionary<string, List<CallUsage>>(StringComparer.Ordinal);
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT e.id, t.number, t.usage::text FROM episodes e LEFT JOIN turns t ON t.episode_id = e.id AND t.usage IS NOT NULL
                WHERE e.campaign_id = $1 AND e.status = 'running'
                """;
            command.Text(campaignId);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
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
        return EpisodeReportColumns.WithRunning(rows, running);
    }

    /// <summary>Gives every episode stored before the report table existed its report row, in pages of
    /// <see cref="BackfillPageSize"/> episodes (memory stays bounded), each page one transaction that also moves the
    /// cursor row migration 7 left; the cursor row goes when the last page is done. Nothing to do (one tiny read)
    /// once it is gone. Episodes written meanwhile by this version already have rows (the inserts skip them).</summary>
    private async Task BackfillEpisodeReportsAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var done = await WriteAsync("backfill episode reports", async (connection, ct) =>
            {
                (long CreatedAt, string Id)? cursor = null;
                await using (var select = connection.CreateCommand())
                {
                    select.CommandText = "SELECT after_created, after_id FROM episode_report_backfill FOR UPDATE";
                    await using var reader = await select.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    if (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        cursor = (reader.GetInt64(0), reader.GetString(1));
                    }
                }
                if (cursor is not { } after)
                {
                    return true;
                }
                var episodes = new List<(long CreatedAt, EpisodeRecord Episode)>();
                await using (var select = connection.CreateCommand())
                {
                    select.CommandText = "SELECT created_at, id, json::text FROM episodes WHERE (created_at, id) > ($1, $2) ORDER BY created_at, id LIMIT $3";
                    select.Long(after.CreatedAt).Text(after.Id).Int(BackfillPageSize);
                    await using var reader = await select.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        episodes.Add((reader.GetInt64(0), Parse<EpisodeRecord>(reader.GetString(2), $"episode '{reader.GetString(1)}'")));
                    }
                }
                var turnUsage = episodes.ToDictionary(e => e.Episode.Id, _ => new List<CallUsage>(), StringComparer.Ordinal);
                await using (var select = connection.CreateCommand())
                {
                    select.CommandText = "SELECT episode_id, number, usage::text FROM turns WHERE episode_id = ANY($1) AND usage IS NOT NULL ORDER BY episode_id, number";
                    select.Add(episodes.Select(e => e.Episode.Id).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text);
                    await using var reader = await select.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        var id = reader.GetString(0);
                        turnUsage[id].Add(Parse<CallUsage>(reader.GetString(2), $"usage of turn {reader.GetInt32(1)} of episode '{id}'"));
                    }
                }
                await using (var insert = connection.CreateCommand())
                {
                    // A pending or running episode's row says pending and has no usage: a running one's is read from its
                    // turns until it ends.
                    insert.CommandText = """
                        INSERT INTO episode_reports (episode_id, campaign_id, created_at, round, phase, task_id, scenario_id, status, report, scores, usage)
                        SELECT id, campaign_id, created_at, round, phase, task_id, scenario_id, status, report::jsonb, scores, usage::jsonb
                        FROM unnest($1::text[], $2::text[], $3::bigint[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bytea[])
                            AS t(id, campaign_id, created_at, round, phase, task_id, scenario_id, status, report, usage, scores)
                        ON CONFLICT DO NOTHING
                        """;
                    insert.Add(episodes.Select(e => e.Episode.Id).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)
                        .Add(episodes.Select(e => e.Episode.CampaignId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)
                        .Add(episodes.Select(e => e.CreatedAt).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bigint)
                        .Add(episodes.Select(e => e.Episode.Round).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Integer)
                        .Add(episodes.Select(e => e.Episode.Phase).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)
                        .Add(episodes.Select(e => e.Episode.TaskId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)
                        .Add(episodes.Select(e => e.Episode.ScenarioId).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)
                        .Add(episodes.Select(e => EpisodeReportColumns.Status(e.Episode.Status)).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)
                        .Add(episodes.Select(e => EpisodeReportColumns.Report(e.Episode)).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text)
                        .Add(episodes.Select(e => EpisodeReportColumns.BackfilledUsage(e.Episode, turnUsage[e.Episode.Id])).ToArray(),
                            NpgsqlDbType.Array | NpgsqlDbType.Text)
                        .Add(episodes.Select(e => EpisodeReportColumns.Scores(e.Episode.Outcome)).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Bytea);
                    await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                var finished = episodes.Count < BackfillPageSize;
                await using (var move = connection.CreateCommand())
                {
                    move.CommandText = finished
                        ? "DELETE FROM episode_report_backfill"
                        : "UPDATE episode_report_backfill SET after_created = $1, after_id = $2";
                    if (!finished)
                    {
                        move.Long(episodes[^1].CreatedAt).Text(episodes[^1].Episode.Id);
                    }
                    await move.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }
                return finished;
            }, cancellationToken).ConfigureAwait(false);
            if (done)
            {
                return;
            }
        }
    }
}
