using MathNet.Numerics.Distributions;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Campaigns;

/// <summary>Means and 95% confidence intervals over scored seats: <c>t(0.975; n − 1) · s / √n</c> with the exact
/// Student-t quantile (MathNet.Numerics) for every n. Failed evaluations never reach this: callers pass only
/// successful seat evaluations.</summary>
public static class ScoreStatistics
{
    public static ScoreSummary Summarize(IReadOnlyCollection<SeatEvaluation> evaluations)
    {
        var n = evaluations.Count;
        if (n == 0)
        {
            return new ScoreSummary { N = 0, DimensionMeans = [.. new double[DimensionInfo.Count]] };
        }
        var sums = new double[DimensionInfo.Count];
        var goals = new double[n];
        var overalls = new double[n];
        var i = 0;
        foreach (var e in evaluations)
        {
            for (var d = 0; d < DimensionInfo.Count; d++)
            {
                sums[d] += e.Scores[d].Score;
            }
            goals[i] = e.Goal;
            overalls[i] = e.Overall;
            i++;
        }
        return new ScoreSummary
        {
            N = n,
            DimensionMeans = [.. sums.Select(s => s / n)],
            Goal = goals.Average(),
            GoalCi95 = HalfWidth95(goals),
            Overall = overalls.Average(),
            OverallCi95 = HalfWidth95(overalls),
        };
    }

    /// <summary>Half-width of the 95% confidence interval of the mean.</summary>
    public static double HalfWidth95(IReadOnlyList<double> values)
    {
        var n = values.Count;
        if (n < 2)
        {
            return 0;
        }
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (n - 1);
        return TCritical95(n - 1) * Math.Sqrt(variance / n);
    }

    /// <summary>Two-sided 95% critical value of Student's t for the given degrees of freedom: the 0.975 quantile
    /// of the t distribution (12.7062 for 1, 2.0452 for 29, 1.9842 for 99; it tends to 1.95996 and never reaches it).</summary>
    public static double TCritical95(int degreesOfFreedom)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(degreesOfFreedom, 1);
        return StudentT.InvCDF(location: 0, scale: 1, freedom: degreesOfFreedom, p: 0.975);
    }
}
