namespace SotopiaPi.Silo.Hosting;

/// <summary>The store could not be opened or migrated; the message names it (never with a password).</summary>
public sealed class StoreOpenException(StoreConnection store, Exception inner)
    : Exception($"could not open the store ({store.Description}): {inner.Message}", inner)
{
    public StoreConnection Store { get; } = store;
}
