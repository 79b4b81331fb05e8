using System.Collections.Immutable;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>Scores over a set of scored seats: every dimension, GOAL and overall, each as mean ± 95% CI.</summary>
/// <param name="N">Scored seats (failed evaluations are never part of it).</param>
/// <param name="Dimensions">One estimate per dimension, indexed by <see cref="SotopiaDimension"/>.</param>
/// <param name="Goal">The GOAL dimension (the same numbers as <c>Dimensions[Goal]</c>).</param>
/// <param name="Overall">The per-seat mean of the 7 dimensions.</param>
public sealed record ScoreBreakdown(int N, ImmutableArray<Estimate> Dimensions, Estimate Goal, Estimate Overall)
{
    public static ScoreBreakdown Empty { get; } =
        new(0, [.. Enumerable.Repeat(Estimate.None, DimensionInfo.Count)], Estimate.None, Estimate.None);

    public Estimate this[SotopiaDimension dimension] => Dimensions[(int)dimension];

    /// <summary>Means and CIs of GOAL and overall come from <see cref="ScoreStatistics.Summarize"/>; the other
    /// dimensions use the same t-based half-width.</summary>
    public static ScoreBreakdown From(IReadOnlyCollection<SeatEvaluation> evaluations)
    {
        if (evaluations.Count == 0)
        {
            return Empty;
        }
        var summary = ScoreStatistics.Summarize(evaluations);
        var dimensions = new Estimate[DimensionInfo.Count];
        for (var d = 0; d < DimensionInfo.Count; d++)
        {
            var values = evaluations.Select(e => (double)e.Scores[d].Score).ToList();
            dimensions[d] = new Estimate(summary.DimensionMeans[d], ScoreStatistics.HalfWidth95(values), summary.N);
        }
        return new ScoreBreakdown(
            summary.N,
            [.. dimensions],
            new Estimate(summary.Goal, summary.GoalCi95, summary.N),
            new Estimate(summary.Overall, summary.OverallCi95, summary.N));
    }
}
