using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>How often each integer score of one dimension occurred in a group of scored seats.</summary>
/// <param name="Group">"bc", "bc+sr1", or "eval: base" for a policy's evaluation seats.</param>
/// <param name="Dimension">The dimension; bins run from its <see cref="DimensionInfo.Min"/> to its <see cref="DimensionInfo.Max"/>.</param>
/// <param name="Counts">Counts per score, index = score − min.</param>
public sealed record ScoreHistogram(string Group, DimensionInfo Dimension, ImmutableArray<int> Counts)
{
    public int N => Counts.Sum();

    public int CountOf(int score) => Counts[score - Dimension.Min];

    public double Mean => N == 0 ? 0 : Counts.Select((c, i) => (double)c * (i + Dimension.Min)).Sum() / N;

    public static ScoreHistogram Of(string group, DimensionInfo dimension, IEnumerable<SeatEvaluation> seats)
    {
        var counts = new int[dimension.Max - dimension.Min + 1];
        foreach (var seat in seats)
        {
            counts[seat[dimension.Dimension] - dimension.Min]++;
        }
        return new ScoreHistogram(group, dimension, [.. counts]);
    }
}
