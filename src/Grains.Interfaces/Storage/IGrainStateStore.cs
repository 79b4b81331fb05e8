namespace SotopiaPi.Grains.Interfaces;

/// <summary>Orleans grain state kept in the project store (the embedded and PostgreSQL profiles): one JSON document
/// per grain with an ETag. Every write names the ETag it read; a different stored ETag refuses it.</summary>
public interface IGrainStateStore
{
    /// <summary>The stored state, or null when the grain has none.</summary>
    Task<StoredGrainState?> ReadGrainStateAsync(string grainType, string grainId, CancellationToken cancellationToken = default);

    /// <summary>Writes the state if the stored ETag is <paramref name="expectedETag"/> (null = no state stored yet)
    /// and returns the new ETag; otherwise throws <see cref="StaleWriteException"/> naming both ETags.</summary>
    Task<string> WriteGrainStateAsync(string grainType, string grainId, string json, string? expectedETag, CancellationToken cancellationToken = default);

    /// <summary>Deletes the state under the same condition as <see cref="WriteGrainStateAsync"/>.</summary>
    Task ClearGrainStateAsync(string grainType, string grainId, string? expectedETag, CancellationToken cancellationToken = default);
}
