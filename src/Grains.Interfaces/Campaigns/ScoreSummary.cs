using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>Mean scores over a set of scored seats: per dimension, overall, and 95% confidence half-widths
/// for goal and overall. Failed evaluations are not part of <see cref="N"/>.</summary>
[Immutable]
public sealed record ScoreSummary
{
    public int N { get; init; }
    /// <summary>Mean per dimension, indexed by <see cref="SotopiaDimension"/>.</summary>
    public ImmutableArray<double> DimensionMeans { get; init; } = [];
    public double Goal { get; init; }
    public double GoalCi95 { get; init; }
    public double Overall { get; init; }
    public double OverallCi95 { get; init; }
}
