namespace SotopiaPi.Sotopia.Reports;

/// <summary>The mean of paired differences (after − before, over the same items) with the half-width of its
/// 95% confidence interval: <c>t(0.975, n−1) · sd / √n</c>.</summary>
/// <param name="N">Pairs compared.</param>
/// <param name="Mean">Mean difference (after − before); 0 when there are no pairs.</param>
/// <param name="StandardDeviation">Sample standard deviation of the differences (n − 1); null below two pairs.</param>
/// <param name="Ci95">Half-width of the 95% CI of <see cref="Mean"/>; null below two pairs (no interval exists).</param>
public sealed record PairedDifference(int N, double Mean, double? StandardDeviation, double? Ci95)
{
    public static PairedDifference None { get; } = new(0, 0, null, null);

    public double? Lower => Ci95 is { } ci ? Mean - ci : null;

    public double? Upper => Ci95 is { } ci ? Mean + ci : null;

    /// <summary>True when the 95% CI lies entirely above or below zero.</summary>
    public bool ExcludesZero => Lower > 0 || Upper < 0;
}
