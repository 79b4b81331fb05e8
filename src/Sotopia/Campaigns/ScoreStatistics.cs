using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Campaigns;

/// <summary>Means and 95% confidence intervals over scored seats (normal approximation with Student's t for
/// small samples). Failed evaluations never reach this: callers pass only successful seat evaluations.</summary>
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

    /// <summary>Two-sided 95% critical value of Student's t for the given degrees of freedom.</summary>
    public static double TCritical95(int degreesOfFreedom)
    {
        ReadOnlySpan<double> table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
            2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
            2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042];
        if (degreesOfFreedom < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom));
        }
        if (degreesOfFreedom <= table.Length)
        {
            return table[degreesOfFreedom - 1];
        }
        return degreesOfFreedom switch
        {
            <= 40 => 2.021,
            <= 60 => 2.000,
            <= 120 => 1.980,
            _ => 1.960,
        };
    }
}
