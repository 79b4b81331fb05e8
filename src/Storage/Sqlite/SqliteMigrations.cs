namespace SotopiaPi.Storage;

/// <summary>The schema, as numbered migrations. Never edit an applied migration: add a new one.</summary>
internal static class SqliteMigrations
{
    public sealed record Migration(int Version, string Name, string Sql);

    public static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "initial schema", """
            CREATE TABLE leases (
                kind       TEXT    NOT NULL,
                key        TEXT    NOT NULL,
                owner      TEXT    NOT NULL,
                epoch      INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                PRIMARY KEY (kind, key)
            ) WITHOUT ROWID;
            CREATE INDEX ix_leases_owner ON leases (owner, expires_at);

            CREATE TABLE campaigns (
                id         TEXT    NOT NULL PRIMARY KEY,
                status     TEXT    NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL,
                json       TEXT    NOT NULL
            );
            CREATE INDEX ix_campaigns_created ON campaigns (created_at);

            CREATE TABLE episodes (
                id           TEXT    NOT NULL PRIMARY KEY,
                campaign_id  TEXT    NOT NULL,
                round        INTEGER NOT NULL,
                phase        TEXT    NOT NULL,
                task_id      TEXT    NOT NULL,
                scenario_id  TEXT    NOT NULL,
                status       TEXT    NOT NULL,
                created_at   INTEGER NOT NULL,
                completed_at INTEGER,
                json         TEXT    NOT NULL
            );
            CREATE INDEX ix_episodes_campaign ON episodes (campaign_id, round, status);
            CREATE INDEX ix_episodes_order ON episodes (created_at, id);
            CREATE INDEX ix_episodes_claimable ON episodes (created_at, id) WHERE status IN ('pending', 'running');

            CREATE TABLE turns (
                episode_id  TEXT    NOT NULL REFERENCES episodes (id),
                number      INTEGER NOT NULL,
                seat        INTEGER NOT NULL,
                action_type TEXT    NOT NULL,
                argument    TEXT    NOT NULL,
                note        TEXT,
                usage       TEXT,
                PRIMARY KEY (episode_id, number)
            ) WITHOUT ROWID;

            CREATE TABLE policy_versions (
                policy_name         TEXT    NOT NULL,
                version             INTEGER NOT NULL,
                training_request_id TEXT,
                created_at          INTEGER NOT NULL,
                json                TEXT    NOT NULL,
                PRIMARY KEY (policy_name, version)
            ) WITHOUT ROWID;
            CREATE UNIQUE INDEX ux_policy_versions_request ON policy_versions (policy_name, training_request_id)
                WHERE training_request_id IS NOT NULL;

            CREATE TABLE policies (
                name           TEXT NOT NULL PRIMARY KEY,
                active_version INTEGER
            ) WITHOUT ROWID;

            CREATE TABLE training_requests (
                seq          INTEGER PRIMARY KEY,
                id           TEXT    NOT NULL UNIQUE,
                campaign_id  TEXT    NOT NULL,
                status       TEXT    NOT NULL,
                created_at   INTEGER NOT NULL,
                completed_at INTEGER,
                json         TEXT    NOT NULL
            );
            CREATE INDEX ix_training_claimable ON training_requests (created_at, seq) WHERE status IN ('pending', 'running');

            CREATE TABLE characters    (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, json TEXT NOT NULL);
            CREATE TABLE relationships (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, json TEXT NOT NULL);
            CREATE TABLE scenarios     (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, json TEXT NOT NULL);
            CREATE TABLE tasks         (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, json TEXT NOT NULL);
            CREATE TABLE named_sets    (name TEXT NOT NULL PRIMARY KEY, json TEXT NOT NULL) WITHOUT ROWID;
            """),
        new(2, "silo membership", """
            CREATE TABLE silos (
                id             TEXT    NOT NULL PRIMARY KEY,
                address        TEXT    NOT NULL,
                started_at     INTEGER NOT NULL,
                last_heartbeat INTEGER NOT NULL,
                status         TEXT    NOT NULL,
                stats          TEXT
            ) WITHOUT ROWID;
            """),
        // Orleans decides who plays what: leases, silo rows and the claim index go; episodes get the fence of their
        // latest activation, campaigns the revision of their latest save, and the grains' state gets a table.
        new(3, "orleans runtime", """
            DROP TABLE IF EXISTS leases;
            DROP TABLE IF EXISTS silos;
            DROP INDEX IF EXISTS ix_episodes_claimable;

            ALTER TABLE episodes ADD COLUMN fence INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE campaigns ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

            -- A round's episodes by status, oldest first (the unfinished ids of a round, counts, filtered lists).
            CREATE INDEX ix_episodes_round ON episodes (campaign_id, round, status, created_at, id);
            DROP INDEX IF EXISTS ix_episodes_campaign;

            CREATE TABLE grain_state (
                grain_type TEXT    NOT NULL,
                grain_id   TEXT    NOT NULL,
                etag       TEXT    NOT NULL,
                json       TEXT    NOT NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (grain_type, grain_id)
            ) WITHOUT ROWID;
            """),
        // Issue 13: episode listings by cursor stay cheap at 100,000 episodes.
        new(4, "listing indexes", """
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
        // filled in by the store right after migrating: SQL cannot compute it).
        new(5, "dataset versions", """
            CREATE TABLE dataset_versions (
                version      INTEGER NOT NULL PRIMARY KEY,
                content_hash TEXT    NOT NULL,
                created_at   INTEGER NOT NULL,
                source       TEXT    NOT NULL
            );
            CREATE TABLE dataset_records (
                version INTEGER NOT NULL REFERENCES dataset_versions (version),
                kind    TEXT    NOT NULL,
                seq     INTEGER NOT NULL,
                id      TEXT    NOT NULL,
                json    TEXT    NOT NULL,
                PRIMARY KEY (version, kind, id)
            ) WITHOUT ROWID;
            CREATE UNIQUE INDEX ux_dataset_records_order ON dataset_records (version, kind, seq);
            CREATE TABLE dataset_named_sets (
                version INTEGER NOT NULL REFERENCES dataset_versions (version),
                name    TEXT    NOT NULL,
                json    TEXT    NOT NULL,
                PRIMARY KEY (version, name)
            ) WITHOUT ROWID;

            INSERT INTO dataset_versions (version, content_hash, created_at, source)
                SELECT 1, '', CAST(strftime('%s', 'now') AS INTEGER) * 1000, 'migrated'
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
        // Issue 13: a campaign report of 100,000 episodes reads a narrow row per episode (seats, scores as 14 bytes, the
        // failure's first line, usage per model) instead of every episode document and, for model campaigns, every turn (see
        // EpisodeReportColumns). Clustered by campaign and creation, so a report reads its campaign's rows in order.
        // Existing episodes get their rows from the store right after migrating (in pages, from the cursor row below;
        // SQL cannot compute the projection), the cursor row being deleted when done.
        new(6, "episode report rows", """
            CREATE TABLE episode_reports (
                campaign_id TEXT    NOT NULL,
                created_at  INTEGER NOT NULL,
                episode_id  TEXT    NOT NULL,
                round       INTEGER NOT NULL,
                phase       TEXT    NOT NULL,
                task_id     TEXT    NOT NULL,
                scenario_id TEXT    NOT NULL,
                status      TEXT    NOT NULL,
                report      TEXT    NOT NULL,
                scores      BLOB,
                usage       TEXT,
                PRIMARY KEY (campaign_id, created_at, episode_id)
            ) WITHOUT ROWID;
            CREATE TABLE episode_report_backfill (
                after_created INTEGER NOT NULL,
                after_id      TEXT    NOT NULL
            );
            INSERT INTO episode_report_backfill (after_created, after_id) SELECT -9223372036854775808, '' WHERE EXISTS (SELECT 1 FROM episodes);
            """),
    ];

    public const string CreateMigrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    INTEGER NOT NULL PRIMARY KEY,
            name       TEXT    NOT NULL,
            applied_at INTEGER NOT NULL
        )
        """;
}
