using System.Collections.Immutable;

namespace SotopiaPi.Sotopia.Data;

/// <summary>The problems of one load: the first <see cref="DataLimits.MaxProblems"/> are kept whole, later ones
/// are only counted per severity and <see cref="DataProblem.Kind"/>, so memory stays bounded however bad the
/// input is.</summary>
internal sealed class DataProblemLog(int maxKept)
{
    private readonly List<DataProblem> _kept = [];
    private readonly Dictionary<(DataProblemSeverity Severity, string Kind), int> _omitted = [];

    public IReadOnlyList<DataProblem> Kept => _kept;

    public bool HasErrors { get; private set; }

    public void Add(DataProblem problem)
    {
        HasErrors |= problem.IsError;
        if (_kept.Count < maxKept)
        {
            _kept.Add(problem);
            return;
        }

        var key = (problem.Severity, problem.Kind);
        _omitted[key] = _omitted.GetValueOrDefault(key) + 1;
    }

    /// <summary>The counted problems, most frequent first.</summary>
    public ImmutableArray<DataProblemCount> Omitted() =>
    [
        .. _omitted
            .Select(p => new DataProblemCount(p.Key.Severity, p.Key.Kind, p.Value))
            .OrderByDescending(c => c.Count)
            .ThenBy(c => c.Severity)
            .ThenBy(c => c.Kind, StringComparer.Ordinal),
    ];
}
