namespace SotopiaPi.Grains.Interfaces;

/// <summary>A conditional write was refused: the writer is a stale activation (a newer one began the episode,
/// the campaign was cancelled, a grain state's ETag moved on). The writer must stop and deactivate; nothing it
/// tried to write was stored.</summary>
[GenerateSerializer]
public sealed class StaleWriteException : Exception
{
    public StaleWriteException(string message)
        : base(message)
    {
    }

    public StaleWriteException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
