using System.Collections.Immutable;
using System.Text;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class SqliteSotopiaStore
{
    private const string TurnColumns = "number, seat, action_type, argument, note, usage";

    private static readonly string RunningName = StoreValues.Name(EpisodeStatus.Running);
    private static readonly string RunningJson = StoreValues.Json(EpisodeStatus.Running);
    private static readonly string PendingName = StoreValues.Name(EpisodeStatus.Pending);
    private static readonly string CancelledName = StoreValues.Name(EpisodeStatus.Cancelled);
    private static readonly string CancelledJson = StoreValues.Json(EpisodeStatus.Cancelled);

    public Task<int> CreateEpisodesAsync(IReadOnlyList<EpisodeRecord> episodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        var rows = new List<(EpisodeRecord Episode, string Status, string Json, string Report, byte[]? Scores, string? Usage)>(episodes.Count);
        foreach (var episode in episodes)
        {
            ArgumentNullException.ThrowIfNull(episode, nameof(episodes));
            ArgumentException.ThrowIfNullOrEmpty(episode.Id, nameof(episodes));
            rows.Add((episode, StoreValues.Name(episode.Status), StoreValues.Json(episode), EpisodeReportColumns.Report(episode), EpisodeReportColumns.Scores(episode.Outcome),
                EpisodeReportColumns.CreatedUsage(episode)));
        }
        if (rows.Count == 0)
        {
            return Task.FromResult(0);
        }

        return WriteAsync("create episodes", needsSavepoint: true, session =>
        {
            var created = 0;
            foreach (var (episode, status, json, report, scores, usage) in rows)
            {
                var inserted = session.Command("""
                        INSERT INTO episodes (id, campaign_id, round, phase, task_id, scenario_id, status, created_at, completed_at, json)
                        VALUES ($id, $campaign, $round, $phase, $task, $scenario, $status, $created, $completed, $json)
                        ON CONFLICT (id) DO NOTHING
                        """)
                    .With("$id", episode.Id).With("$campaign", episode.CampaignId).With("$round", episode.Round)
                    .With("$phase", episode.Phase).With("$task", episode.TaskId).With("$scenario", episode.ScenarioId)
                    .With("$status", status).With("$created", StoreValues.ToMs(episode.CreatedAt))
                    .With("$completed", StoreValues.ToMs(episode.CompletedAt)).With("$json", json)
                    .ExecuteNonQuery();
                if (inserted > 0)
                {
                    InsertReportRow(session, episode, report, scores, usage);
                }
                created += inserted;
            }
            return created;
        }, cancellationToken);
    }

    public async Task<EpisodeActivation?> BeginEpisodeAsync(string episodeId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(episodeId);
        // One write (the fence's update); the reads after it change nothing, so no savepoint: if one of them failed, the
        // taken fence would stay taken, which is harmless (the next begin takes the next one).
        var begun = await WriteAsync<(string Json, long? Fence, List<TurnRow> Turns)?>("begin episode", needsSavepoint: false, session =>
        {
            long? fence = null;
            string? json = null;
            using (var reader = session.Command("""
                    UPDATE episodes SET status = $status, fence = fence + 1, json = json_set(json, '$.status', json($statusJson))
                    WHERE id = $id AND status IN ('pending', 'running')
                    RETURNING fence, json
                    """)
                .With("$status", RunningName).With("$statusJson", RunningJson).With("$id", episodeId).ExecuteReader())
            {
                if (reader.Read())
                {
                    fence = reader.GetInt64(0);
                    json = reader.GetString(1);
                }
            }
            json ??= session.Command("SELECT json FROM episodes WHERE id = $id").With("$id", episodeId).ExecuteString();
            return json is null ? null : (json, fence, ReadTurnRows(session, episodeId));
        }, cancellationToken).ConfigureAwait(false);

        if (begun is not { } b)
        {
            return null;
        }
        var episode = Parse<EpisodeRecord>(b.Json, $"episode '{episodeId}'");
        return new EpisodeActivation(episode, ToTurns(episodeId, b.Turns), b.Fence is { } value ? new EpisodeFence(episodeId, value) : null);
    }

    public Task AppendTurnAsync(EpisodeFence fence, Turn turn, CancellationToken cancellationToken = default)
    {
        StoreRules.ValidateTurn(turn);
        StoreRules.RequireFence(fence, turn.EpisodeId, nameof(fence));
        var actionType = turn.Action.Type.ToWire();
        var usage = turn.Usage is null ? null : StoreValues.Json(turn.Usage);

        return FencedWriteAsync("append turn", needsSavepoint: false, session =>
        {
            CheckFence(session, fence, $"turn {turn.Number}");
            var count = session.Command("SELECT COUNT(*) FROM turns WHERE episode_id = $id").With("$id", turn.EpisodeId).ExecuteInt64();
            if (StoreRules.CheckContiguous(turn, count) is { } notContiguous)
            {
                throw notContiguous;
            }
            session.Command("""
                    INSERT INTO turns (episode_id, number, seat, action_type, argument, note, usage)
                    VALUES ($id, $number, $seat, $type, $argument, $note, $usage)
                    """)
                .With("$id", turn.EpisodeId).With("$number", turn.Number).With("$seat", turn.Seat).With("$type", actionType)
                .With("$argument", turn.Action.Argument ?? "").With("$note", turn.Note).With("$usage", usage)
                .ExecuteNonQuery();
        }, cancellationToken);
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
        var reportPatch = EpisodeReportColumns.CompletionPatch(completion);
        var scores = EpisodeReportColumns.Scores(completion.Outcome);
        var judgeUsage = completion.Outcome?.Usage is { } judge ? StoreValues.Json(judge) : null;

        // Two statements: the savepoint undoes the first if the second fails, without the rest of the batch.
        return FencedWriteAsync("complete episode", needsSavepoint: true, session =>
        {
            CheckFence(session, fence, "its completion");
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
            // The report row, in the same transaction: scores and failure merged in, usage summed from the turns.
            var (campaign, created) = ReportRowKey(session, fence.EpisodeId);
            session.Command($"""
                    UPDATE episode_reports SET status = $status, report = json_patch(report, $patch), scores = $scores, usage = {UsageOfTurns("$id", "$judge")}
                    WHERE campaign_id = $campaign AND created_at = $created AND episode_id = $id
                    """)
                .With("$status", status).With("$patch", reportPatch).With("$scores", scores).With("$judge", judgeUsage).With("$id", fence.EpisodeId)
                .With("$campaign", campaign).With("$created", created)
                .ExecuteNonQuery();
        }, cancellationToken);
    }

    public Task<int> CancelEpisodesAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        return WriteAsync("cancel episodes", needsSavepoint: true, session =>
        {
            // Report rows of unfinished episodes say pending (see EpisodeReportColumns): they become cancelled, with the
            // usage their turns had.
            session.Command($"""
                    UPDATE episode_reports SET status = $status, usage = {UsageOfTurns("episode_reports.episode_id", null)}
                    WHERE campaign_id = $campaign AND status = $pending
                    """)
                .With("$status", CancelledName).With("$pending", PendingName).With("$campaign", campaignId).ExecuteNonQuery();
            return session.Command("""
                    UPDATE episodes SET status = $status, fence = fence + 1, json = json_set(json, '$.status', json($statusJson))
                    WHERE campaign_id = $campaign AND status IN ('pending', 'running')
                    """)
                .With("$status", CancelledName).With("$statusJson", CancelledJson).With("$campaign", campaignId)
                .ExecuteNonQuery();
        }, cancellationToken);
    }

    public async Task<EpisodeRecord?> GetEpisodeAsync(string episodeId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(episodeId);
        var json = await ReadAsync("get episode", session =>
            session.Command("SELECT json FROM episodes WHERE id = $id").With("$id", episodeId).ExecuteString(),
            cancellationToken).ConfigureAwait(false);
        return json is null ? null : Parse<EpisodeRecord>(json, $"episode '{episodeId}'");
    }

    public async Task<ImmutableArray<Turn>> GetTurnsAsync(string episodeId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(episodeId);
        var rows = await ReadPagesAsync<TurnRow>("get turns", (session, after, size) =>
        {
            using var reader = session.Command($"""
                    SELECT {TurnColumns} FROM turns WHERE episode_id = $id AND number > $after ORDER BY number LIMIT $size
                    """)
                .With("$id", episodeId).With("$after", after?.Number ?? -1).With("$size", size).ExecuteReader();
            return ReadTurnRows(reader);
        }, cancellationToken).ConfigureAwait(false);
        return ToTurns(episodeId, rows);
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
        var filter = new StringBuilder();
        if (query.CampaignId is not null)
        {
            filter.Append(" AND campaign_id = $campaign");
        }
        if (query.Round is not null)
        {
            filter.Append(" AND round = $round");
        }
        if (query.Phase is not null)
        {
            filter.Append(" AND phase = $phase");
        }
        if (query.Status is not null)
        {
            filter.Append(" AND status = $status");
        }
        if (query.ScenarioId is not null)
        {
            filter.Append(" AND scenario_id = $scenario");
        }
        // The first page skips the offset (or starts after the query's cursor); the next ones start after the last
        // row read (created_at, id).
        (long CreatedAt, string Id, string Json)? start = query.After is { } cursor ? (cursor.CreatedAtMs, cursor.Id, "") : null;
        var first = $"SELECT created_at, id, json FROM episodes WHERE 1 = 1{filter} ORDER BY created_at, id LIMIT $size OFFSET $offset";
        var next = $"SELECT created_at, id, json FROM episodes WHERE (created_at, id) > ($afterCreated, $afterId){filter} ORDER BY created_at, id LIMIT $size";

        var rows = await ReadPagesAsync<(long CreatedAt, string Id, string Json)>("list episodes", (session, after, size) =>
        {
            var command = (after ?? start) is { } last
                ? session.Command(next).With("$afterCreated", last.CreatedAt).With("$afterId", last.Id)
                : session.Command(first).With("$offset", query.Offset);
            command.With("$size", size);
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
            var result = new List<(long, string, string)>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
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
        return await ReadAsync("list unfinished episodes", session =>
        {
            var ids = new List<string>();
            foreach (var status in (string[])[RunningName, PendingName])
            {
                long? afterCreated = null;
                string? afterId = null;
                while (true)
                {
                    var command = afterCreated is null
                        ? session.Command("""
                            SELECT created_at, id FROM episodes
                            WHERE campaign_id = $campaign AND round = $round AND status = $status
                            ORDER BY created_at, id LIMIT $size
                            """)
                        : session.Command("""
                            SELECT created_at, id FROM episodes
                            WHERE campaign_id = $campaign AND round = $round AND status = $status AND (created_at, id) > ($afterCreated, $afterId)
                            ORDER BY created_at, id LIMIT $size
                            """).With("$afterCreated", afterCreated).With("$afterId", afterId);
                    command.With("$campaign", campaignId).With("$round", round).With("$status", status).With("$size", _pageSize);
                    var read = 0;
                    using (var reader = command.ExecuteReader())
                    {
                        while (reader.Read())
                        {
                            afterCreated = reader.GetInt64(0);
                            afterId = reader.GetString(1);
                            ids.Add(afterId);
                            read++;
                        }
                    }
                    if (read < _pageSize)
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

    public Task<int> CountMatchingEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = new StringBuilder("SELECT COUNT(*) FROM episodes WHERE 1 = 1");
        var values = new List<(string Name, object Value)>();
        void Add(string column, string name, object? value)
        {
            if (value is not null)
            {
                sql.Append($" AND {column} = {name}");
                values.Add((name, value));
            }
        }
        Add("campaign_id", "$campaign", query.CampaignId);
        Add("round", "$round", query.Round);
        Add("phase", "$phase", query.Phase);
        Add("status", "$status", query.Status is { } status ? StoreValues.Name(status) : null);
        Add("scenario_id", "$scenario", query.ScenarioId);
        return ReadAsync("count matching episodes", session =>
        {
            var command = session.Command(sql.ToString());
            foreach (var (name, value) in values)
            {
                command.With(name, value);
            }
            return (int)command.ExecuteInt64();
        }, cancellationToken);
    }

    /// <summary>The condition of every episode write, checked in the write's transaction (the writer is the only
    /// one, so nothing changes between the check and the write): the fence must be the episode's current one and
    /// the episode running. Otherwise <see cref="StaleWriteException"/>; a missing episode is a bug
    /// (<see cref="InvalidOperationException"/>).</summary>
    private static void CheckFence(SqliteSession session, EpisodeFence fence, string what)
    {
        using var reader = session.Command("SELECT fence, status FROM episodes WHERE id = $id").With("$id", fence.EpisodeId).ExecuteReader();
        if (!reader.Read())
        {
            throw new InvalidOperationException($"Episode '{fence.EpisodeId}' does not exist.");
        }
        var current = reader.GetInt64(0);
        var status = reader.GetString(1);
        if (current != fence.Value || status != RunningName)
        {
            throw StoreRules.StaleFence(what, fence, current, status);
        }
    }

    private static List<TurnRow> ReadTurnRows(SqliteSession session, string episodeId)
    {
        using var reader = session.Command($"SELECT {TurnColumns} FROM turns WHERE episode_id = $id ORDER BY number")
            .With("$id", episodeId).ExecuteReader();
        return ReadTurnRows(reader);
    }

    private static List<TurnRow> ReadTurnRows(Microsoft.Data.Sqlite.SqliteDataReader reader)
    {
        var rows = new List<TurnRow>();
        while (reader.Read())
        {
            rows.Add(new TurnRow(reader.GetInt32(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return rows;
    }

    private ImmutableArray<Turn> ToTurns(string episodeId, List<TurnRow> rows) =>
        TurnRow.ToTurns(episodeId, rows, $"SQLite store '{_path}'");
}
