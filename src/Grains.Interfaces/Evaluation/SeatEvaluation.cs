using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>The judge's scores for one seat: all 7 dimensions, each range-checked on construction, and the
/// overall score (the unweighted mean of the 7, as in SOTOPIA).</summary>
[Immutable]
public sealed record SeatEvaluation
{
    /// <summary>Creates an evaluation; throws <see cref="ArgumentException"/> unless there are exactly 7 scores
    /// each within its dimension's range.</summary>
    public SeatEvaluation(ImmutableArray<DimensionScore> scores)
    {
        if (scores.IsDefault || scores.Length != DimensionInfo.Count)
        {
            throw new ArgumentException($"A seat evaluation needs exactly {DimensionInfo.Count} dimension scores.", nameof(scores));
        }
        for (var i = 0; i < scores.Length; i++)
        {
            var info = DimensionInfo.All[i];
            if (!info.Contains(scores[i].Score))
            {
                throw new ArgumentException(
                    $"Score {scores[i].Score} for '{info.Key}' is outside its range [{info.Min}, {info.Max}].", nameof(scores));
            }
        }
        Scores = scores;
    }

    /// <summary>Scores indexed by <see cref="SotopiaDimension"/>.</summary>
    public ImmutableArray<DimensionScore> Scores { get; }

    public int this[SotopiaDimension dimension] => Scores[(int)dimension].Score;

    [System.Text.Json.Serialization.JsonIgnore]
    public int Goal => this[SotopiaDimension.Goal];

    /// <summary>Unweighted mean of the 7 dimension scores.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double Overall
    {
        get
        {
            var sum = 0;
            foreach (var s in Scores)
            {
                sum += s.Score;
            }
            return sum / (double)DimensionInfo.Count;
        }
    }
}
