namespace SotopiaPi.Grains.Interfaces;

/// <summary>Characters, relationships, scenarios, tasks and named sets held by the store, so that episodes
/// resume on any silo without the original files.</summary>
public interface IDatasetStore
{
    /// <summary>Inserts or replaces every record of the dataset (by id) and its named sets.</summary>
    Task ImportDatasetAsync(SotopiaDataset dataset, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces tasks (for example newly sampled character pairs).</summary>
    Task UpsertTasksAsync(IReadOnlyList<SocialTask> tasks, CancellationToken cancellationToken = default);

    /// <summary>Everything the store holds, as one dataset.</summary>
    Task<SotopiaDataset> LoadDatasetAsync(CancellationToken cancellationToken = default);
}
