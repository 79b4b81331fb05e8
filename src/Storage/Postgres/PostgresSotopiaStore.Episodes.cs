using System.Collections.Frozen;
using System.Collections.Immutable;
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

    /// <summary>One statement: the oldest pending episodes without a live lease, and the oldest running ones whose
    /// lease expired (their silo died; found through the expired <em>active</em> leases, so in-flight episodes
    /// are never scanned), each skipping rows another silo is claiming right now (<c>SKIP LOCKED</c>); of both, the
    /// oldest <c>$2</c> lock their existing lease rows <c>FOR UPDATE</c> (waiting for a stale owner's fenced write
    /// in flight: <c>locked</c> is evaluated before the upsert, which reads it) and take their leases (epoch 1, or epoch + 1 — the <c>WHERE</c> of the upsert re-checks expiry
    /// against the latest row, so a lease taken meanwhile is left alone and that episode is not claimed) and are
    /// marked running.</summary>
    private const string ClaimEpisodesSql = """
        WITH pending AS (
            SELECT e.id, e.created_at FROM episodes e
            WHERE e.status = 'pending'
              AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.kind = 'episode' AND l.key = e.id AND l.expires_at > $1)
              AND NOT EXISTS (SELECT 1 FROM campaigns c WHERE c.id = e.campaign_id AND c.status = 'paused')
            ORDER BY e.created_at, e.id
            LIMIT $2
            FOR NO KEY UPDATE OF e SKIP LOCKED
        ), orphaned AS (
            SELECT e.id, e.created_at FROM leases l
            JOIN episodes e ON e.id = l.key
            WHERE l.kind = 'episode' AND l.active AND l.expires_at <= $1 AND e.status = 'running'
              AND NOT EXISTS (SELECT 1 FROM campaigns c WHERE c.id = e.campaign_id AND c.status = 'paused')
            ORDER BY e.created_at, e.id
            LIMIT $2
            FOR NO KEY UPDATE OF e SKIP LOCKED
        ), candidates AS (
            SELECT id FROM (SELECT id, created_at FROM pending UNION ALL SELECT id, created_at FROM orphaned) c
            ORDER BY created_at, id
            LIMIT $2
        ), locked AS (
            SELECT l.key FROM leases l WHERE l.kind = 'episode' AND l.key IN (SELECT id FROM candidates)
            FOR UPDATE
        ), taken AS (
            INSERT INTO leases (kind, key, owner, epoch, expires_at)
            SELECT 'episode', id, $3, 1, $4 FROM candidates
            WHERE (SELECT count(*) FROM locked) >= 0
            ON CONFLICT (kind, key) DO UPDATE
                SET owner = excluded.owner, epoch = leases.epoch + 1, expires_at = excluded.expires_at, active = true
                WHERE leases.expires_at <= $1
            RETURNING key, epoch
        ), claimed AS (
            UPDATE episodes e SET status = 'running', json = jsonb_set(e.json, '{status}', '"running"')
            FROM taken WHERE e.id = taken.key
            RETURNING e.id, e.created_at, e.json, taken.epoch
        )
        SELECT id, epoch, json::text FROM claimed ORDER BY created_at, id
        """;

    /// <summary>Group-committed turn append. Never fails on its checks; reports them: fence held, next free
    /// number, episode exists, inserted.</summary>
    private const string AppendTurnSql = """
        WITH fence AS (
            SELECT 1 FROM leases
            WHERE kind = 'episode' AND key = $1 AND owner = $2 AND epoch = $3 AND expires_at > $4
            FOR KEY SHARE
        ), next AS (
            SELECT COALESCE(MAX(number) + 1, 0) AS number FROM turns WHERE episode_id = $1
        ), episode AS (
            SELECT 1 FROM episodes WHERE id = $1
        ), inserted AS (
            INSERT INTO turns (episode_id, number, seat, action_type, argument, note, usage)
            SELECT $1, $5, $6, $7, $8, $9, $10::jsonb
            WHERE EXISTS (SELECT 1 FROM fence) AND (SELECT number FROM next) = $5 AND EXISTS (SELECT 1 FROM episode)
            ON CONFLICT DO NOTHING
            RETURNING 1
        )
        SELECT EXISTS (SELECT 1 FROM fence), (SELECT number FROM next), EXISTS (SELECT 1 FROM episode), EXISTS (SELECT 1 FROM inserted)
        """;

    /// <summary>Group-committed completion: fence (locking the lease row, which it then releases), update the
    /// episode, release the lease, NOTIFY the campaign. Reports: fence held, episode updated.</summary>
    private const string CompleteEpisodeSql = """
        WITH fence AS (
            SELECT 1 FROM leases
            WHERE kind = 'episode' AND key = $1 AND owner = $2 AND epoch = $3 AND expires_at > $4
            FOR NO KEY UPDATE
        ), updated AS (
            UPDATE episodes SET status = $5, completed_at = $6,
                json = json || jsonb_build_object('status', $7::jsonb, 'termination', $8::jsonb, 'outcome', $9::jsonb,
                    'failure_reason', $10::jsonb, 'completed_at', $11::jsonb)
            WHERE id = $1 AND EXISTS (SELECT 1 FROM fence)
            RETURNING campaign_id
        ), released AS (
            UPDATE leases SET expires_at = $4, active = false
            WHERE kind = 'episode' AND key = $1 AND EXISTS (SELECT 1 FROM updated)
            RETURNING 1
        ), notified AS (
            SELECT pg_notify($12, json_build_object('kind', 'episodes_finished', 'key', campaign_id)::text) FROM updated
        )
        SELECT EXISTS (SELECT 1 FROM fence), EXISTS (SELECT 1 FROM updated), (SELECT count(*) FROM released), (SELECT count(*) FROM notified)
        """;

    public Task<int> CreateEpisodesAsync(Lease campaignLease, IReadOnlyList<EpisodeRecord> episodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaignLease);
        ArgumentNullException.ThrowIfNull(episodes);
        if (campaignLease.Kind != LeaseKinds.Campaign)
        {
            throw new ArgumentException($"Creating episodes needs a campaign lease, not a {campaignLease.Kind} lease.", nameof(campaignLease));
        }
        var count = episodes.Count;
        var ids = new string[count];
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
            if (episode.CampaignId != campaignLease.Key)
            {
                throw new ArgumentException(
                    $"Episode '{episode.Id}' belongs to campaign '{episode.CampaignId}', not to '{campaignLease.Key}' whose lease was given.",
                    nameof(episodes));
            }
            ids[i] = episode.Id;
            rounds[i] = episode.Round;
            phases[i] = episode.Phase;
            taskIds[i] = episode.TaskId;
            scenarioIds[i] = episode.ScenarioId;
            statuses[i] = StoreValues.Name(episode.Status);
            created[i] = StoreValues.ToMs(episode.CreatedAt);
            completed[i] = StoreValues.ToMs(episode.CompletedAt);
            jsons[i] = StoreValues.Json(episode);
        }

        return WriteAsync("create episodes", async (connection, ct) =>
        {
            await CheckFenceAsync(connection, campaignLease, NowMs(), ct).ConfigureAwait(false);
            if (count == 0)
            {
                return 0;
            }
            await using var command = connection.CreateCommand();
            // Ordinality keeps the given order, so that of duplicated ids the first one is stored (as on SQLite).
            command.CommandText = """
                INSERT INTO episodes (id, campaign_id, round, phase, task_id, scenario_id, status, created_at, completed_at, json)
                SELECT id, $1, round, phase, task_id, scenario_id, status, created_at, completed_at, json::jsonb
                FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::bigint[], $10::text[])
                    WITH ORDINALITY AS t(id, round, phase, task_id, scenario_id, status, created_at, completed_at, json, n)
                ORDER BY n
                ON CONFLICT (id) DO NOTHING
                """;
            command.Text(campaignLease.Key)
                .Add(ids, NpgsqlDbType.Array | NpgsqlDbType.Text).Add(rounds, NpgsqlDbType.Array | NpgsqlDbType.Integer)
                .Add(phases, NpgsqlDbType.Array | NpgsqlDbType.Text).Add(taskIds, NpgsqlDbType.Array | NpgsqlDbType.Text)
                .Add(scenarioIds, NpgsqlDbType.Array | NpgsqlDbType.Text).Add(statuses, NpgsqlDbType.Array | NpgsqlDbType.Text)
                .Add(created, NpgsqlDbType.Array | NpgsqlDbType.Bigint).Add(completed, NpgsqlDbType.Array | NpgsqlDbType.Bigint)
                .Add(jsons, NpgsqlDbType.Array | NpgsqlDbType.Text);
            var inserted = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            if (statuses.Contains(RunningName))
            {
                // A running episode must have a lease row to be found when orphaned: give the ones without one an
                // expired placeholder (epoch 0, no owner), so the first claim takes it with epoch 1.
                await using var placeholders = connection.CreateCommand();
                placeholders.CommandText = """
                    INSERT INTO leases (kind, key, owner, epoch, expires_at)
                    SELECT 'episode', id, '', 0, 0 FROM unnest($1::text[], $2::text[]) AS t(id, status) WHERE status = 'running'
                    ON CONFLICT (kind, key) DO NOTHING
                    """;
                placeholders.Add(ids, NpgsqlDbType.Array | NpgsqlDbType.Text).Add(statuses, NpgsqlDbType.Array | NpgsqlDbType.Text);
                await placeholders.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            if (inserted > 0)
            {
                await NotifyAsync(connection, StoreNotification.EpisodesCreated(campaignLease.Key, inserted), ct).ConfigureAwait(false);
            }
            return inserted;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<ClaimedEpisode>> ClaimEpisodesAsync(string owner, int max, TimeSpan leaseDuration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        var durationMs = StoreValues.DurationMs(leaseDuration, nameof(leaseDuration));
        if (max == 0)
        {
            return [];
        }
        var claimed = await WriteAsync("claim episodes", async (connection, ct) =>
        {
            var now = NowMs();
            var expires = now + durationMs;
            await using var command = connection.CreateCommand();
            command.CommandText = ClaimEpisodesSql;
            command.Long(now).Int(max).Text(owner).Long(expires);
            var result = new List<(string Json, Lease Lease)>();
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                result.Add((reader.GetString(2), new Lease(LeaseKinds.Episode, id, owner, reader.GetInt64(1), StoreValues.FromMs(expires))));
            }
            return result;
        }, cancellationToken).ConfigureAwait(false);

        return claimed.ConvertAll(c => new ClaimedEpisode(Parse<EpisodeRecord>(c.Json, $"episode '{c.Lease.Key}'"), c.Lease));
    }

    public Task AppendTurnAsync(Lease lease, Turn turn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(turn);
        StoreRules.RequireLease(lease, LeaseKinds.Episode, turn.EpisodeId, nameof(lease));
        ArgumentOutOfRangeException.ThrowIfNegative(turn.Number);
        if (turn.Seat is not (0 or 1))
        {
            throw new ArgumentOutOfRangeException(nameof(turn), turn.Seat, "A turn's seat is 0 or 1.");
        }
        ArgumentNullException.ThrowIfNull(turn.Action, nameof(turn));
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var actionType = turn.Action.Type.ToWire();
        var usage = turn.Usage is null ? null : StoreValues.Json(turn.Usage);

        return _writer.EnqueueAsync("append turn",
            () => new NpgsqlBatchCommand(AppendTurnSql)
                .Text(turn.EpisodeId).Text(lease.Owner).Long(lease.Epoch).Long(NowMs())
                .Int(turn.Number).Int(turn.Seat).Text(actionType).Text(turn.Action.Argument ?? "").Text(turn.Note).Text(usage),
            reader =>
            {
                if (!reader.GetBoolean(0))
                {
                    throw new StaleEpochException(lease.Kind, lease.Key, lease.Epoch);
                }
                var next = reader.GetInt32(1);
                if (turn.Number < next)
                {
                    throw new InvalidOperationException(
                        $"Turn {turn.Number} of episode '{turn.EpisodeId}' is already stored ({next} turns exist).");
                }
                if (turn.Number > next)
                {
                    throw new InvalidOperationException(
                        $"Turn {turn.Number} of episode '{turn.EpisodeId}' is not contiguous: {next} turns exist, so the next is {next}.");
                }
                if (!reader.GetBoolean(2))
                {
                    throw new InvalidOperationException($"Episode '{turn.EpisodeId}' does not exist.");
                }
                if (!reader.GetBoolean(3))
                {
                    throw new InvalidOperationException(
                        $"Turn {turn.Number} of episode '{turn.EpisodeId}' is already stored (written concurrently).");
                }
                return true;
            },
            cancellationToken);
    }

    public Task CompleteEpisodeAsync(Lease lease, EpisodeCompletion completion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(completion);
        if (lease.Kind != LeaseKinds.Episode)
        {
            throw new ArgumentException($"Completing an episode needs an episode lease, not a {lease.Kind} lease.", nameof(lease));
        }
        StoreRules.ValidateCompletion(lease.Key, completion);
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
                .Text(lease.Key).Text(lease.Owner).Long(lease.Epoch).Long(NowMs())
                .Text(status).Long(completedMs).Text(statusJson).Text(terminationJson).Text(outcomeJson).Text(failureJson).Text(completedJson)
                .Text(_options.NotificationChannel),
            reader =>
            {
                if (!reader.GetBoolean(0))
                {
                    throw new StaleEpochException(lease.Kind, lease.Key, lease.Epoch);
                }
                if (!reader.GetBoolean(1))
                {
                    throw new InvalidOperationException($"Episode '{lease.Key}' does not exist.");
                }
                return true;
            },
            cancellationToken);
    }

    public Task<int> CancelEpisodesAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        return WriteAsync("cancel episodes", async (connection, ct) =>
        {
            var now = NowMs();
            await using var command = connection.CreateCommand();
            // End the leases of the episodes being cancelled, so their owners' further writes are refused.
            command.CommandText = """
                WITH cancelled AS (
                    UPDATE episodes SET status = 'cancelled', json = jsonb_set(json, '{status}', '"cancelled"')
                    WHERE campaign_id = $1 AND status IN ('pending', 'running')
                    RETURNING id
                ), ended AS (
                    UPDATE leases SET expires_at = LEAST(expires_at, $2), active = false
                    WHERE kind = 'episode' AND key IN (SELECT id FROM cancelled)
                    RETURNING 1
                )
                SELECT (SELECT count(*) FROM cancelled), (SELECT count(*) FROM ended)
                """;
            command.Text(campaignId).Long(now);
            var cancelled = (int)await command.ExecuteInt64Async(ct).ConfigureAwait(false);
            if (cancelled > 0)
            {
                await NotifyAsync(connection, StoreNotification.EpisodesFinished(campaignId), ct).ConfigureAwait(false);
            }
            return cancelled;
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
        var rows = await ReadAsync("get turns", async (connection, ct) =>
        {
            var result = new List<(int Number, int Seat, string Type, string Argument, string? Note, string? Usage)>();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT number, seat, action_type, argument, note, usage::text FROM turns WHERE episode_id = $1 ORDER BY number";
            command.Text(episodeId);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                result.Add((reader.GetInt32(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
            }
            return result;
        }, cancellationToken).ConfigureAwait(false);

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
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit, nameof(query));
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
            sql.Append($" ORDER BY created_at, id LIMIT ${++n} OFFSET ${++n}");
            command.Int(query.Limit).Int(query.Offset);
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
