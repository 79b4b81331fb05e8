using System.Text.Json.Serialization;
using SotopiaPi.Sotopia.Campaigns;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>A mean over <see cref="N"/> values with the half-width of its 95% confidence interval (Student's t,
/// as <see cref="ScoreStatistics"/> computes it; 0 when there are fewer than two values). In JSON the mean and
/// interval are null when n = 0.</summary>
[JsonConverter(typeof(EstimateJsonConverter))]
public readonly record struct Estimate(double Mean, double Ci95, int N)
{
    public static Estimate None { get; } = new(0, 0, 0);

    public bool HasValue => N > 0;

    public static Estimate Of(IReadOnlyList<double> values) =>
        values.Count == 0 ? None : new Estimate(values.Average(), ScoreStatistics.HalfWidth95(values), values.Count);
}
