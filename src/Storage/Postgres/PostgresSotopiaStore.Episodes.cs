using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class PostgresSotopiaStore
{
    private static readonly string RunningName = StoreValues.Name(EpisodeStatus.Running);

    private static readonly FrozenDictionary<string, EpisodeStatus> EpisodeStatuses =
        Enum.GetValues<EpisodeStatus>().ToFrozenDictionary(StoreValues.Name, status => status, StringComparer.Ordinal);

    /// <summary>Group-committed turn append. Never fails on its checks; reports them: the episode's status and
    /// fence (locked <c>FOR SHARE</c>, so a newer activation's begin — an UPDATE of the row — waits for this
    /// transaction), the next free number, inserted.</summary>
    private const string AppendTurnSql = """
        WITH episode AS (
            SELECT status, fence FROM episodes WHERE id = $1 FOR SHARE
        ), next AS (
            SELECT COALESCE(MAX(number) + 1, 0) AS number FROM turns WHERE episode_id = $1
        ), inserted AS (
            INSERT INTO turns (episode_id, number, seat, action_type, argument, note, usage)
            SELECT $1, $3, $4, $5, $6, $7, $8::jsonb
            WHERE EXISTS (SELECT 1 FROM episode WHERE status = 'running' AND fence = $2) AND (SELECT number FROM next) = $3
            ON CONFLICT DO NOTHING
            RETURNING 1
        )
        SELECT (SELECT status FROM episode), (SELECT fence FROM episode), (SELECT number FROM next), EXISTS (SELECT 1 FROM inserted)
        """;

    /// <summary>Group-committed completion: lock the episode row (waiting for a concurrent begin or cancel, then
    /// reading what it committed), update it when it is still running under the fence. Reports: the episode's
    /// status and fence before, updated.</summary>
    private const string CompleteEpisodeSql = """
        WITH episode AS (
            SELECT status, fence FROM episodes WHERE id = $1 FOR NO KEY UPDATE
        ), updated AS (
            UPDATE episodes SET status = $3, completed_at = $4,
                json = json || jsonb_build_object('status', $5::jsonb, 'termination', $6::jsonb, 'outcome', $7::jsonb,
                    'failure_reason', $8::jsonb, 'completed_at', $9::jsonb)
            WHERE id = $1 AND EXISTS (SELECT 1 FROM episode WHERE status = 'running' AND fence = $2)
            RETURNING 1
        )
        SELECT (SELECT status FROM episode), (SELECT fence FROM episode), EXISTS (SELECT 1 FROM updated)
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
        }
        if (count == 0)
        {
            return Task.FromResult(0);
        }

        return WriteAsync("create episodes", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            // Ordinality keeps the given order, so that of duplicated ids the first one is stored (as on SQLite).
            command.CommandText = """
                INSERT INTO episodes (id, campaign_id, round, phase, task_id, scenario_id, status, created_at, completed_at, json)
                SELECT id, campaign_id, round, phase, task_id, scenario_id, status, created_at, completed_at, json::jsonb
                FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::text[])
                    WITH ORDINALITY AS t(id, campaign_id, round, phase, task_id, scenario_id, status, created_at, completed_at, json, n)
                ORDER BY n
                ON CONFLICT (id) DO NOTHING
                """;
            command.Add(ids, NpgsqlDbType.Array | NpgsqlDbType.Text).Add(campaigns, NpgsqlDbType.Array | NpgsqlDbType.Text)
                .Add(rounds, NpgsqlDbType.Array | NpgsqlDbType.Integer)
                .Add(phases, NpgsqlDbType.Array | NpgsqlDbType.Text).Add(taskIds, NpgsqlDbType.Array | NpgsqlDbType.Text)
                .Add(scenarioIds, NpgsqlDbType.Array | NpgsqlDbType.Text).Add(statuses, NpgsqlDbType.Array | NpgsqlDbType.Text)
                .Add(created, NpgsqlDbType.Array | NpgsqlDbType.Bigint).Add(completed, NpgsqlDbType.Array | NpgsqlDbType.Bigint)
                .Add(jsons, NpgsqlDbType.Array | NpgsqlDbType.Text);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }, cancellationToken);
    }

    public async Task<EpisodeActivation?> BeginEpisodeAsync(string episodeId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(episodeId);
        var begun = await WriteAsync("begin episode", async (connection, ct) =>
        {
            string? json = null;
            long? fence = null;
            await using (var command = connection.CreateCommand())
            {
                // The UPDATE waits for a stale activation's fenced write in flight (it holds the row FOR SHARE),
                // so once this commits, that activation's every later write is refused.
                command.CommandText = """
                    UPDATE episodes SET status = 'running', fence = fence + 1, json = jsonb_set(json, '{status}', '"running"')
                    WHERE id = $1 AND status IN ('pending', 'running')
                    RETURNING fence, json::text
                    """;
                command.Text(episodeId);
                await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                if (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    fence = reader.GetInt64(0);
                    json = reader.GetString(1);
                }
            }
            if (json is null)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT json::text FROM episodes WHERE id = $1";
                command.Text(episodeId);
                json = await command.ExecuteStringAsync(ct).ConfigureAwait(false);
            }
            return json is null ? null : new BegunRow(json, fence, await ReadTurnRowsAsync(connection, episodeId, ct).ConfigureAwait(false));
        }, cancellationToken).ConfigureAwait(false);
        if (begun is null)
        {
            return null;
        }
        return new EpisodeActivation(
            Parse<EpisodeRecord>(begun.Json, $"episode '{episodeId}'"), ToTurns(episodeId, begun.Turns),
            begun.Fence is { } f ? new EpisodeFence(episodeId, f) : null);
    }

    private sealed record BegunRow(string Json, long? Fence, List<TurnRow> Turns);

    private readonly record struct TurnRow(int Number, int Seat, string Type, string Argument, string? Note, string? Usage);

    public Task AppendTurnAsync(EpisodeFence fence, Turn turn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fence);
        StoreRules.ValidateTurn(fence, turn);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var actionType = turn.Action.Type.ToWire();
        var usage = turn.Usage is null ? null : StoreValues.Json(turn.Usage);
        var operation = "append turn " + turn.Number.ToString(CultureInfo.InvariantCulture);

        return _writer.EnqueueAsync(operation,
            () => new NpgsqlBatchCommand(AppendTurnSql)
                .Text(turn.EpisodeId).Long(fence.Value)
                .Int(turn.Number).Int(turn.Seat).Text(actionType).Text(turn.Action.Argument ?? "").Text(turn.Note).Text(usage),
            reader =>
            {
                RequireFence(reader, fence, operation);
                StoreRules.RequireNextTurn(turn, reader.GetInt32(2));
                if (!reader.GetBoolean(3))
                {
                    throw new InvalidOperationException(
                        $"Turn {turn.Number} of episode '{turn.EpisodeId}' is already stored (written concurrently).");
                }
                return true;
            },
            cancellationToken);
    }

    public Task CompleteEpisodeAsync(EpisodeFence fence, EpisodeCompletion completion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fence);
        ArgumentNullException.ThrowIfNull(completion);
        StoreRules.ValidateCompletion(fence.EpisodeId, completion);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var status = StoreValues.Name(completion.Status);
        var statusJson = StoreValues.Json(completion.Status);
        var terminationJson = StoreValues.Json(completion.Termination);
        var outcomeJson = StoreValues.Json(completion.Outcome);
        var failureJson = StoreValues.Json(completion.FailureReason);
        var completedJson = StoreValues.Json<DateTimeOffset?>(completion.CompletedAt);
        var completedMs = StoreValues.ToMs(completion.CompletedAt);

        return _writer.EnqueueAsync("complete episode",
            () => new NpgsqlBatchCommand(CompleteEpisodeSql)
                .Text(fence.EpisodeId).Long(fence.Value)
                .Text(status).Long(completedMs).Text(statusJson).Text(terminationJson).Text(outcomeJson).Text(failureJson).Text(completedJson),
            reader =>
            {
                RequireFence(reader, fence, "complete");
                return reader.GetBoolean(2)
                    ? true
                    : throw new InvalidOperationException($"{_description}: episode '{fence.EpisodeId}' was not updated.");
            },
            cancellationToken);
    }

    /// <summary>Reads columns 0–1 (status, fence) of a fenced write's result row; throws when the episode is
    /// missing or not running under exactly this fence (the write queue counts the refusal).</summary>
    private static void RequireFence(NpgsqlDataReader reader, EpisodeFence fence, string operation)
    {
        if (reader.IsDBNull(0))
        {
            throw new InvalidOperationException($"Episode '{fence.EpisodeId}' does not exist.");
        }
        var status = reader.GetString(0);
        var current = reader.GetInt64(1);
        if (status != RunningName || current != fence.Value)
        {
            throw StoreRules.StaleFence(fence, operation, status, current);
        }
    }

    public Task<int> CancelEpisodesAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        return WriteAsync("cancel episodes", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            // The fence moves on too, so an activation still playing one of them has its next write refused.
            command.CommandText = """
                UPDATE episodes SET status = 'cancelled', fence = fence + 1, json = jsonb_set(json, '{status}', '"cancelled"')
                WHERE campaign_id = $1 AND status IN ('pending', 'running')
                """;
            command.Text(campaignId);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
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
        var rows = await ReadAsync("get turns", (connection, ct) => ReadTurnRowsAsync(connection, episodeId, ct), cancellationToken)
            .ConfigureAwait(false);
        return ToTurns(episodeId, rows);
    }

    private static async Task<List<TurnRow>> ReadTurnRowsAsync(NpgsqlConnection connection, string episodeId, CancellationToken ct)
    {
        var result = new List<TurnRow>();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT number, seat, action_type, argument, note, usage::text FROM turns WHERE episode_id = $1 ORDER BY number";
        command.Text(episodeId);
        await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            result.Add(new TurnRow(reader.GetInt32(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return result;
    }

    private ImmutableArray<Turn> ToTurns(string episodeId, List<TurnRow> rows)
    {
        var turns = ImmutableArray.CreateBuilder<Turn>(rows.Count);
        foreach (var row in rows)
        {
            if (!ActionTypes.TryParse(row.Type, out var type))
            {
                throw new InvalidDataException(
                    $"{_description}: turn {row.Number} of episode '{episodeId}' has unknown action type '{row.Type}'.");
            }
            var usage = row.Usage is null ? null : Parse<CallUsage>(row.Usage, $"usage of turn {row.Number} of episode '{episodeId}'");
            turns.Add(new Turn(episodeId, row.Number, row.Seat, new AgentAction(type.Value, row.Argument), row.Note, usage));
        }
        return turns.MoveToImmutable();
    }

    public async Task<IReadOnlyList<EpisodeRecord>> ListEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query));
        if (query.Limit is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, "A limit is zero or more (or none).");
        }
        var rows = await ReadAsync("list episodes", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            var sql = new StringBuilder("SELECT id, json::text FROM episodes WHERE true");
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
            sql.Append(" ORDER BY created_at, id");
            if (query.Limit is { } limit)
            {
                sql.Append($" LIMIT ${++n}");
                command.Int(limit);
            }
            sql.Append($" OFFSET ${++n}");
            command.Int(query.Offset);
            command.CommandText = sql.ToString();
            var result = new List<(string Id, string Json)>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                result.Add((reader.GetString(0), reader.GetString(1)));
            }
            return result;
        }, cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => Parse<EpisodeRecord>(r.Json, $"episode '{r.Id}'"));
    }

    public Task<IReadOnlyList<string>> ListUnfinishedEpisodeIdsAsync(string campaignId, int round, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        return ReadAsync<IReadOnlyList<string>>("list unfinished episodes", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = """
                SELECT id FROM episodes
                WHERE campaign_id = $1 AND round = $2 AND status IN ('pending', 'running')
                ORDER BY CASE status WHEN 'running' THEN 0 ELSE 1 END, created_at, id
                """;
            command.Text(campaignId).Int(round);
            var ids = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                ids.Add(reader.GetString(0));
            }
            return ids;
        }, cancellationToken);
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

    private EpisodeStatus ParseEpisodeStatus(string name) =>
        EpisodeStatuses.TryGetValue(name, out var status)
            ? status
            : throw new InvalidDataException($"{_description}: unknown episode status '{name}' in table episodes.");
}
