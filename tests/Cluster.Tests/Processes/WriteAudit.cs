using Npgsql;

namespace SotopiaPi.Cluster.Tests.Processes;

/// <summary>An independent record, kept by the database itself, of every fenced write the silos got accepted:
/// triggers (installed by the test after the schema exists) log every stored turn and every change of an
/// episode's status (claims included) with the writing connection's <c>application_name</c> — the silo
/// incarnation, see <see cref="ClusterSilo"/> — and the episode's lease row as the write saw it. From this the
/// test can check what the product cannot be trusted to report about itself: which process wrote each turn,
/// under which epoch, and whether it was the process that had claimed that epoch.</summary>
internal static class WriteAudit
{
    private static readonly string[] InstallSql =
    [
        """
        CREATE TABLE audit_turns (
            seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            episode_id  text COLLATE "C" NOT NULL,
            number      integer NOT NULL,
            writer      text NOT NULL,
            lease_owner text,
            lease_epoch bigint
        )
        """,
        """
        CREATE TABLE audit_status (
            seq         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            episode_id  text COLLATE "C" NOT NULL,
            old_status  text NOT NULL,
            new_status  text NOT NULL,
            writer      text NOT NULL,
            lease_owner text,
            lease_epoch bigint
        )
        """,
        """
        CREATE FUNCTION audit_turn() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO audit_turns (episode_id, number, writer, lease_owner, lease_epoch)
            SELECT NEW.episode_id, NEW.number, current_setting('application_name'), l.owner, l.epoch
            FROM (SELECT 1) AS one LEFT JOIN leases l ON l.kind = 'episode' AND l.key = NEW.episode_id;
            RETURN NULL;
        END $$
        """,
        """
        CREATE FUNCTION audit_status() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO audit_status (episode_id, old_status, new_status, writer, lease_owner, lease_epoch)
            SELECT NEW.id, OLD.status, NEW.status, current_setting('application_name'), l.owner, l.epoch
            FROM (SELECT 1) AS one LEFT JOIN leases l ON l.kind = 'episode' AND l.key = NEW.id;
            RETURN NULL;
        END $$
        """,
        "CREATE INDEX ix_audit_status_episode ON audit_status (episode_id, seq)",
        "CREATE TRIGGER audit_turn AFTER INSERT ON turns FOR EACH ROW EXECUTE FUNCTION audit_turn()",
        """
        CREATE TRIGGER audit_status AFTER UPDATE ON episodes FOR EACH ROW
            WHEN (NEW.status <> OLD.status OR NEW.status = 'running') EXECUTE FUNCTION audit_status()
        """,
    ];

    /// <summary>One accepted turn: who wrote it and the lease it was written under.</summary>
    public sealed record TurnWrite(long Seq, string EpisodeId, int Number, string Writer, string? LeaseOwner, long? LeaseEpoch);

    /// <summary>One accepted status change (a claim is a change to <c>running</c>, also from <c>running</c>).</summary>
    public sealed record StatusWrite(long Seq, string EpisodeId, string OldStatus, string NewStatus, string Writer, string? LeaseOwner, long? LeaseEpoch);

    /// <summary>Installs the audit tables and triggers (the store's schema must exist already). The database is
    /// also told to end transactions left idle for a few seconds: a frozen silo (SIGSTOP) must not hold row
    /// locks that the silos taking its episodes over would wait for — what an operator sets for the same reason.</summary>
    public static async Task InstallAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        foreach (var sql in InstallSql)
        {
            await ExecuteAsync(connectionString, sql);
        }
        await ExecuteAsync(connectionString, $"ALTER DATABASE \"{database}\" SET idle_in_transaction_session_timeout = '4s'");
    }

    public static async Task<List<TurnWrite>> ReadTurnsAsync(string connectionString)
    {
        var result = new List<TurnWrite>();
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand(
            "SELECT seq, episode_id, number, writer, lease_owner, lease_epoch FROM audit_turns ORDER BY seq", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(new TurnWrite(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetInt64(5)));
        }
        return result;
    }

    public static async Task<List<StatusWrite>> ReadStatusesAsync(string connectionString)
    {
        var result = new List<StatusWrite>();
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand(
            "SELECT seq, episode_id, old_status, new_status, writer, lease_owner, lease_epoch FROM audit_status ORDER BY seq", connection);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result.Add(new StatusWrite(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetInt64(6)));
        }
        return result;
    }

    /// <summary>The episodes that one process (incarnation) of a silo is playing right now by the store: running,
    /// last claimed by that incarnation, with a live lease of its silo (the silo id, or the id, a separator and an
    /// incarnation suffix), and at least one stored turn (so a kill now interrupts them mid-episode). Returns each
    /// with its lease epoch.</summary>
    public static async Task<Dictionary<string, long>> InFlightAsync(string connectionString, string campaignId, string siloId, string incarnation)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand("""
            SELECT e.id, l.epoch FROM episodes e
            JOIN leases l ON l.kind = 'episode' AND l.key = e.id
            WHERE e.campaign_id = $1 AND e.status = 'running'
              AND (l.owner = $2 OR (starts_with(l.owner, $2) AND substr(l.owner, length($2) + 1, 1) !~ '[A-Za-z0-9]'))
              AND l.expires_at > (extract(epoch FROM clock_timestamp()) * 1000)::bigint
              AND EXISTS (SELECT 1 FROM turns t WHERE t.episode_id = e.id)
              AND (SELECT a.writer FROM audit_status a WHERE a.episode_id = e.id AND a.new_status = 'running' ORDER BY a.seq DESC LIMIT 1) = $3
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = campaignId });
        command.Parameters.Add(new NpgsqlParameter { Value = siloId });
        command.Parameters.Add(new NpgsqlParameter { Value = incarnation });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[reader.GetString(0)] = reader.GetInt64(1);
        }
        return result;
    }

    /// <summary>The current epoch of each of the given episodes' leases.</summary>
    public static async Task<Dictionary<string, long>> EpochsAsync(string connectionString, IReadOnlyCollection<string> episodeIds)
    {
        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand("SELECT key, epoch FROM leases WHERE kind = 'episode' AND key = ANY($1)", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = episodeIds.ToArray() });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[reader.GetString(0)] = reader.GetInt64(1);
        }
        return result;
    }

    /// <summary>Every episode lease of the campaign as the store has it now: epoch, owner and whether it is still active.</summary>
    public static async Task<Dictionary<string, (string Owner, long Epoch, bool Active, long ExpiresAt)>> LeasesAsync(string connectionString, string campaignId)
    {
        var result = new Dictionary<string, (string, long, bool, long)>(StringComparer.Ordinal);
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand("""
            SELECT l.key, l.owner, l.epoch, l.active, l.expires_at FROM leases l
            JOIN episodes e ON e.id = l.key
            WHERE l.kind = 'episode' AND e.campaign_id = $1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = campaignId });
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[reader.GetString(0)] = (reader.GetString(1), reader.GetInt64(2), reader.GetBoolean(3), reader.GetInt64(4));
        }
        return result;
    }

    /// <summary>The sequence number of the last audited turn (0 before any).</summary>
    public static async Task<long> LastTurnSeqAsync(string connectionString)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand("SELECT COALESCE(max(seq), 0) FROM audit_turns", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = await OpenAsync(connectionString);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            ApplicationName = "audit",
        }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }
}
