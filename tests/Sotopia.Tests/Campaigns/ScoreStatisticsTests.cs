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
        // sd = sqrt(20/3); t(0.975; 3) = 3.182446; half-width = t * sd / 2
        Assert.Equal(3.182446 * Math.Sqrt(20.0 / 3) / 2, summary.GoalCi95, 5);
        Assert.Equal(5.0, summary.DimensionMeans[(int)SotopiaDimension.Goal], 12);
        Assert.Equal((8 + 3 + 5) / 7.0, summary.Overall, 12);
    }

    [Theory]
    [InlineData(1, 12.7062)]
    [InlineData(2, 4.3027)]
    [InlineData(4, 2.7764)]
    [InlineData(29, 2.0452)]
    [InlineData(31, 2.0395)]
    [InlineData(99, 1.9842)]
    [InlineData(121, 1.9798)]
    [InlineData(1000, 1.9623)]
    public void TheCriticalValueIsTheStudentTQuantile(int degreesOfFreedom, double expected)
    {
        Assert.Equal(expected, ScoreStatistics.TCritical95(degreesOfFreedom), 4);
    }

    [Fact]
    public void TheCriticalValueApproachesTheNormalQuantileFromAboveAndNeedsOneDegreeOfFreedom()
    {
        Assert.Equal(1.959964, ScoreStatistics.TCritical95(10_000_000), 5);
        Assert.True(ScoreStatistics.TCritical95(100_000) > 1.959964);
        Assert.Throws<ArgumentOutOfRangeException>(() => ScoreStatistics.TCritical95(0));
    }

    /// <summary>The hand-written table this replaced (t for df 1..30 to three decimals, then 2.021 up to df 40,
    /// 2.000 up to 60, 1.980 up to 120 and 1.960 above) gave intervals narrower than 95% — beyond its
    /// three-decimal rounding — for n = 32..40, 42..60, 62..117 and every n ≥ 122: up to 1% too narrow (n = 122,
    /// where it used 1.960 for t(121) = 1.9798).</summary>
    [Fact]
    public void TheOldTableWasAntiConservativeForMostSamplesAbove31()
    {
        var narrower = Enumerable.Range(2, 999).Where(n => OldTable(n - 1) < ScoreStatistics.TCritical95(n - 1) - 0.0005).ToList();
        int[] expected = [.. Enumerable.Range(32, 9), .. Enumerable.Range(42, 19), .. Enumerable.Range(62, 56), .. Enumerable.Range(122, 879)];
        Assert.Equal(expected, narrower);
        var worst = Enumerable.Range(2, 999).MaxBy(n => 1 - (OldTable(n - 1) / ScoreStatistics.TCritical95(n - 1)));
        Assert.Equal(122, worst);
        Assert.Equal(0.0100, 1 - (OldTable(121) / ScoreStatistics.TCritical95(121)), 3);
    }

    [Fact]
    public void EmptySamplesAreZeroAndOneValueHasNoWidth()
    {
        var empty = ScoreStatistics.Summarize(ImmutableArray<SeatEvaluation>.Empty);
        Assert.Equal(0, empty.N);
        Assert.Equal(7, empty.DimensionMeans.Length);
        Assert.Equal(0, ScoreStatistics.HalfWidth95([3.0]));
    }

    private static double OldTable(int degreesOfFreedom)
    {
        double[] table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
            2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042];
        return degreesOfFreedom <= table.Length ? table[degreesOfFreedom - 1] : degreesOfFreedom switch
        {
            <= 40 => 2.021,
            <= 60 => 2.000,
            <= 120 => 1.980,
            _ => 1.960,
        };
    }
}
