namespace SotopiaPi.Silo.Api.Health;

/// <summary>Start-up facts the readiness probe reports: whether the store's migrations were applied.</summary>
internal sealed class SiloReadiness
{
    private int _migrated;

    public bool MigrationsApplied => Volatile.Read(ref _migrated) == 1;

    public void OnMigrated() => Volatile.Write(ref _migrated, 1);
}
