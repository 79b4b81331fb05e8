namespace SotopiaPi.Storage;

/// <summary>The tables and stored queries that Orleans' ADO.NET clustering and reminder providers
/// (Microsoft.Orleans.Clustering.AdoNet and Microsoft.Orleans.Reminders.AdoNet 10.4.2, invariant <c>Npgsql</c>)
/// need, applied by one migration of <see cref="PostgresMigrations"/>. Written from the providers' contract, not
/// from Orleans' scripts:
/// <list type="bullet">
/// <item>At start-up each provider runs <c>SELECT QueryKey, QueryText FROM OrleansQuery</c> and fails unless every
/// key it knows is there; it then runs those texts with named parameters (<c>@DeploymentId</c>, <c>@Address</c>, …)
/// and reads result columns by name (<c>"Version"</c>, <c>"StartTime"</c>, …; aliased here so that the names match
/// exactly). DateTime parameters are sent as <c>timestamptz</c> (Npgsql maps <c>DbType.DateTime</c> with a UTC
/// value to it), hence every time column is <c>timestamptz</c>.</item>
/// <item>Membership: one version row per cluster (<c>DeploymentId</c> = ClusterId). Every membership read returns the
/// table version on every row (a LEFT JOIN, so an empty cluster still yields one row), and 10.4.2 uses that version,
/// as text, as the etag of every entry. Inserting or updating an entry succeeds only if the version is still the
/// one the caller read (<c>@Version</c>); it then increments the version in the same statement and returns a single
/// boolean. The version row is the lock: of two writers that read the same version, one wins. I-am-alive updates
/// and clean-up deletions leave the version alone.</item>
/// <item>Reminders: one row per (ServiceId, GrainId, ReminderName); the version (etag) is 0 on insert and +1 on
/// each upsert; a delete succeeds only with the current version. Range reads take the ring range as signed
/// integers (the provider casts the uint hashes): <c>ReadRangeRows1Key</c> when <c>(int)begin &lt; (int)end</c>
/// (<c>begin &lt; hash &lt;= end</c>), else <c>ReadRangeRows2Key</c> (the range wraps: <c>hash &gt; begin OR
/// hash &lt;= end</c>, which for <c>begin = end</c> is the whole ring).</item>
/// </list>
/// The migration's SQL is built from these constants once; like any applied migration it must never change: a
/// changed query text needs a new migration that updates its row.</summary>
internal static class PostgresOrleansSchema
{
    /// <summary><see cref="Orleans.Runtime.SiloStatus"/>.Dead as stored in <c>status</c>.</summary>
    public const int DeadStatus = 6;

    public const string Tables = """
        -- Orleans' ADO.NET providers read their SQL from here ("SELECT QueryKey, QueryText FROM OrleansQuery":
        -- unquoted, so the table and its columns are lower case, which the providers' readers accept).
        CREATE TABLE OrleansQuery (
            QueryKey  text COLLATE "C" NOT NULL PRIMARY KEY,
            QueryText text NOT NULL
        );

        -- One row per cluster (deployment_id = ClusterOptions.ClusterId): the membership table version.
        CREATE TABLE orleans_membership_versions (
            deployment_id text COLLATE "C" NOT NULL PRIMARY KEY,
            version       integer NOT NULL,
            updated_at    timestamptz NOT NULL
        );

        -- One row per silo incarnation (address, port, generation). status is Orleans' SiloStatus
        -- (3 = Active, 6 = Dead); suspect_times is the provider's "address,time|address,time" text.
        CREATE TABLE orleans_membership (
            deployment_id text COLLATE "C" NOT NULL
                REFERENCES orleans_membership_versions (deployment_id) ON DELETE CASCADE,
            address       text COLLATE "C" NOT NULL,
            port          integer NOT NULL,
            generation    integer NOT NULL,
            silo_name     text NOT NULL,
            host_name     text NOT NULL,
            status        integer NOT NULL,
            proxy_port    integer NOT NULL,
            suspect_times text,
            start_time    timestamptz NOT NULL,
            iamalive_time timestamptz NOT NULL,
            PRIMARY KEY (deployment_id, address, port, generation)
        );

        -- One row per reminder. grain_hash is GrainId.GetUniformHashCode() cast to a signed integer.
        CREATE TABLE orleans_reminders (
            service_id    text COLLATE "C" NOT NULL,
            grain_id      text COLLATE "C" NOT NULL,
            reminder_name text COLLATE "C" NOT NULL,
            start_time    timestamptz NOT NULL,
            period_ms     bigint NOT NULL,
            grain_hash    integer NOT NULL,
            version       integer NOT NULL,
            PRIMARY KEY (service_id, grain_id, reminder_name)
        );
        CREATE INDEX ix_orleans_reminders_hash ON orleans_reminders (service_id, grain_hash);
        """;

