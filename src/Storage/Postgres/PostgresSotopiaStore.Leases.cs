using Npgsql;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class PostgresSotopiaStore
{
    /// <summary>Insert (epoch 1); or, when the row exists, take it if it expired (epoch + 1) or renew it if the
    /// caller holds it (epoch kept). A live lease of another owner matches nothing: no row comes back.</summary>
    private const string TryAcquireSql = """
        INSERT INTO leases (kind, key, owner, epoch, expires_at) VALUES ($1, $2, $3, 1, $4)
        ON CONFLICT (kind, key) DO UPDATE
            SET epoch = CASE WHEN leases.expires_at > $5 THEN leases.epoch ELSE leases.epoch + 1 END,
                owner = excluded.owner,
                expires_at = excluded.expires_at,
                active = true
            WHERE leases.expires_at <= $5 OR leases.owner = excluded.owner
        RETURNING epoch
        """;

    /// <summary>The fencing check of the fenced writes that run as their own transaction: the lease row must
    /// still have the writer's owner and epoch and be live. The row stays locked until the write commits, in
    /// <c>FOR KEY SHARE</c> mode: every take-over locks the row <c>FOR UPDATE</c> first (<see cref="LockLeaseSql"/>),
    /// so it waits for the write's commit (and a write that comes after it sees the new epoch), while the owner's
    /// own heartbeat (a plain update of <c>expires_at</c>) neither waits for its writes nor makes them wait.</summary>
    private const string FenceSql = """
        SELECT 1 FROM leases
        WHERE kind = $1 AND key = $2 AND owner = $3 AND epoch = $4 AND expires_at > $5
        FOR KEY SHARE
        """;

    /// <summary>What a take-over does first: lock the lease row in the one mode that waits for fenced writes in flight.</summary>
    private const string LockLeaseSql = "SELECT 1 FROM leases WHERE kind = $1 AND key = $2 FOR UPDATE";

    private const string ReleaseSql = """
        UPDATE leases SET expires_at = $1
        WHERE kind = $2 AND key = $3 AND owner = $4 AND epoch = $5 AND expires_at > $1
        """;

    public Task<Lease?> TryAcquireAsync(string kind, string key, string owner, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var durationMs = StoreValues.DurationMs(duration, nameof(duration));
        return WriteAsync<Lease?>("acquire lease", async (connection, ct) =>
        {
            await using (var lockRow = connection.CreateCommand())
            {
                lockRow.CommandText = LockLeaseSql;
                lockRow.Text(kind).Text(key);
                await lockRow.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }
            var now = NowMs();
            var expires = now + durationMs;
            await using var command = connection.CreateCommand();
            command.CommandText = TryAcquireSql;
            command.Text(kind).Text(key).Text(owner).Long(expires).Long(now);
            var epoch = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
            return epoch is long value ? new Lease(kind, key, owner, value, StoreValues.FromMs(expires)) : null;
        }, cancellationToken);
    }

    /// <summary>The heartbeat, without ever waiting while holding locks (so it cannot deadlock with the group
    /// commit: completions hold their lease rows <c>FOR NO KEY UPDATE</c> for a few milliseconds, appends only
    /// <c>FOR KEY SHARE</c>, which does not conflict with it): each pass renews,
    /// in one statement, every live lease of the owner not renewed yet that is not locked right now
    /// (<c>SKIP LOCKED</c>); the rows being written that instant are picked up by the next pass, a moment later.
    /// After <see cref="RenewPasses"/> passes, what is still left is renewed one row per transaction (each waits
    /// only for its own row).</summary>
    public Task<int> RenewAllAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var durationMs = StoreValues.DurationMs(duration, nameof(duration));
        return RenewAllCoreAsync(owner, durationMs, cancellationToken);
    }

    private const int RenewPasses = 10;

    private async Task<int> RenewAllCoreAsync(string owner, long durationMs, CancellationToken cancellationToken)
    {
        var now = NowMs();
        var expires = now + durationMs;
        for (var pass = 0; pass < RenewPasses; pass++)
        {
            var skipped = await WriteAsync("renew leases", async (connection, ct) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = """
                    WITH renewed AS (
                        UPDATE leases SET expires_at = $1
                        WHERE (kind, key) IN (
                            SELECT kind, key FROM leases
                            WHERE owner = $2 AND expires_at > $3 AND expires_at <> $1
                            FOR NO KEY UPDATE SKIP LOCKED)
                        RETURNING 1
                    )
                    SELECT (SELECT count(*) FROM leases WHERE owner = $2 AND expires_at > $3 AND expires_at <> $1)
                         - (SELECT count(*) FROM renewed)
                    """;
                command.Long(expires).Text(owner).Long(now);
                return await command.ExecuteInt64Async(ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            if (skipped <= 0)
            {
                return await CountRenewedAsync(owner, expires, cancellationToken).ConfigureAwait(false);
            }
            // A real-time pause (not the injected clock): it only lets the in-flight group commits finish.
            await Task.Delay(TimeSpan.FromMilliseconds(2 + (2 * pass)), cancellationToken).ConfigureAwait(false);
        }

        var left = await ReadAsync("find leases to renew", async (connection, ct) =>
        {
            var result = new List<(string Kind, string Key)>();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT kind, key FROM leases WHERE owner = $1 AND expires_at > $2 AND expires_at <> $3";
            command.Text(owner).Long(now).Long(expires);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                result.Add((reader.GetString(0), reader.GetString(1)));
            }
            return result;
        }, cancellationToken).ConfigureAwait(false);
        foreach (var (kind, key) in left)
        {
            await WriteAsync("renew lease", async (connection, ct) =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = "UPDATE leases SET expires_at = $1 WHERE kind = $2 AND key = $3 AND owner = $4 AND expires_at > $5 AND expires_at <> $1";
                command.Long(expires).Text(kind).Text(key).Text(owner).Long(now);
                return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        return await CountRenewedAsync(owner, expires, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How many leases of the owner now expire at the renewal's time: the ones it renewed (or that already
    /// had that expiry, as a renewal would have left them).</summary>
    private Task<int> CountRenewedAsync(string owner, long expires, CancellationToken cancellationToken) =>
        ReadAsync("count renewed leases", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM leases WHERE owner = $1 AND expires_at = $2";
            command.Text(owner).Long(expires);
            return (int)await command.ExecuteInt64Async(ct).ConfigureAwait(false);
        }, cancellationToken);

    public Task ReleaseAsync(Lease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return WriteAsync("release lease", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = ReleaseSql;
            command.Long(NowMs()).Text(lease.Kind).Text(lease.Key).Text(lease.Owner).Long(lease.Epoch);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    public Task<Lease?> GetLeaseAsync(string kind, string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return ReadAsync<Lease?>("get lease", async (connection, ct) =>
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT owner, epoch, expires_at FROM leases WHERE kind = $1 AND key = $2";
            command.Text(kind).Text(key);
            await using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false)
                ? new Lease(kind, key, reader.GetString(0), reader.GetInt64(1), StoreValues.FromMs(reader.GetInt64(2)))
                : null;
        }, cancellationToken);
    }

    /// <summary>The fencing check, inside the write's transaction; a refusal throws
    /// <see cref="StaleEpochException"/> (counted by <see cref="WriteAsync{T}"/>).</summary>
    private static async Task CheckFenceAsync(NpgsqlConnection connection, Lease lease, long now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = FenceSql;
        command.Text(lease.Kind).Text(lease.Key).Text(lease.Owner).Long(lease.Epoch).Long(now);
        if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
        {
            throw new StaleEpochException(lease.Kind, lease.Key, lease.Epoch);
        }
    }

    /// <summary>Ends a lease at <paramref name="now"/> if it is still the given one; the epoch is kept.</summary>
    private static async Task ReleaseCoreAsync(NpgsqlConnection connection, Lease lease, long now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = ReleaseSql;
        command.Long(now).Text(lease.Kind).Text(lease.Key).Text(lease.Owner).Long(lease.Epoch);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
