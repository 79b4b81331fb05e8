namespace SotopiaPi.Grains.Interfaces;

/// <summary>A write was refused because the writer's lease is no longer current: someone else owns the
/// object now (or the lease expired and was taken). The writer must drop its activation.</summary>
public sealed class StaleEpochException(string kind, string key, long epoch)
    : Exception($"Write to {kind} '{key}' refused: lease epoch {epoch} is no longer current.")
{
    public string Kind { get; } = kind;
    public string Key { get; } = key;
    public long Epoch { get; } = epoch;
}