    private const string MemberColumns = """
        v.version AS "Version", m.address AS "Address", m.port AS "Port", m.generation AS "Generation",
        m.silo_name AS "SiloName", m.host_name AS "HostName", m.status AS "Status", m.proxy_port AS "ProxyPort",
        m.suspect_times AS "SuspectTimes", m.start_time AS "StartTime", m.iamalive_time AS "IAmAliveTime"
        """;

    private const string ReminderColumns = """
        grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
        period_ms AS "Period", version AS "Version"
        """;

    private const string SiloKey = "address = @Address AND port = @Port AND generation = @Generation";

    private const string MemberKey = "m.address = @Address AND m.port = @Port AND m.generation = @Generation";

    /// <summary>The stored queries, by the key the providers look them up with.</summary>
    public static IReadOnlyList<(string Key, string Text)> Queries { get; } =
    [
        // ---- Clustering (silos: membership table; clients: gateway list) ----
        ("GatewaysQueryKey", """
            SELECT address AS "Address", proxy_port AS "ProxyPort", generation AS "Generation"
            FROM orleans_membership
            WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0
            """),
        ("MembershipReadRowKey", $"""
            SELECT {MemberColumns}
            FROM orleans_membership_versions v
            LEFT JOIN orleans_membership m
                ON m.deployment_id = v.deployment_id AND {MemberKey}
            WHERE v.deployment_id = @DeploymentId
            """),
        ("MembershipReadAllKey", $"""
            SELECT {MemberColumns}
            FROM orleans_membership_versions v
            LEFT JOIN orleans_membership m ON m.deployment_id = v.deployment_id
            WHERE v.deployment_id = @DeploymentId
            """),
        ("InsertMembershipVersionKey", """
            WITH inserted AS (
                INSERT INTO orleans_membership_versions (deployment_id, version, updated_at)
                VALUES (@DeploymentId, 0, now())
                ON CONFLICT (deployment_id) DO NOTHING
                RETURNING 1
            )
            SELECT EXISTS (SELECT 1 FROM inserted)
            """),
        ("InsertMembershipKey", $"""
            WITH bumped AS (
                UPDATE orleans_membership_versions
                SET version = version + 1, updated_at = now()
                WHERE deployment_id = @DeploymentId AND version = @Version
                    AND NOT EXISTS (SELECT 1 FROM orleans_membership WHERE deployment_id = @DeploymentId AND {SiloKey})
                RETURNING deployment_id
            ), inserted AS (
                INSERT INTO orleans_membership (deployment_id, address, port, generation, silo_name, host_name,
                    status, proxy_port, suspect_times, start_time, iamalive_time)
                SELECT deployment_id, @Address, @Port, @Generation, @SiloName, @HostName,
                    @Status, @ProxyPort, NULL, @StartTime, @IAmAliveTime
                FROM bumped
                RETURNING 1
            )
            SELECT EXISTS (SELECT 1 FROM inserted)
            """),
        ("UpdateMembershipKey", $"""
            WITH bumped AS (
                UPDATE orleans_membership_versions
                SET version = version + 1, updated_at = now()
                WHERE deployment_id = @DeploymentId AND version = @Version
                    AND EXISTS (SELECT 1 FROM orleans_membership WHERE deployment_id = @DeploymentId AND {SiloKey})
                RETURNING deployment_id
            ), updated AS (
                UPDATE orleans_membership m
                SET status = @Status, suspect_times = @SuspectTimes, iamalive_time = @IAmAliveTime
                FROM bumped
                WHERE m.deployment_id = bumped.deployment_id AND {MemberKey}
                RETURNING 1
            )
            SELECT EXISTS (SELECT 1 FROM updated)
            """),
        ("UpdateIAmAlivetimeKey", $"""
            UPDATE orleans_membership
            SET iamalive_time = @IAmAliveTime
            WHERE deployment_id = @DeploymentId AND {SiloKey}
            """),
        // The version row's foreign key cascades to the cluster's entries.
        ("DeleteMembershipTableEntriesKey", """
            DELETE FROM orleans_membership_versions WHERE deployment_id = @DeploymentId
            """),
        // Every dead entry whose last I-am-alive is older than @IAmAliveTime (what the source at e558829 runs).
        ("CleanupDefunctSiloEntriesKey", $"""
            DELETE FROM orleans_membership
            WHERE deployment_id = @DeploymentId AND status = {DeadStatus} AND iamalive_time < @IAmAliveTime
            """),
        // Optional in 10.4.2, and preferred when present: the provider reads the table, picks the dead entries
        // older than the cut-off, and deletes each only if it still holds the values it read (a NULL and an
        // empty suspect list are the same list to the provider).
        ("CleanupDefunctSiloEntryKey", $"""
            DELETE FROM orleans_membership
            WHERE deployment_id = @DeploymentId AND {SiloKey}
                AND status = {DeadStatus}
                AND start_time = @StartTime AND iamalive_time = @IAmAliveTime
                AND COALESCE(suspect_times, '') = COALESCE(@SuspectTimes, '')
            """),

        // ---- Reminders ----
        ("ReadReminderRowsKey", $"""
            SELECT {ReminderColumns}
            FROM orleans_reminders
            WHERE service_id = @ServiceId AND grain_id = @GrainId
            """),
        ("ReadReminderRowKey", $"""
            SELECT {ReminderColumns}
            FROM orleans_reminders
            WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
            """),
        ("ReadRangeRows1Key", $"""
            SELECT {ReminderColumns}
            FROM orleans_reminders
            WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
            """),
        ("ReadRangeRows2Key", $"""
            SELECT {ReminderColumns}
            FROM orleans_reminders
            WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
            """),
        ("UpsertReminderRowKey", """
            INSERT INTO orleans_reminders AS r (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
            VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
            ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
            SET start_time = EXCLUDED.start_time, period_ms = EXCLUDED.period_ms,
                grain_hash = EXCLUDED.grain_hash, version = r.version + 1
            RETURNING r.version AS "Version"
            """),
        ("DeleteReminderRowKey", """
            WITH deleted AS (
                DELETE FROM orleans_reminders
                WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
                    AND version = @Version
                RETURNING 1
            )
            SELECT EXISTS (SELECT 1 FROM deleted)
            """),
        ("DeleteReminderRowsKey", """
            DELETE FROM orleans_reminders WHERE service_id = @ServiceId
            """),
    ];

    /// <summary>The migration: <see cref="Tables"/>, then one <c>OrleansQuery</c> row per query.</summary>
    public static string Sql { get; } = Tables + "\n" + string.Join("\n", Queries.Select(query =>
        $"INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ({Literal(query.Key)}, {Literal(query.Text)});"));

    /// <summary>A standard SQL string literal (standard_conforming_strings is on since PostgreSQL 9.1).</summary>
    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
