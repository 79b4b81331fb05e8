using System.Collections.Immutable;
using System.Text;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class SqliteSotopiaStore
{
    private const string ClaimableEpisodesSql = """
        SELECT e.id FROM episodes e
        LEFT JOIN leases l ON l.kind = 'episode' AND l.key = e.id
        WHERE e.status IN ('pending', 'running') AND (l.key IS NULL OR l.expires_at <= $now)
          AND NOT EXISTS (SELECT 1 FROM campaigns c WHERE c.id = e.campaign_id AND c.status = 'paused')
        ORDER BY e.created_at, e.id
        LIMIT $max
        """;

    private static readonly string RunningName = StoreValues.Name(EpisodeStatus.Running);
    private static readonly string RunningJson = StoreValues.Json(EpisodeStatus.Running);
    private static readonly string CancelledName = StoreValues.Name(EpisodeStatus.Cancelled);
    private static readonly string CancelledJson = StoreValues.Json(EpisodeStatus.Cancelled);

    public async Task<int> CreateEpisodesAsync(Lease campaignLease, IReadOnlyList<EpisodeRecord> episodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaignLease);
        ArgumentNullException.ThrowIfNull(episodes);
        if (campaignLease.Kind != LeaseKinds.Campaign)
        {
            throw new ArgumentException($"Creating episodes needs a campaign lease, not a {campaignLease.Kind} lease.", nameof(campaignLease));
        }
        var rows = new List<(EpisodeRecord Episode, string Status, string Json)>(episodes.Count);
        foreach (var episode in episodes)
        {
            ArgumentNullException.ThrowIfNull(episode, nameof(episodes));
            ArgumentException.ThrowIfNullOrEmpty(episode.Id, nameof(episodes));
            if (episode.CampaignId != campaignLease.Key)
            {
                throw new ArgumentException(
                    $"Episode '{episode.Id}' belongs to campaign '{episode.CampaignId}', not to '{campaignLease.Key}' whose lease was given.",
                    nameof(episodes));
            }
            rows.Add((episode, StoreValues.Name(episode.Status), StoreValues.Json(episode)));
        }

        var created = await WriteAsync("create episodes", needsSavepoint: true, session =>
        {
            CheckFence(session, campaignLease, NowMs());
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
        }, cancellationToken).ConfigureAwait(false);
        if (created > 0)
        {
            _hub.Publish(StoreNotification.EpisodesCreated(campaignLease.Key, created));
        }
        return created;
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
        var claimed = await WriteAsync("claim episodes", needsSavepoint: true, session =>
        {
            var now = NowMs();
            var expires = now + durationMs;
            var ids = session.Command(ClaimableEpisodesSql).With("$now", now).With("$max", max).ExecuteStrings();
            var result = new List<(string Json, Lease Lease)>(ids.Count);
            foreach (var id in ids)
            {
                var epoch = AcquireNotLive(session, LeaseKinds.Episode, id, owner, expires);
                var json = session.Command("""
                        UPDATE episodes SET status = $status, json = json_set(json, '$.status', json($statusJson))
                        WHERE id = $id
                        RETURNING json
                        """)
                    .With("$status", RunningName).With("$statusJson", RunningJson).With("$id", id)
                    .ExecuteString()!;
                result.Add((json, new Lease(LeaseKinds.Episode, id, owner, epoch, StoreValues.FromMs(expires))));
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
        var actionType = turn.Action.Type.ToWire();
        var usage = turn.Usage is null ? null : StoreValues.Json(turn.Usage);

        return WriteAsync("append turn", needsSavepoint: false, session =>
        {
            CheckFence(session, lease, NowMs());
            var count = session.Command("SELECT COUNT(*) FROM turns WHERE episode_id = $id").With("$id", turn.EpisodeId).ExecuteInt64();
            if (turn.Number < count)
            {
                throw new InvalidOperationException(
                    $"Turn {turn.Number} of episode '{turn.EpisodeId}' is already stored ({count} turns exist).");
            }
            if (turn.Number > count)
            {
                throw new InvalidOperationException(
                    $"Turn {turn.Number} of episode '{turn.EpisodeId}' is not contiguous: {count} turns exist, so the next is {count}.");
            }
            if (count == 0 && session.Command("SELECT 1 FROM episodes WHERE id = $id").With("$id", turn.EpisodeId).ExecuteScalar() is null)
            {
                throw new InvalidOperationException($"Episode '{turn.EpisodeId}' does not exist.");
            }
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

    public async Task CompleteEpisodeAsync(Lease lease, EpisodeCompletion completion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(completion);
        if (lease.Kind != LeaseKinds.Episode)
        {
            throw new ArgumentException($"Completing an episode needs an episode lease, not a {lease.Kind} lease.", nameof(lease));
        }
        StoreRules.ValidateCompletion(lease.Key, completion);
        var status = StoreValues.Name(completion.Status);
        var statusJson = StoreValues.Json(completion.Status);
        var terminationJson = StoreValues.Json(completion.Termination);
        var outcomeJson = StoreValues.Json(completion.Outcome);
        var failureJson = StoreValues.Json(completion.FailureReason);
        var completedJson = StoreValues.Json<DateTimeOffset?>(completion.CompletedAt);

        var campaignId = await WriteAsync("complete episode", needsSavepoint: true, session =>
        {
            var now = NowMs();
            CheckFence(session, lease, now);
            var campaign = session.Command("""
                    UPDATE episodes SET status = $status, completed_at = $completed,
                        json = json_set(json, '$.status', json($statusJson), '$.termination', json($termination),
                            '$.outcome', json($outcome), '$.failure_reason', json($failure), '$.completed_at', json($completedJson))
                    WHERE id = $id
                    RETURNING campaign_id
                    """)
                .With("$status", status).With("$completed", StoreValues.ToMs(completion.CompletedAt))
                .With("$statusJson", statusJson).With("$termination", terminationJson).With("$outcome", outcomeJson)
                .With("$failure", failureJson).With("$completedJson", completedJson).With("$id", lease.Key)
                .ExecuteString();
            if (campaign is null)
            {
                throw new InvalidOperationException($"Episode '{lease.Key}' does not exist.");
            }
            ReleaseCore(session, lease, now);
            return campaign;
        }, cancellationToken).ConfigureAwait(false);
        _hub.Publish(StoreNotification.EpisodesFinished(campaignId));
    }

    public async Task<int> CancelEpisodesAsync(string campaignId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(campaignId);
        var cancelled = await WriteAsync("cancel episodes", needsSavepoint: true, session =>
        {
            var now = NowMs();
            // End the leases of the episodes being cancelled, so their owners' further writes are refused.
            session.Command("""
                    UPDATE leases SET expires_at = $now
                    WHERE kind = 'episode' AND expires_at > $now
                      AND key IN (SELECT id FROM episodes WHERE campaign_id = $campaign AND status IN ('pending', 'running'))
                    """)
                .With("$now", now).With("$campaign", campaignId)
                .ExecuteNonQuery();
            return session.Command("""
                    UPDATE episodes SET status = $status, json = json_set(json, '$.status', json($statusJson))
                    WHERE campaign_id = $campaign AND status IN ('pending', 'running')
                    """)
                .With("$status", CancelledName).With("$statusJson", CancelledJson).With("$campaign", campaignId)
                .ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);
        if (cancelled > 0)
        {
            _hub.Publish(StoreNotification.EpisodesFinished(campaignId));
        }
        return cancelled;
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
        return ReadAsync("get turns", session =>
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
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<EpisodeRecord>> ListEpisodesAsync(EpisodeQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query));
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit, nameof(query));
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
            command.With("$limit", query.Limit).With("$offset", query.Offset);
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
