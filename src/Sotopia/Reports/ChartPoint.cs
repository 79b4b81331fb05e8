namespace SotopiaPi.Sotopia.Reports;

/// <summary>One point of a point chart: a mean with an optional 95% CI error bar.</summary>
/// <param name="Mean">The value.</param>
/// <param name="Ci95">Half-width of the error bar, if any.</param>
/// <param name="Connected">Joined by a line to its connected neighbours (trained versions are; the expert
/// is not — it gets a dashed reference line instead).</param>
/// <param name="Tooltip">Text shown on hover.</param>
internal sealed record ChartPoint(double Mean, double? Ci95, bool Connected, string Tooltip);
