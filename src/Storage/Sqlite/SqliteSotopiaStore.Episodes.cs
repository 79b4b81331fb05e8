using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class SqliteSotopiaStore
{
    private static readonly string RunningName = StoreValues.Name(EpisodeStatus.Running);
    private static readonly string RunningJson = StoreValues.Json(EpisodeStatus.Running);
    private static readonly string CancelledName = StoreValues.Name(EpisodeStatus.Cancelled);
    private static readonly string CancelledJson = StoreValues.Json(EpisodeStatus.Cancelled);

    public Task<int> CreateEpisodesAsync(IReadOnlyList<EpisodeRecord> episodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        var rows = new List<(EpisodeRecord Episode, string Status, string Json)>(episodes.Count);
        foreach (var episode in episodes)
        {
            ArgumentNullException.ThrowIfNull(episode, nameof(episodes));
            ArgumentException.ThrowIfNullOrEmpty(episode.Id, nameof(episodes));
            rows.Add((episode, StoreValues.Name(episode.Status), StoreValues.Json(episode)));
        }
        return WriteAsync("create episodes", needsSavepoint: true, session =>
        {
            var created = 0;
            foreach (var (episode, status, json) in rows)
            {
                created += session.Command("""
                        INSERT INTO episodes (id, campaign_id, round, phase, task_id, scenario_id, status, created_at, completed_at, json)
                        VALUES ($id, $campaign, $round, $phase, $task, $scenario, $status, $created, $completed, $json)
                        ON CONFLICT (id) DO NOTHING
                        """)
                    .With("$id", episode.Id).With("$campaign", episode.CampaignId).With("$round", episode.Round)
                    .With("$phase", episode.Phase).With("$task", episode.TaskId).With("$scenario", episode.ScenarioId)
                    .With("$status", status).With("$created", StoreValues.ToMs(episode.CreatedAt))
                    .With("$completed", StoreValues.ToMs(episode.CompletedAt)).With("$json", json)
                    .ExecuteNonQuery();
            }
            return created;
        }, cancellationToken);
    }

    public async Task<EpisodeActivation?> BeginEpisodeAsync(string episodeId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(episodeId);
        var begun = await WriteAsync("begin episode", needsSavepoint: true, session =>
        {
            long? fence = null;
            string? json;
            using (var reader = session.Command("""
                    UPDATE episodes SET status = $status, fence = fence + 1, json = json_set(json, '$.status', json($statusJson))
                    WHERE id = $id AND status IN ('pending', 'running')
                    RETURNING fence, json
                    """)
                .With("$status", RunningName).With("$statusJson", RunningJson).With("$id", episodeId).ExecuteReader())
            {
                json = reader.Read() ? reader.GetString(1) : null;
                if (json is not null)
                {
                    fence = reader.GetInt64(0);
                }
            }
            json ??= session.Command("SELECT json FROM episodes WHERE id = $id").With("$id", episodeId).ExecuteString();
            return json is null ? default((string, long?, ImmutableArray<Turn>)?) : (json, fence, ReadTurns(session, episodeId));
        }, cancellationToken).ConfigureAwait(false);
        if (begun is not { } b)
        {
            return null;
        }
        return new EpisodeActivation(
            Parse<EpisodeRecord>(b.Item1, $"episode '{episodeId}'"), b.Item3, b.Item2 is { } f ? new EpisodeFence(episodeId, f) : null);
    }

    public Task AppendTurnAsync(EpisodeFence fence, Turn turn, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fence);
        StoreRules.ValidateTurn(fence, turn);
        var actionType = turn.Action.Type.ToWire();
        var usage = turn.Usage is null ? null : StoreValues.Json(turn.Usage);

        return WriteAsync("append turn", needsSavepoint: false, session =>
        {
            CheckFence(session, fence, "append turn " + turn.Number.ToString(CultureInfo.InvariantCulture));
            var count = session.Command("SELECT COUNT(*) FROM turns WHERE episode_id = $id").With("$id", turn.EpisodeId).ExecuteInt64();
            StoreRules.RequireNextTurn(turn, count);
            session.Command("""
                    INSERT INTO turns (episode_id, number, seat, action_type, argument, note, usage)
                    VALUES ($id, $number, $seat, $type, $argument, $note, $usage)
                    """)
                .With("$id", turn.EpisodeId).With("$number", turn.Number).With("$seat", turn.Seat).With("$type", actionType)
                .With("$argument", turn.Action.Argument ?? "").With("$note", turn.Note).With("$usage", usage)
                .ExecuteNonQuery();
            return true;
        }, cancellationToken);
    }

    public Task CompleteEpisodeAsync(EpisodeFence fence, EpisodeCompletion completion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fence);
        ArgumentNullException.ThrowIfNull(completion);
        StoreRules.ValidateCompletion(fence.EpisodeId, completion);
        var status = StoreValues.Name(completion.Status);
        var statusJson = StoreValues.Json(completion.Status);
        var terminationJson = StoreValues.Json(completion.Termination);
        var outcomeJson = StoreValues.Json(completion.Outcome);
        var failureJson = StoreValues.Json(completion.FailureReason);
        var completedJson = StoreValues.Json<DateTimeOffset?>(completion.CompletedAt);

        return WriteAsync("complete episode", needsSavepoint: false, session =>
        {
            CheckFence(session, fence, "complete");
            session.Command("""
                    UPDATE episodes SET status = $status, completed_at = $completed,
                        json = json_set(json, '$.status', json($statusJson), '$.termination', json($termination),
                            '$.outcome', json($outcome), '$.failure_reason', json($failure), '$.completed_at', json($completedJson))
                    WHERE id = $id
                    """)
                .With("$status", status).With("$completed", StoreValues.ToMs(completion.CompletedAt))
                .With("$statusJson", statusJson).With("$termination", terminationJson).With("$outcome", outcomeJson)
                .With("$failure", failureJson).With("$completedJson", completedJson).With("$id", fence.EpisodeId)
                .ExecuteNonQuery();
            return true;
        }, cancellationToken);
    }

    /// <summary>Refuses the write unless the episode is running under exactly this fence.</summary>
    private void CheckFence(SqliteSession session, EpisodeFence fence, string operation)
    {
        string? status = null;
        long current = 0;
        using (var reader = session.Command("SELECT status, fence FROM episodes WHERE id = $id").With("$id", fence.EpisodeId).ExecuteReader())
        {
            if (reader.Read())
            {
                status = reader.GetString(0);
                current = reader.GetInt64(1);
            }
        }
        if (status is null)
        {
            throw new InvalidOperationException($"Episode '{fence.EpisodeId}' does not exist.");
        }
        if (status != RunningName || current != fence.Value)
        {
            Interlocked.Increment(ref _staleWritesRefused);
            throw StoreRules.StaleFence(fence, operation, status, current);
        }
    }

    public async Task<int> CancelEpisodesAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        // The fence moves on too, so an activation still playing one of them has its next write refused.
        return await WriteAsync("cancel episodes", needsSavepoint: false, session =>
            session.Command("""
                    UPDATE episodes SET status = $status, fence = fence + 1, json = json_set(json, '$.status', json($statusJson))
                    WHERE campaign_id = $campaign AND status IN ('pending', 'running')
                    """)
                .With("$status", CancelledName).With("$statusJson", CancelledJson).With("$campaign", campaignId)
                .ExecuteNonQuery(), cancellationToken).ConfigureAwait(false);
    }

    public async Task<EpisodeRecord?> GetEpisodeAsync(string episodeId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(episodeId);
        var json = await ReadAsync("get episode", session =>
            session.Command("SELECT json FROM episodes WHERE id = $id").With("$id", episodeId).ExecuteString(),
            cancellationToken).ConfigureAwait(false);
        return json is null ? null : Parse<EpisodeRecord>(json, $"episode '{episodeId}'");
    }

    public Task<ImmutableArray<Turn>> GetTurnsAsync(string episodeId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(episodeId);
        return ReadAsync("get turns", session => ReadTurns(session, episodeId), cancellationToken);
    }

    private ImmutableArray<Turn> ReadTurns(SqliteSession session, string episodeId)
    {
        {
            var turns = ImmutableArray.CreateBuilder<Turn>();
            using var reader = session.Command("""
                    SELECT number, seat, action_type, argument, note, usage FROM turns WHERE episode_id = $id ORDER BY number
                    """)
                .With("$id", episodeId).ExecuteReader();
            while (reader.Read())
            {
                var number = reader.GetInt32(0);
                var wire = reader.GetString(2);
                if (!ActionTypes.TryParse(wire, out var type))
                {
                    throw new InvalidDataException(
                        $"SQLite store '{_path}': turn {number} of episode '{episodeId}' has unknown action type '{wire}'.");
                }
                var usage = reader.IsDBNull(5) ? null : Parse<CallUsage>(reader.GetString(5), $"usage of turn {number} of episode '{episodeId}'");
                turns.Add(new Turn(
                    episodeId, number, reader.GetInt32(1), new AgentAction(type.Value, reader.GetString(3)),
                    reader.IsDBNull(4) ? null : reader.GetString(4), usage));
            }
            return turns.ToImmutable();
        }
    }

    public async Task<IReadOnlyList<EpisodeRecord>> ListEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query));
        if (query.Limit is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.Limit, "A limit is zero or more (or none).");
        }
        var sql = new StringBuilder("SELECT id, json FROM episodes WHERE 1 = 1");
        if (query.CampaignId is not null)
        {
            sql.Append(" AND campaign_id = $campaign");
        }
        if (query.Round is not null)
        {
            sql.Append(" AND round = $round");
        }
        if (query.Phase is not null)
        {
            sql.Append(" AND phase = $phase");
        }
        if (query.Status is not null)
        {
            sql.Append(" AND status = $status");
        }
        if (query.ScenarioId is not null)
        {
            sql.Append(" AND scenario_id = $scenario");
        }
        sql.Append(" ORDER BY created_at, id LIMIT $limit OFFSET $offset");
        var text = sql.ToString();

        var rows = await ReadAsync("list episodes", session =>
        {
            var command = session.Command(text);
            if (query.CampaignId is not null)
            {
                command.With("$campaign", query.CampaignId);
            }
            if (query.Round is not null)
            {
                command.With("$round", query.Round.Value);
            }
            if (query.Phase is not null)
            {
                command.With("$phase", query.Phase);
            }
            if (query.Status is not null)
            {
                command.With("$status", StoreValues.Name(query.Status.Value));
            }
            if (query.ScenarioId is not null)
            {
                command.With("$scenario", query.ScenarioId);
            }
            command.With("$limit", query.Limit ?? -1).With("$offset", query.Offset);
            var result = new List<(string Id, string Json)>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
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
        return ReadAsync<IReadOnlyList<string>>("list unfinished episodes", session =>
            session.Command("""
                    SELECT id FROM episodes
                    WHERE campaign_id = $campaign AND round = $round AND status IN ('pending', 'running')
                    ORDER BY CASE status WHEN 'running' THEN 0 ELSE 1 END, created_at, id
                    """)
                .With("$campaign", campaignId).With("$round", round).ExecuteStrings(), cancellationToken);
    }

    public Task<EpisodeCounts> CountEpisodesAsync(string campaignId, int? round = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        var sql = round is null
            ? "SELECT status, COUNT(*) FROM episodes WHERE campaign_id = $campaign GROUP BY status"
            : "SELECT status, COUNT(*) FROM episodes WHERE campaign_id = $campaign AND round = $round GROUP BY status";
        return ReadAsync("count episodes", session =>
        {
            var command = session.Command(sql).With("$campaign", campaignId);
            if (round is not null)
            {
                command.With("$round", round.Value);
            }
            var counts = new int[Enum.GetValues<EpisodeStatus>().Length];
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                counts[(int)StoreValues.ParseEpisodeStatus(reader.GetString(0), _path)] += reader.GetInt32(1);
            }
            return new EpisodeCounts(
                counts[(int)EpisodeStatus.Pending], counts[(int)EpisodeStatus.Running], counts[(int)EpisodeStatus.Completed],
                counts[(int)EpisodeStatus.EvaluationFailed], counts[(int)EpisodeStatus.Failed], counts[(int)EpisodeStatus.Cancelled]);
        }, cancellationToken);
    }
}
