namespace SotopiaPi.Silo.Hosting;

/// <summary>Which database a <see cref="StoreConnection"/> points at.</summary>
public enum StoreKind
{
    /// <summary>One SQLite file (one silo process at a time).</summary>
    Sqlite = 0,
    /// <summary>A PostgreSQL database shared by many silos.</summary>
    PostgreSql = 1,
}
