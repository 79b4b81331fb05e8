using System.Collections.Immutable;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Tests.Campaigns;

public sealed class ScoreStatisticsTests
{
    private static SeatEvaluation Seat(int goal, int believability = 8) =>
        new([.. new[] { believability, 0, 3, 0, 0, 0, goal }.Select(v => new DimensionScore(v, ""))]);

    [Fact]
    public void MeansAndConfidenceIntervalFollowStudentsT()
    {
        var summary = ScoreStatistics.Summarize([Seat(2), Seat(4), Seat(6), Seat(8)]);
        Assert.Equal(4, summary.N);
        Assert.Equal(5.0, summary.Goal, 12);
        // sd = sqrt(20/3); t(3) = 3.182; half-width = 3.182 * sd / 2
        Assert.Equal(3.182 * Math.Sqrt(20.0 / 3) / 2, summary.GoalCi95, 9);
        Assert.Equal(5.0, summary.DimensionMeans[(int)SotopiaDimension.Goal], 12);
        Assert.Equal((8 + 3 + 5) / 7.0, summary.Overall, 12);
    }

    [Fact]
    public void LargeSamplesUseTheNormalQuantileAndEmptyOnesAreZero()
    {
        Assert.Equal(1.96, ScoreStatistics.TCritical95(500));
        Assert.Equal(12.706, ScoreStatistics.TCritical95(1));
        var empty = ScoreStatistics.Summarize(ImmutableArray<SeatEvaluation>.Empty);
        Assert.Equal(0, empty.N);
        Assert.Equal(7, empty.DimensionMeans.Length);
        Assert.Equal(0, ScoreStatistics.HalfWidth95([3.0]));
    }
}
