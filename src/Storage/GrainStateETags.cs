namespace SotopiaPi.Storage;

/// <summary>The ETags of stored grain state (both stores): opaque and never reused, so a writer that read a state
/// that was since cleared and written again cannot mistake the new state for the one it read.</summary>
internal static class GrainStateETags
{
    public static string New() => Guid.NewGuid().ToString("N");
}
