using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class PostgresSotopiaStore
{
    private const string TurnColumns = "number, seat, action_type, argument, note, usage::text";

    private static readonly string RunningName = StoreValues.Name(EpisodeStatus.Running);
    private static readonly string PendingName = StoreValues.Name(EpisodeStatus.Pending);

    private static readonly FrozenDictionary<string, EpisodeStatus> EpisodeStatuses =
        Enum.GetValues<EpisodeStatus>().ToFrozenDictionary(StoreValues.Name, status => status, StringComparer.Ordinal);

    /// <summary>Group-committed turn append, one statement that never fails on its checks but reports them: the episode
    /// exists, its fence and status now, the number of turns stored, inserted. The episode row is read
    /// <c>FOR SHARE</c>, the mode a new activation's <see cref="BeginEpisodeAsync"/> (an update) waits for: a Begin
    /// in flight makes the append wait for its commit and then see the new fence; an append in flight makes the Begin
    /// wait, and its turns read finds the appended turn.</summary>
    private const string AppendTurnSql = """
        WITH episode AS (
            SELECT fence, status FROM episodes WHERE id = $1 FOR SHARE
        ), stored AS (
            SELECT count(*) AS turns FROM turns WHERE episode_id = $1
        ), inserted AS (
            INSERT INTO turns (episode_id, number, seat, action_type, argument, note, usage)
            SELECT $1, $3, $4, $5, $6, $7, $8::jsonb FROM episode
            WHERE episode.fence = $2 AND episode.status = 'running' AND (SELECT turns FROM stored) = $3
            ON CONFLICT DO NOTHING
            RETURNING 1
        )
        SELECT EXISTS (SELECT 1 FROM episode), (SELECT fence FROM episode), (SELECT status FROM episode),
               (SELECT turns FROM stored), EXISTS (SELECT 1 FROM inserted)
        """;

    /// <summary>Group-committed completion: updates the episode only if the fence is current and it is running, and
    /// reports what it found (exists, fence, status, updated); the episode's report row is updated with it (scores,
    /// failure, usage summed from its turns and the judgement).</summary>
    private static readonly string CompleteEpisodeSql = $"""
        WITH episode AS (
            SELECT fence, status FROM episodes WHERE id = $1 FOR NO KEY UPDATE
        ), updated AS (
            UPDATE episodes SET status = $3, completed_at = $4,
                json = json || jsonb_build_object('status', $5::jsonb, 'termination', $6::jsonb, 'outcome', $7::jsonb,
                    'failure_reason', $8::jsonb, 'completed_at', $9::jsonb)
            WHERE id = $1 AND fence = $2 AND status = 'running'
            RETURNING 1
        ), report AS (
            UPDATE episode_reports SET status = $3, report = report || $10::jsonb, scores = $12, usage = {UsageOfTurns("$1", "$11")}
            WHERE episode_id = $1 AND EXISTS (SELECT 1 FROM updated)
        )
        SELECT EXISTS (SELECT 1 FROM episode), (SELECT fence FROM episode), (SELECT status FROM episode), EXISTS (SELECT 1 FROM updated)
        """;

    public Task<int> CreateEpisodesAsync(IReadOnlyList<EpisodeRecord> episodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        var count = episodes.Count;
        var ids = new string[count];
        var campaigns = new string[count];
        var rounds = new int[count];
        var phases = new string[count];
        var taskIds = new string[count];
        var scenarioIds = new string[count];
        var statuses = new string[count];
        var created = new long[count];
        var completed = new long?[count];
        var jsons = new string[count];
        var reports = new string[count];
        var scores = new byte[]?[count];
        var usages = new string?[count];
        for (var i = 0; i < count; i++)
        {
            var episode = episodes[i];
            ArgumentNullException.ThrowIfNull(episode, nameof(episodes));
            ArgumentException.ThrowIfNullOrEmpty(episode.Id, nameof(episodes));
            ids[i] = episode.Id;
            campaigns[i] = episode.CampaignId;
            rounds[i] = episode.Round;
            phases[i] = episode.Phase;
            taskIds[i] = episode.TaskId;
            scenarioIds[i] = episode.ScenarioId;
            statuses[i] = StoreValues.Name(episode.Status);
            created[i] = StoreValues.ToMs(episode.CreatedAt);
            completed[i] = StoreValues.ToMs(episode.CompletedAt);
            jsons[i] = StoreValues.Json(episode);
            reports[i] = EpisodeReportColumns.Report(episode);
            scores[i] = EpisodeReportColumns.Scores(episode.Outcome);
            usages[i] = EpisodeReportColumns.CreatedUsage(episode);
        }
        if (count == 0)
        {
            return Task.FromResult(0);
        }

        return WriteAsync("create episodes", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            // Ordinality keeps the given order, so that of duplicated ids the first one is stored (as on SQLite). Each
            // episode inserted gets its report row in the same statement (a running one's says pending: see
            // EpisodeReportColumns).
            command.CommandText = """
                WITH t AS (
                    SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::text[], $11::text[], $12::text[], $13::bytea[])
                        WITH ORDINALITY AS t(id, campaign_id, round, phase, task_id, scenario_id, status, created_at, completed_at, json, report, usage, scores, n)
                ), inserted AS (
                    INSERT INTO episodes (id, campaign_id, round, phase, task_id, scenario_id, status, created_at, completed_at, json)
                    SELECT id, campaign_id, round, phase, task_id, scenario_id, status, created_at, completed_at, json::jsonb FROM t
                    ORDER BY n
                    ON CONFLICT (id) DO NOTHING
                    RETURNING id
                ), reports AS (
                    INSERT INTO episode_reports (episode_id, campaign_id, created_at, round, phase, task_id, scenario_id, status, report, scores, usage)
                    SELECT DISTINCT ON (t.id) t.id, t.campaign_id, t.created_at, t.round, t.phase, t.task_id, t.scenario_id,
                        CASE WHEN t.status = 'running' THEN 'pending' ELSE t.status END, t.report::jsonb, t.scores, t.usage::jsonb
                    FROM t JOIN inserted ON inserted.id = t.id
                    ORDER BY t.id, t.n
                    ON CONFLICT DO NOTHING
                )
                SELECT count(*) FROM inserted
                """;
            command.Add(ids, NpgsqlDbType.Array | NpgsqlDbType.Text).Add(campaigns, NpgsqlDbType.Array | NpgsqlDbType.Text)
                .Add(rounds, NpgsqlDbType.Array | NpgsqlDbType.Integer)
                .Add(phases, NpgsqlDbType.Array | NpgsqlDbType.Text).Add(taskIds, NpgsqlDbType.Array | NpgsqlDbType.Text)
                .Add(scenarioIds, NpgsqlDbType.Array | NpgsqlDbType.Text).Add(statuses, NpgsqlDbType.Array | NpgsqlDbType.Text)
                .Add(created, NpgsqlDbType.Array | NpgsqlDbType.Bigint).Add(completed, NpgsqlDbType.Array | NpgsqlDbType.Bigint)
                .Add(jsons, NpgsqlDbType.Array | NpgsqlDbType.Text)
                .Add(reports, NpgsqlDbType.Array | NpgsqlDbType.Text).Add(usages, NpgsqlDbType.Array | NpgsqlDbType.Text)
                .Add(scores, NpgsqlDbType.Array | NpgsqlDbType.Bytea);
            return (int)await command.ExecuteInt64Async(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    public async Task<EpisodeActivation?> BeginEpisodeAsync(string episodeId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(episodeId);
        var begun = await WriteAsync<(string Json, long? Fence, List<TurnRow> Turns)?>("begin episode", async (connection, ct) =>
        {
            long? fence = null;
            string? json = null;
            await using (var update = connection.CreateCommand())
            {
                update.CommandText = """
                    UPDATE episodes SET status = 'running', fence = fence + 1, json = jsonb_set(json, '{status}', '"running"')
                    WHERE id = $1 AND status IN ('pending', 'running')
                    RETURNING fence, json::text
                    """;
                update.Text(episodeId);
                await using var reader = await update.ExecuteReaderAsync(ct).ConfigureAwait(false);
                if (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    fence = reader.GetInt64(0);
                    json = reader.GetString(1);
                }
            }
            if (json is null)
            {
                await using var select = connection.CreateCommand();
                select.CommandText = "SELECT json::text FROM episodes WHERE id = $1";
                select.Text(episodeId);
                json = await select.ExecuteStringAsync(ct).ConfigureAwait(false);
                if (json is null)
                {
                    return null;
                }
            }
            await using var turns = connection.CreateCommand();
            turns.CommandText = $"SELECT {TurnColumns} FROM turns WHERE episode_id = $1 ORDER BY number";
            turns.Text(episodeId);
            return (json, fence, await ReadTurnRowsAsync(turns, ct).ConfigureAwait(false));
        }, cancellationToken).ConfigureAwait(false);

        if (begun is not { } b)
        {
            return null;
        }
        var episode = Parse<EpisodeRecord>(b.Json, $"episode '{episodeId}'");
        return new EpisodeActivation(episode, TurnRow.ToTurns(episodeId, b.Turns, _description),
            b.Fence is { } value ? new EpisodeFence(episodeId, value) : null);
    }

    public Task AppendTurnAsync(EpisodeFence fence, Turn turn, CancellationToken cancellationToken = default)
    {
        StoreRules.ValidateTurn(turn);
        StoreRules.RequireFence(fence, turn.EpisodeId, nameof(fence));
        var actionType = turn.Action.Type.ToWire();
        var usage = turn.Usage is null ? null : StoreValues.Json(turn.Usage);

        return CountStaleAsync(GroupCommitAsync("append turn",
            () => new NpgsqlBatchCommand(AppendTurnSql)
                .Text(turn.EpisodeId).Long(fence.Value)
                .Int(turn.Number).Int(turn.Seat).Text(actionType).Text(turn.Action.Argument ?? "").Text(turn.Note).Text(usage),
            reader =>
            {
                CheckFence(reader, fence, $"turn {turn.Number}");
                if (StoreRules.CheckContiguous(turn, reader.GetInt64(3)) is { } notContiguous)
                {
                    throw notContiguous;
                }
                if (!reader.GetBoolean(4))
                {
                    throw new InvalidOperationException(
                        $"Turn {turn.Number} of episode '{turn.EpisodeId}' is already stored (written concurrently).");
                }
                return true;
            },
            cancellationToken));
    }

    public Task CompleteEpisodeAsync(EpisodeFence fence, EpisodeCompletion completion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fence);
        ArgumentException.ThrowIfNullOrEmpty(fence.EpisodeId, nameof(fence));
        StoreRules.ValidateCompletion(fence.EpisodeId, completion);
        var status = StoreValues.Name(completion.Status);
        var statusJson = StoreValues.Json(completion.Status);
        var terminationJson = StoreValues.Json(completion.Termination);
        var outcomeJson = StoreValues.Json(completion.Outcome);
        var failureJson = StoreValues.Json(completion.FailureReason);
        var completedJson = StoreValues.Json<DateTimeOffset?>(completion.CompletedAt);
        var completedMs = StoreValues.ToMs(completion.CompletedAt);
        var reportPatch = EpisodeReportColumns.CompletionPatch(completion);
        var scores = EpisodeReportColumns.Scores(completion.Outcome);
        var judgeUsage = completion.Outcome?.Usage is { } judge ? StoreValues.Json(judge) : null;

        return CountStaleAsync(GroupCommitAsync("complete episode",
            () => new NpgsqlBatchCommand(CompleteEpisodeSql)
                .Text(fence.EpisodeId).Long(fence.Value)
                .Text(status).Long(completedMs).Text(statusJson).Text(terminationJson).Text(outcomeJson).Text(failureJson).Text(completedJson)
                .Text(reportPatch).Text(judgeUsage).Add(scores, NpgsqlDbType.Bytea),
            reader =>
            {
                CheckFence(reader, fence, "its completion");
                if (!reader.GetBoolean(3))
                {
                    throw new InvalidOperationException($"{_description}: completing episode '{fence.EpisodeId}' changed no row.");
                }
                return true;
            },
            cancellationToken));
    }

    public Task<int> CancelEpisodesAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        return WriteAsync("cancel episodes", async (connection, ct) =>
        {
            // The cancelled episodes' report rows, in the same statement and after them (the lock order of a completion):
            // cancelled, with the usage their turns had.
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                WITH cancelled AS (
                    UPDATE episodes SET status = 'cancelled', fence = fence + 1, json = jsonb_set(json, ARRAY['status'], '"cancelled"')
                    WHERE campaign_id = $1 AND status IN ('pending', 'running')
                    RETURNING id
                ), reports AS (
                    UPDATE episode_reports SET status = 'cancelled', usage = {UsageOfTurns("episode_reports.episode_id", null)}
                    WHERE episode_id IN (SELECT id FROM cancelled)
                )
                SELECT count(*) FROM cancelled
                """;
            command.Text(campaignId);
            return (int)await command.ExecuteInt64Async(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    public async Task<EpisodeRecord?> GetEpisodeAsync(string episodeId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(episodeId);
        var json = await ReadAsync("get episode", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT json::text FROM episodes WHERE id = $1";
            command.Text(episodeId);
            return await command.ExecuteStringAsync(ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return json is null ? null : Parse<EpisodeRecord>(json, $"episode '{episodeId}'");
    }

    public async Task<ImmutableArray<Turn>> GetTurnsAsync(string episodeId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(episodeId);
        var rows = await ReadPagesAsync<TurnRow>("get turns", async (connection, after, size, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {TurnColumns} FROM turns WHERE episode_id = $1 AND number > $2 ORDER BY number LIMIT $3";
            command.Text(episodeId).Int(after?.Number ?? -1).Int(size);
            return await ReadTurnRowsAsync(command, ct).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return TurnRow.ToTurns(episodeId, rows, _description);
    }

    public async Task<IReadOnlyList<EpisodeRecord>> ListEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query));
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit ?? 0, nameof(query));
        if (query.After is not null && query.Offset > 0)
        {
            throw new ArgumentException("An episode query pages either by After or by Offset, not both.", nameof(query));
        }
        (long CreatedAt, string Id, string Json)? start = query.After is { } cursor ? (cursor.CreatedAtMs, cursor.Id, "") : null;
        var rows = await ReadPagesAsync<(long CreatedAt, string Id, string Json)>("list episodes", async (connection, after, size, ct) =>
        {
            await using var command = connection.CreateCommand();
            var sql = new StringBuilder("SELECT created_at, id, json::text FROM episodes WHERE true");
            var n = AppendFilters(sql, command, query);
            // The first page skips the offset (or starts after the query's cursor); the next ones start after the
            // last row read (created_at, id).
            if ((after ?? start) is { } last)
            {
                sql.Append($" AND (created_at, id) > (${++n}, ${++n})");
                command.Long(last.CreatedAt).Text(last.Id);
            }
            sql.Append($" ORDER BY created_at, id LIMIT ${++n}");
            command.Int(size);
            if (after is null && start is null)
            {
                sql.Append($" OFFSET ${++n}");
                command.Int(query.Offset);
            }
            command.CommandText = sql.ToString();
            var result = new List<(long, string, string)>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                result.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
            }
            return result;
        }, cancellationToken, query.Limit).ConfigureAwait(false);
        return rows.ConvertAll(r => Parse<EpisodeRecord>(r.Json, $"episode '{r.Id}'"));
    }

    /// <summary>Read in pages inside one snapshot: an episode that moves from pending to running meanwhile is
    /// listed once, never missed between the two scans.</summary>
    public async Task<IReadOnlyList<string>> ListUnfinishedEpisodeIdsAsync(string campaignId, int round, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        return await ReadAsync("list unfinished episodes", async (connection, ct) =>
        {
            var ids = new List<string>();
            foreach (var status in (string[])[RunningName, PendingName])
            {
                (long CreatedAt, string Id)? after = null;
                while (true)
                {
                    await using var command = connection.CreateCommand();
                    command.CommandText = after is null
                        ? "SELECT created_at, id FROM episodes WHERE campaign_id = $1 AND round = $2 AND status = $3 ORDER BY created_at, id LIMIT $4"
                        : """
                            SELECT created_at, id FROM episodes
                            WHERE campaign_id = $1 AND round = $2 AND status = $3 AND (created_at, id) > ($5, $6)
                            ORDER BY created_at, id LIMIT $4
                            """;
                    command.Text(campaignId).Int(round).Text(status).Int(_options.ReadPageSize);
                    if (after is { } last)
                    {
                        command.Long(last.CreatedAt).Text(last.Id);
                    }
                    var read = 0;
                    await using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(ct).ConfigureAwait(false))
                        {
                            after = (reader.GetInt64(0), reader.GetString(1));
                            ids.Add(reader.GetString(1));
                            read++;
                        }
                    }
                    if (read < _options.ReadPageSize)
                    {
                        break;
                    }
                }
            }
            return ids;
        }, cancellationToken, snapshot: true).ConfigureAwait(false);
    }

    public Task<EpisodeCounts> CountEpisodesAsync(string campaignId, int? round = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        return ReadAsync("count episodes", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = round is null
                ? "SELECT status, count(*)::int FROM episodes WHERE campaign_id = $1 GROUP BY status"
                : "SELECT status, count(*)::int FROM episodes WHERE campaign_id = $1 AND round = $2 GROUP BY status";
            command.Text(campaignId);
            if (round is not null)
            {
                command.Int(round.Value);
            }
            var counts = new int[Enum.GetValues<EpisodeStatus>().Length];
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                counts[(int)ParseEpisodeStatus(reader.GetString(0))] += reader.GetInt32(1);
            }
            return new EpisodeCounts(
                counts[(int)EpisodeStatus.Pending], counts[(int)EpisodeStatus.Running], counts[(int)EpisodeStatus.Completed],
                counts[(int)EpisodeStatus.EvaluationFailed], counts[(int)EpisodeStatus.Failed], counts[(int)EpisodeStatus.Cancelled]);
        }, cancellationToken);
    }

    public Task<int> CountMatchingEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync("count matching episodes", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            var sql = new StringBuilder("SELECT count(*) FROM episodes WHERE true");
            AppendFilters(sql, command, query);
            command.CommandText = sql.ToString();
            return (int)await command.ExecuteInt64Async(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>Reads the first columns of a group-committed episode write's result row (exists, fence, status):
    /// a missing episode is a bug (<see cref="InvalidOperationException"/>), a fence that is not current or an
    /// episode that is not running a refused stale write.</summary>
    private static void CheckFence(NpgsqlDataReader reader, EpisodeFence fence, string what)
    {
        if (!reader.GetBoolean(0))
        {
            throw new InvalidOperationException($"Episode '{fence.EpisodeId}' does not exist.");
        }
        var current = reader.GetInt64(1);
        var status = reader.GetString(2);
        if (current != fence.Value || status != RunningName)
        {
            throw StoreRules.StaleFence(what, fence, current, status);
        }
    }

    private static async Task<List<TurnRow>> ReadTurnRowsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var rows = new List<TurnRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(new TurnRow(reader.GetInt32(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return rows;
    }

    private EpisodeStatus ParseEpisodeStatus(string name) =>
        EpisodeStatuses.TryGetValue(name, out var status)
            ? status
            : throw new InvalidDataException($"{_description}: unknown episode status '{name}' in table episodes.");

    /// <summary>Appends the store-side filters of <paramref name="query"/> (campaign, round, phase, status, scenario) to
    /// <paramref name="sql"/> as <c>AND column = $n</c> with their parameters; returns how many were added.</summary>
    private static int AppendFilters(StringBuilder sql, NpgsqlCommand command, EpisodeQuery query)
    {
        var n = 0;
        if (query.CampaignId is not null)
        {
            sql.Append($" AND campaign_id = ${++n}");
            command.Text(query.CampaignId);
        }
        if (query.Round is not null)
        {
            sql.Append($" AND round = ${++n}");
            command.Int(query.Round.Value);
        }
        if (query.Phase is not null)
        {
            sql.Append($" AND phase = ${++n}");
            command.Text(query.Phase);
        }
        if (query.Status is not null)
        {
            sql.Append($" AND status = ${++n}");
            command.Text(StoreValues.Name(query.Status.Value));
        }
        if (query.ScenarioId is not null)
        {
            sql.Append($" AND scenario_id = ${++n}");
            command.Text(query.ScenarioId);
        }
        return n;
    }
}
