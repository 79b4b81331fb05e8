using Npgsql;

namespace SotopiaPi.Cluster.Tests.Processes;

/// <summary>An independent record, kept by the database itself, of what the silos got accepted: triggers log every
/// begin of an episode (a new fence), every stored turn and every end, each with the fence it was written under and the
/// writing connection's <c>application_name</c> (the silo incarnation, see <see cref="ClusterSilo"/>). From this the
/// test checks what the product cannot be trusted to report about itself: which process wrote each turn and whether
/// that process had begun the fence it wrote under. The triggers also notify (<c>pg_notify</c>) the test of episode
/// ends and campaign status changes, so it waits on events, not on a clock.</summary>
internal static class WriteAudit
{
    public const string EpisodeEndedChannel = "sotopia_test_episode_ended";
    public const string CampaignChannel = "sotopia_test_campaign";

    private static readonly string[] InstallSql =
    [
        """
        CREATE TABLE audit_begins (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            episode_id text COLLATE "C" NOT NULL, fence bigint NOT NULL, writer text NOT NULL,
            at timestamptz NOT NULL DEFAULT clock_timestamp())
        """,
        """
        CREATE TABLE audit_turns (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            episode_id text COLLATE "C" NOT NULL, number integer NOT NULL, fence bigint NOT NULL, writer text NOT NULL,
            at timestamptz NOT NULL DEFAULT clock_timestamp())
        """,
        """
        CREATE TABLE audit_ends (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            episode_id text COLLATE "C" NOT NULL, status text NOT NULL, fence bigint NOT NULL, writer text NOT NULL,
            at timestamptz NOT NULL DEFAULT clock_timestamp())
        """,
        """
        CREATE FUNCTION audit_episode() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW.fence <> OLD.fence AND NEW.status = 'running' THEN
                INSERT INTO audit_begins (episode_id, fence, writer) VALUES (NEW.id, NEW.fence, current_setting('application_name'));
            END IF;
            IF NEW.status <> OLD.status AND NEW.status IN ('completed', 'evaluation_failed', 'failed') THEN
                INSERT INTO audit_ends (episode_id, status, fence, writer) VALUES (NEW.id, NEW.status, NEW.fence, current_setting('application_name'));
                -- One notification per episode: PostgreSQL delivers identical payloads of one transaction once, and a
                -- group commit ends many episodes of a campaign in one transaction.
                PERFORM pg_notify('sotopia_test_episode_ended', NEW.campaign_id || ' ' || NEW.id);
            END IF;
            RETURN NULL;
        END $$
        """,
        """
        CREATE FUNCTION audit_turn() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO audit_turns (episode_id, number, fence, writer)
            SELECT NEW.episode_id, NEW.number, e.fence, current_setting('application_name') FROM episodes e WHERE e.id = NEW.episode_id;
            RETURN NULL;
        END $$
        """,
        """
        CREATE FUNCTION audit_campaign() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('sotopia_test_campaign', NEW.id || ' ' || NEW.status);
            RETURN NULL;
        END $$
        """,
        "CREATE TRIGGER audit_episode AFTER UPDATE ON episodes FOR EACH ROW EXECUTE FUNCTION audit_episode()",
        "CREATE TRIGGER audit_turn AFTER INSERT ON turns FOR EACH ROW EXECUTE FUNCTION audit_turn()",
        "CREATE TRIGGER audit_campaign AFTER INSERT OR UPDATE ON campaigns FOR EACH ROW EXECUTE FUNCTION audit_campaign()",
    ];

    public sealed record Begin(long Seq, string EpisodeId, long Fence, string Writer, DateTimeOffset At);

    public sealed record TurnWrite(long Seq, string EpisodeId, int Number, long Fence, string Writer, DateTimeOffset At);

    public sealed record End(long Seq, string EpisodeId, string Status, long Fence, string Writer, DateTimeOffset At);

    /// <summary>Installs the audit tables and triggers (the store's schema must exist already).</summary>
    public static async Task InstallAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        foreach (var sql in InstallSql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The database's clock now (what the audit rows are stamped with).</summary>
    public static async Task<DateTimeOffset> NowAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT clock_timestamp()", connection);
        // Npgsql reads timestamptz as a UTC DateTime.
        return new DateTimeOffset(DateTime.SpecifyKind((DateTime)(await command.ExecuteScalarAsync())!, DateTimeKind.Utc));
    }

    public static Task<List<Begin>> ReadBeginsAsync(string connectionString) => ReadAsync(connectionString,
        "SELECT seq, episode_id, fence, writer, at FROM audit_begins ORDER BY seq",
        r => new Begin(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetFieldValue<DateTimeOffset>(4)));

    public static Task<List<TurnWrite>> ReadTurnsAsync(string connectionString) => ReadAsync(connectionString,
        "SELECT seq, episode_id, number, fence, writer, at FROM audit_turns ORDER BY seq",
        r => new TurnWrite(r.GetInt64(0), r.GetString(1), r.GetInt32(2), r.GetInt64(3), r.GetString(4), r.GetFieldValue<DateTimeOffset>(5)));

    public static Task<List<End>> ReadEndsAsync(string connectionString) => ReadAsync(connectionString,
        "SELECT seq, episode_id, status, fence, writer, at FROM audit_ends ORDER BY seq",
        r => new End(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetString(4), r.GetFieldValue<DateTimeOffset>(5)));

    private static async Task<List<T>> ReadAsync<T>(string connectionString, string sql, Func<NpgsqlDataReader, T> read)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }
        return rows;
    }
}
