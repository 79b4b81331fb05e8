using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage;

/// <summary>ETags of grain state in both stores: opaque, new for every write, and the refusal when a write names
/// another one than the stored.</summary>
internal static class GrainStateETags
{
    public static string Next() => Guid.NewGuid().ToString("N");

    public static StaleWriteException Conflict(string grainType, string grainId, string? expected, string? stored) =>
        new($"The state of grain {grainType} '{grainId}' was not written: the write expected ETag {expected ?? "(none: new state)"}, " +
            $"but the store holds {stored ?? "no state"} (another activation wrote it since).");
}
