using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

public sealed partial class SqliteSotopiaStore
{
    private const string AcquireExpiredSql = """
        INSERT INTO leases (kind, key, owner, epoch, expires_at) VALUES ($kind, $key, $owner, 1, $expires)
        ON CONFLICT (kind, key) DO UPDATE SET owner = excluded.owner, epoch = leases.epoch + 1, expires_at = excluded.expires_at
        RETURNING epoch
        """;

    private const string ReleaseSql = """
        UPDATE leases SET expires_at = $now
        WHERE kind = $kind AND key = $key AND owner = $owner AND epoch = $epoch AND expires_at > $now
        """;

    public Task<Lease?> TryAcquireAsync(string kind, string key, string owner, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var durationMs = StoreValues.DurationMs(duration, nameof(duration));
        return WriteAsync<Lease?>("acquire lease", needsSavepoint: false, session =>
        {
            var now = NowMs();
            var expires = now + durationMs;
            string currentOwner;
            long epoch;
            long expiresAt;
            using (var reader = session.Command("SELECT owner, epoch, expires_at FROM leases WHERE kind = $kind AND key = $key")
                .With("$kind", kind).With("$key", key).ExecuteReader())
            {
                if (!reader.Read())
                {
                    session.Command("INSERT INTO leases (kind, key, owner, epoch, expires_at) VALUES ($kind, $key, $owner, 1, $expires)")
                        .With("$kind", kind).With("$key", key).With("$owner", owner).With("$expires", expires)
                        .ExecuteNonQuery();
                    return new Lease(kind, key, owner, 1, StoreValues.FromMs(expires));
                }
                currentOwner = reader.GetString(0);
                epoch = reader.GetInt64(1);
                expiresAt = reader.GetInt64(2);
            }

            var live = expiresAt > now;
            if (live && currentOwner != owner)
            {
                return null;
            }
            // Same owner, still live: a renewal that keeps the epoch. Expired (whoever held it): a take-over.
            var newEpoch = live ? epoch : epoch + 1;
            session.Command("UPDATE leases SET owner = $owner, epoch = $epoch, expires_at = $expires WHERE kind = $kind AND key = $key")
                .With("$owner", owner).With("$epoch", newEpoch).With("$expires", expires).With("$kind", kind).With("$key", key)
                .ExecuteNonQuery();
            return new Lease(kind, key, owner, newEpoch, StoreValues.FromMs(expires));
        }, cancellationToken);
    }

    public Task<int> RenewAllAsync(string owner, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var durationMs = StoreValues.DurationMs(duration, nameof(duration));
        return WriteAsync("renew leases", needsSavepoint: false, session =>
        {
            var now = NowMs();
            return session.Command("UPDATE leases SET expires_at = $expires WHERE owner = $owner AND expires_at > $now")
                .With("$expires", now + durationMs).With("$owner", owner).With("$now", now)
                .ExecuteNonQuery();
        }, cancellationToken);
    }

    public Task ReleaseAsync(Lease lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return WriteAsync("release lease", needsSavepoint: false, session =>
        {
            ReleaseCore(session, lease, NowMs());
            return true;
        }, cancellationToken);
    }

    public Task<Lease?> GetLeaseAsync(string kind, string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return ReadAsync<Lease?>("get lease", session =>
        {
            using var reader = session.Command("SELECT owner, epoch, expires_at FROM leases WHERE kind = $kind AND key = $key")
                .With("$kind", kind).With("$key", key).ExecuteReader();
            return reader.Read()
                ? new Lease(kind, key, reader.GetString(0), reader.GetInt64(1), StoreValues.FromMs(reader.GetInt64(2)))
                : null;
        }, cancellationToken);
    }

    /// <summary>The fencing check of every fenced write, run inside the write's transaction: the lease row must
    /// still have the writer's owner and epoch and must not have expired.</summary>
    private void CheckFence(SqliteSession session, Lease lease, long now)
    {
        var current = session.Command("""
                SELECT 1 FROM leases
                WHERE kind = $kind AND key = $key AND owner = $owner AND epoch = $epoch AND expires_at > $now
                """)
            .With("$kind", lease.Kind).With("$key", lease.Key).With("$owner", lease.Owner).With("$epoch", lease.Epoch).With("$now", now)
            .ExecuteScalar();
        if (current is null)
        {
            Interlocked.Increment(ref _staleWritesRefused);
            throw new StaleEpochException(lease.Kind, lease.Key, lease.Epoch);
        }
    }

    /// <summary>Ends a lease at <paramref name="now"/> if it is still the given one; the epoch is kept.</summary>
    private static void ReleaseCore(SqliteSession session, Lease lease, long now) =>
        session.Command(ReleaseSql)
            .With("$now", now).With("$kind", lease.Kind).With("$key", lease.Key).With("$owner", lease.Owner).With("$epoch", lease.Epoch)
            .ExecuteNonQuery();

    /// <summary>Takes a lease known not to be live: a new row with epoch 1 or the old row with epoch + 1.</summary>
    private static long AcquireNotLive(SqliteSession session, string kind, string key, string owner, long expires) =>
        session.Command(AcquireExpiredSql)
            .With("$kind", kind).With("$key", key).With("$owner", owner).With("$expires", expires)
            .ExecuteInt64();
}
