namespace SotopiaPi.Storage;

/// <summary>The PostgreSQL schema, as numbered migrations (the same tables as <see cref="SqliteMigrations"/>, plus
/// version 3: Orleans' clustering and reminder tables; so SQLite's version 3 is version 4 here). Never edit an
/// applied migration: add a new one. Ids are <c>COLLATE "C"</c>
/// so that they order byte-wise, as on SQLite, whatever the database's collation.</summary>
internal static class PostgresMigrations
{
    public sealed record Migration(int Version, string Name, string Sql);

    /// <summary>The key of the transaction-level advisory lock that serialises migrations of several silos.</summary>
    public const long AdvisoryLockKey = 0x534F_544F_5049_4D31; // "SOTOPIM1"

    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "initial schema", """
            CREATE TABLE leases (
                kind       text COLLATE "C" NOT NULL,
                key        text COLLATE "C" NOT NULL,
                owner      text COLLATE "C" NOT NULL,
                epoch      bigint NOT NULL,
                expires_at bigint NOT NULL,
                active     boolean NOT NULL DEFAULT true,
                PRIMARY KEY (kind, key)
            );
            CREATE INDEX ix_leases_owner ON leases (owner, expires_at);
            -- Episode leases whose episode may still need an owner (false once it completed or was cancelled):
            -- the expired ones are the episodes of dead silos, found without scanning every running episode.
            CREATE INDEX ix_leases_orphaned ON leases (expires_at) WHERE kind = 'episode' AND active;

            CREATE TABLE campaigns (
                seq        bigint GENERATED ALWAYS AS IDENTITY,
                id         text COLLATE "C" NOT NULL PRIMARY KEY,
                status     text NOT NULL,
                created_at bigint NOT NULL,
                updated_at bigint NOT NULL,
                json       jsonb NOT NULL
            );
            CREATE INDEX ix_campaigns_created ON campaigns (created_at DESC, seq DESC);

            CREATE TABLE episodes (
                id           text COLLATE "C" NOT NULL PRIMARY KEY,
                campaign_id  text COLLATE "C" NOT NULL,
                round        integer NOT NULL,
                phase        text COLLATE "C" NOT NULL,
                task_id      text COLLATE "C" NOT NULL,
                scenario_id  text COLLATE "C" NOT NULL,
                status       text NOT NULL,
                created_at   bigint NOT NULL,
                completed_at bigint,
                json         jsonb NOT NULL
            );
            CREATE INDEX ix_episodes_campaign ON episodes (campaign_id, round, status);
            CREATE INDEX ix_episodes_order ON episodes (created_at, id);
            CREATE INDEX ix_episodes_pending ON episodes (created_at, id) WHERE status = 'pending';

            CREATE TABLE turns (
                episode_id  text COLLATE "C" NOT NULL REFERENCES episodes (id),
                number      integer NOT NULL,
                seat        integer NOT NULL,
                action_type text NOT NULL,
                argument    text NOT NULL,
                note        text,
                usage       jsonb,
                PRIMARY KEY (episode_id, number)
            );

            CREATE TABLE policy_versions (
                policy_name         text COLLATE "C" NOT NULL,
                version             integer NOT NULL,
                training_request_id text COLLATE "C",
                created_at          bigint NOT NULL,
                json                jsonb NOT NULL,
                PRIMARY KEY (policy_name, version)
            );
            CREATE UNIQUE INDEX ux_policy_versions_request ON policy_versions (policy_name, training_request_id)
                WHERE training_request_id IS NOT NULL;

            CREATE TABLE policies (
                name           text COLLATE "C" NOT NULL PRIMARY KEY,
                active_version integer
            );

            CREATE TABLE training_requests (
                seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                id           text COLLATE "C" NOT NULL UNIQUE,
                campaign_id  text COLLATE "C" NOT NULL,
                status       text NOT NULL,
                created_at   bigint NOT NULL,
                completed_at bigint,
                json         jsonb NOT NULL
            );
            CREATE INDEX ix_training_claimable ON training_requests (created_at, seq) WHERE status IN ('pending', 'running');

            CREATE TABLE characters    (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id text COLLATE "C" NOT NULL UNIQUE, json jsonb NOT NULL);
            CREATE TABLE relationships (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id text COLLATE "C" NOT NULL UNIQUE, json jsonb NOT NULL);
            CREATE TABLE scenarios     (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id text COLLATE "C" NOT NULL UNIQUE, json jsonb NOT NULL);
            CREATE TABLE tasks         (seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id text COLLATE "C" NOT NULL UNIQUE, json jsonb NOT NULL);
            CREATE TABLE named_sets    (name text COLLATE "C" NOT NULL PRIMARY KEY, json jsonb NOT NULL);
            """),
        new(2, "silo membership", """
            CREATE TABLE silos (
                id             text COLLATE "C" NOT NULL PRIMARY KEY,
                address        text NOT NULL,
                started_at     bigint NOT NULL,
                last_heartbeat bigint NOT NULL,
                status         text NOT NULL,
                stats          jsonb
            );
            """),
        // Orleans decides who plays what: leases, silo rows and the claim index go; episodes get the fence of their
        // latest activation, campaigns the revision of their latest save, and the grains' state gets a table (its
        // document is text, kept byte for byte: jsonb would reorder the keys of a serializer's metadata).
        new(3, "orleans clustering and reminders", PostgresOrleansSchema.Sql),
        new(4, "orleans runtime", """
            DROP TABLE IF EXISTS leases;
            DROP TABLE IF EXISTS silos;
            DROP INDEX IF EXISTS ix_episodes_pending;

            ALTER TABLE episodes ADD COLUMN fence bigint NOT NULL DEFAULT 0;
            ALTER TABLE campaigns ADD COLUMN revision bigint NOT NULL DEFAULT 0;

            -- A round's episodes by status, oldest first (the unfinished ids of a round, counts, filtered lists).
            CREATE INDEX ix_episodes_round ON episodes (campaign_id, round, status, created_at, id);
            DROP INDEX IF EXISTS ix_episodes_campaign;

            CREATE TABLE grain_state (
                grain_type text COLLATE "C" NOT NULL,
                grain_id   text COLLATE "C" NOT NULL,
                etag       text NOT NULL,
                json       text NOT NULL,
                updated_at bigint NOT NULL,
                PRIMARY KEY (grain_type, grain_id)
            );
            """),
        // Issue 13: episode listings by cursor stay cheap at 100,000 episodes.
        new(5, "listing indexes", """
            -- Listings page by (created_at, id) after a cursor; these let a filtered page read only its own rows in
            -- order, and counts read only an index: a campaign's episodes, in one status, in one phase (and status); all
            -- episodes in one status.
            CREATE INDEX ix_episodes_campaign_order ON episodes (campaign_id, created_at, id);
            CREATE INDEX ix_episodes_campaign_status ON episodes (campaign_id, status, created_at, id);
            CREATE INDEX ix_episodes_campaign_phase ON episodes (campaign_id, phase, status, created_at, id);
            CREATE INDEX ix_episodes_status_order ON episodes (status, created_at, id);
            """),
        // Datasets become immutable versions: each import is a version with its own records and named sets (an
        // import no longer overwrites another's). What was stored before becomes version 1 (its content hash is
        // filled in by the store right after migrating).
        new(6, "dataset versions", """
            CREATE TABLE dataset_versions (
                version      integer NOT NULL PRIMARY KEY,
                content_hash text    NOT NULL,
                created_at   bigint  NOT NULL,
                source       text    NOT NULL
            );
            CREATE TABLE dataset_records (
                version integer NOT NULL REFERENCES dataset_versions (version),
                kind    text COLLATE "C" NOT NULL,
                seq     bigint  NOT NULL,
                id      text COLLATE "C" NOT NULL,
                json    jsonb   NOT NULL,
                PRIMARY KEY (version, kind, id)
            );
            CREATE UNIQUE INDEX ux_dataset_records_order ON dataset_records (version, kind, seq);
            CREATE TABLE dataset_named_sets (
                version integer NOT NULL REFERENCES dataset_versions (version),
                name    text COLLATE "C" NOT NULL,
                json    jsonb   NOT NULL,
                PRIMARY KEY (version, name)
            );

            INSERT INTO dataset_versions (version, content_hash, created_at, source)
                SELECT 1, '', (extract(epoch FROM now()) * 1000)::bigint, 'migrated'
                WHERE EXISTS (SELECT 1 FROM characters) OR EXISTS (SELECT 1 FROM relationships)
                   OR EXISTS (SELECT 1 FROM scenarios) OR EXISTS (SELECT 1 FROM tasks) OR EXISTS (SELECT 1 FROM named_sets);
            INSERT INTO dataset_records (version, kind, seq, id, json) SELECT 1, 'characters', seq, id, json FROM characters;
            INSERT INTO dataset_records (version, kind, seq, id, json) SELECT 1, 'relationships', seq, id, json FROM relationships;
            INSERT INTO dataset_records (version, kind, seq, id, json) SELECT 1, 'scenarios', seq, id, json FROM scenarios;
            INSERT INTO dataset_records (version, kind, seq, id, json) SELECT 1, 'tasks', seq, id, json FROM tasks;
            INSERT INTO dataset_named_sets (version, name, json) SELECT 1, name, json FROM named_sets;
            DROP TABLE characters;
            DROP TABLE relationships;
            DROP TABLE scenarios;
            DROP TABLE tasks;
            DROP TABLE named_sets;
            """),
        // Issue 13: a campaign report of 100,000 episodes reads a narrow row per episode (seats, scores, the failure's
        // first line, usage per model) instead of every episode document and, for model campaigns, every turn (see
        // EpisodeReportColumns). Existing episodes get their rows from the store right after migrating (in pages, from
        // the cursor row below; SQL cannot compute the projection), the cursor row being deleted when done.
        new(7, "episode report rows", """
            CREATE TABLE episode_reports (
                episode_id  text COLLATE "C" NOT NULL PRIMARY KEY REFERENCES episodes (id),
                campaign_id text COLLATE "C" NOT NULL,
                created_at  bigint  NOT NULL,
                round       integer NOT NULL,
                phase       text    NOT NULL,
                task_id     text COLLATE "C" NOT NULL,
                scenario_id text COLLATE "C" NOT NULL,
                status      text    NOT NULL,
                report      jsonb   NOT NULL,
                scores      bytea,
                usage       jsonb
            );
            CREATE INDEX ix_episode_reports_campaign ON episode_reports (campaign_id, created_at, episode_id);
            CREATE TABLE episode_report_backfill (
                after_created bigint NOT NULL,
                after_id      text COLLATE "C" NOT NULL
            );
            INSERT INTO episode_report_backfill (after_created, after_id) SELECT -9223372036854775808, '' WHERE EXISTS (SELECT 1 FROM episodes);
            """),
    ];

    public const string CreateMigrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    integer NOT NULL PRIMARY KEY,
            name       text    NOT NULL,
            applied_at bigint  NOT NULL
        )
        """;
}
