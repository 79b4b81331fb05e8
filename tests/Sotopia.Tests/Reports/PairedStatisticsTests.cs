using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Reports;

namespace SotopiaPi.Sotopia.Tests.Reports;

public sealed class PairedStatisticsTests
{
    [Fact]
    public void ThePairedDifferenceUsesStudentsTOnTheDifferences()
    {
        // differences 1, 2, 0, 3: mean 1.5, sample variance 5/3, t(0.975; 3) = 3.182446
        var d = PairedStatistics.Difference([1, 2, 3, 4], [2, 4, 3, 7]);
        Assert.Equal(4, d.N);
        Assert.Equal(1.5, d.Mean, 12);
        Assert.Equal(Math.Sqrt(5.0 / 3), d.StandardDeviation!.Value, 12);
        Assert.Equal(3.182446 * Math.Sqrt(5.0 / 3) / 2, d.Ci95!.Value, 5);
        Assert.Equal(1.5 - (3.182446 * Math.Sqrt(5.0 / 3) / 2), d.Lower!.Value, 5);
        Assert.False(d.ExcludesZero);
    }

    [Fact]
    public void PairingRemovesTheBetweenItemVarianceThatUnpairedIntervalsKeep()
    {
        // Items differ a lot from each other, but every item gains exactly 1: the paired CI is 0 (sd 0),
        // while each side's own CI is wide.
        double[] before = [0, 3, 6, 9];
        double[] after = [1, 4, 7, 10];
        var d = PairedStatistics.Difference(before, after);
        Assert.Equal(1.0, d.Mean, 12);
        Assert.Equal(0.0, d.Ci95!.Value, 12);
        Assert.True(d.ExcludesZero);
        Assert.True(ScoreStatistics.HalfWidth95(before) > 4);
    }

    [Fact]
    public void LargeSamplesUseTheStudentTQuantileNotTheNormalOne()
    {
        var before = Enumerable.Repeat(5.0, 200).ToArray();
        var after = Enumerable.Range(0, 200).Select(i => i % 2 == 0 ? 5.0 : 7.0).ToArray();
        var d = PairedStatistics.Difference(before, after);
        Assert.Equal(1.0, d.Mean, 12);
        var sd = Math.Sqrt(200.0 / 199);
        Assert.Equal(sd, d.StandardDeviation!.Value, 12);
        // t(0.975; 199) = 1.971957, not the normal 1.959964 the old table used above 120 degrees of freedom.
        Assert.Equal(1.971957 * sd / Math.Sqrt(200), d.Ci95!.Value, 5);
        Assert.True(d.ExcludesZero);
        Assert.True(d.Mean > 0);
    }

    [Fact]
    public void OnePairHasNoIntervalAndNoPairsHaveNothing()
    {
        var one = PairedStatistics.Difference([4], [1]);
        Assert.Equal((1, -3.0), (one.N, one.Mean));
        Assert.Null(one.Ci95);
        Assert.Null(one.StandardDeviation);
        Assert.False(one.ExcludesZero);
        Assert.Equal(PairedDifference.None, PairedStatistics.Difference([], []));
        Assert.Throws<ArgumentException>(() => PairedStatistics.Difference([1, 2], [1]));
    }

    [Fact]
    public void CompareUsesOnlyTheKeysBothSidesHave()
    {
        var before = new Dictionary<string, double> { ["a"] = 1, ["b"] = 2, ["only-before"] = 100 };
        var after = new Dictionary<string, double> { ["b"] = 5, ["a"] = 2, ["only-after"] = -100 };
        var d = PairedStatistics.Compare(before, after);
        // differences a: 1, b: 3 → mean 2, sd √2, t(0.975; 1) = 12.7062
        Assert.Equal(2, d.N);
        Assert.Equal(2.0, d.Mean, 12);
        Assert.Equal(12.7062 * Math.Sqrt(2) / Math.Sqrt(2), d.Ci95!.Value, 4);
    }

    [Fact]
    public void ABreakdownGivesEveryDimensionItsOwnInterval()
    {
        static SeatEvaluation Seat(params int[] s) => new([.. s.Select(v => new DimensionScore(v, ""))]);
        var b = ScoreBreakdown.From([Seat(8, 1, 2, 0, -2, 0, 2), Seat(6, 3, 2, -4, 0, 0, 4), Seat(10, 2, 2, -2, -1, 0, 9)]);
        Assert.Equal(3, b.N);
        Assert.Equal(8.0, b[SotopiaDimension.Believability].Mean, 12);
        // believability 8, 6, 10: sd 2, t(0.975; 2) = 4.302653
        Assert.Equal(4.302653 * 2 / Math.Sqrt(3), b[SotopiaDimension.Believability].Ci95, 5);
        Assert.Equal(0.0, b[SotopiaDimension.Knowledge].Ci95, 12);
        Assert.Equal(0.0, b[SotopiaDimension.FinancialAndMaterialBenefits].Ci95, 12);
        Assert.Equal(5.0, b.Goal.Mean, 12);
        Assert.Equal(b[SotopiaDimension.Goal], b.Goal);
        var summary = ScoreStatistics.Summarize([Seat(8, 1, 2, 0, -2, 0, 2), Seat(6, 3, 2, -4, 0, 0, 4), Seat(10, 2, 2, -2, -1, 0, 9)]);
        Assert.Equal(summary.OverallCi95, b.Overall.Ci95, 12);
        Assert.Equal((11 + 11 + 20) / 21.0, b.Overall.Mean, 12);
        Assert.Equal(0, ScoreBreakdown.From([]).N);
        Assert.False(ScoreBreakdown.From([]).Goal.HasValue);
    }
}
