namespace SotopiaPi.Grains.Interfaces;

/// <summary>Dataset versions held by the store (characters, relationships, scenarios, tasks and named sets), so
/// that episodes resume on any silo without the original files. Each import is a new immutable version.</summary>
public interface IDatasetStore
{
    /// <summary>Stores the dataset as a new version and returns it; when the newest version has the same content
    /// hash, returns that one instead (re-importing the same data is idempotent).</summary>
    Task<DatasetVersion> ImportDatasetAsync(SotopiaDataset dataset, string source, CancellationToken cancellationToken = default);

    /// <summary>Adds derived records to a version (tasks a campaign sampled from it, scenarios generated from it):
    /// records with ids new to the version are appended, records it already has are left as they are; a named set
    /// new to the version is created, an existing one gets the ids it lacks appended. Throws
    /// <see cref="KeyNotFoundException"/> for an unknown version.</summary>
    Task AddToDatasetVersionAsync(int version, SotopiaDataset additions, CancellationToken cancellationToken = default);

    /// <summary>Every version, oldest first.</summary>
    Task<IReadOnlyList<DatasetVersion>> ListDatasetVersionsAsync(CancellationToken cancellationToken = default);

    /// <summary>One version's records in stored order and its named sets; null = the newest version (an empty
    /// dataset when there is none). Throws <see cref="KeyNotFoundException"/> for an unknown version.</summary>
    Task<SotopiaDataset> LoadDatasetAsync(int? version = null, CancellationToken cancellationToken = default);
}
