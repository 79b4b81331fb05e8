namespace SotopiaPi.Grains.Interfaces;

/// <summary>Silo membership rows for the console and dashboard: who runs, since when, and whether it is alive.
/// This is bookkeeping, not a membership protocol — ownership is decided by leases alone.</summary>
public interface ISiloMembershipStore
{
    /// <summary>Registers (or re-registers, after a restart with the same id) a silo as active, with its last
    /// heartbeat now and no stats.</summary>
    Task RegisterSiloAsync(SiloInfo silo, CancellationToken cancellationToken = default);

    /// <summary>Records that the silo is alive now, with its latest stats when given (null keeps the previous
    /// ones). Returns false, writing nothing, if the silo is not registered or was marked stopped (it should
    /// register again).</summary>
    Task<bool> HeartbeatAsync(string siloId, SiloStats? stats = null, CancellationToken cancellationToken = default);

    /// <summary>Marks the silo stopped (a graceful shutdown). Unknown ids are ignored.</summary>
    Task MarkStoppedAsync(string siloId, CancellationToken cancellationToken = default);

    /// <summary>Every registered silo, oldest start first. An active silo whose last heartbeat is
    /// <paramref name="deadAfter"/> or more in the past is reported <see cref="SiloStatus.Dead"/>.</summary>
    Task<IReadOnlyList<SiloRecord>> ListSilosAsync(TimeSpan deadAfter, CancellationToken cancellationToken = default);
}
