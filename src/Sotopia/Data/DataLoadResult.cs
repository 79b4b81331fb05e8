using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Data;

/// <summary>The outcome of <see cref="SotopiaDataLoader.Load(string)"/>: the records that passed validation,
/// every problem found, and where the data came from.</summary>
/// <param name="Dataset">The valid records (bad records are left out).</param>
/// <param name="Problems">Every error and warning, in the order found.</param>
/// <param name="Source">A short description of what was read, e.g. <c>folder /data/sotopia (4 files)</c>.</param>
public sealed record DataLoadResult(SotopiaDataset Dataset, IReadOnlyList<DataProblem> Problems, string Source)
{
    /// <summary>True when there is no error (warnings are allowed).</summary>
    public bool IsValid => !Problems.Any(p => p.IsError);

    public IEnumerable<DataProblem> Errors => Problems.Where(p => p.IsError);

    public IEnumerable<DataProblem> Warnings => Problems.Where(p => !p.IsError);
}
