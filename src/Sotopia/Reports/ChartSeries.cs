namespace SotopiaPi.Sotopia.Reports;

/// <summary>A named, coloured series of a point chart; <see cref="Points"/> is aligned with the chart's
/// categories, null where the series has no value.</summary>
internal sealed record ChartSeries(string Name, string Color, IReadOnlyList<ChartPoint?> Points);
