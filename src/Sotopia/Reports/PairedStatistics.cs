using SotopiaPi.Sotopia.Campaigns;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>Paired comparisons: the same items (for example the same task and seat) measured twice.</summary>
public static class PairedStatistics
{
    /// <summary>Mean of <c>after[i] − before[i]</c> with a t-based 95% CI (the Student-t quantile from
    /// <see cref="ScoreStatistics.TCritical95"/>).</summary>
    public static PairedDifference Difference(IReadOnlyList<double> before, IReadOnlyList<double> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (before.Count != after.Count)
        {
            throw new ArgumentException($"Paired samples must have the same length ({before.Count} before, {after.Count} after).", nameof(after));
        }
        var n = before.Count;
        if (n == 0)
        {
            return PairedDifference.None;
        }
        var differences = new double[n];
        for (var i = 0; i < n; i++)
        {
            differences[i] = after[i] - before[i];
        }
        var mean = differences.Average();
        if (n < 2)
        {
            return new PairedDifference(n, mean, null, null);
        }
        var variance = differences.Sum(d => (d - mean) * (d - mean)) / (n - 1);
        var sd = Math.Sqrt(variance);
        return new PairedDifference(n, mean, sd, ScoreStatistics.TCritical95(n - 1) * sd / Math.Sqrt(n));
    }

    /// <summary>Pairs the values of the keys present in both maps and compares them
    /// (after − before). Keys present in only one map are left out.</summary>
    public static PairedDifference Compare<TKey>(IReadOnlyDictionary<TKey, double> before, IReadOnlyDictionary<TKey, double> after)
        where TKey : notnull
    {
        var keys = before.Keys.Where(after.ContainsKey).ToList();
        return Difference([.. keys.Select(k => before[k])], [.. keys.Select(k => after[k])]);
    }
}
