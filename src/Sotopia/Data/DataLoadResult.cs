using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Data;

/// <summary>The outcome of <see cref="SotopiaDataLoader.Load(string)"/>: the records that passed validation,
/// the problems found, and where the data came from.</summary>
/// <param name="Dataset">The valid records (bad records are left out).</param>
/// <param name="Problems">The errors and warnings in the order found — the first
/// <see cref="DataLimits.MaxProblems"/>; the others are counted in <see cref="OmittedProblems"/>.</param>
/// <param name="Source">A short description of what was read, e.g. <c>folder /data/sotopia (4 files)</c>.</param>
public sealed record DataLoadResult(SotopiaDataset Dataset, IReadOnlyList<DataProblem> Problems, string Source)
{
    /// <summary>Problems found after <see cref="Problems"/> was full: counted per severity and kind, not kept.</summary>
    public ImmutableArray<DataProblemCount> OmittedProblems { get; init; } = [];

    /// <summary>True when there is no error (warnings are allowed), counting the omitted problems too.</summary>
    public bool IsValid => ErrorCount == 0;

    /// <summary>Every error found, listed or omitted.</summary>
    public int ErrorCount => Problems.Count(p => p.IsError) + Omitted(DataProblemSeverity.Error);

    /// <summary>Every warning found, listed or omitted.</summary>
    public int WarningCount => Problems.Count(p => !p.IsError) + Omitted(DataProblemSeverity.Warning);

    /// <summary>The listed errors (see <see cref="ErrorCount"/> for how many there are in all).</summary>
    public IEnumerable<DataProblem> Errors => Problems.Where(p => p.IsError);

    public IEnumerable<DataProblem> Warnings => Problems.Where(p => !p.IsError);

    private int Omitted(DataProblemSeverity severity) =>
        OmittedProblems.IsDefault ? 0 : OmittedProblems.Where(c => c.Severity == severity).Sum(c => c.Count);
}
