using System.Globalization;
using System.Text;
using SotopiaPi.Sotopia.Reports;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>Charts as inline SVG, drawn here from the numbers (no script, no external library, nothing
/// fetched). Every data mark carries a <c>data-*</c> description and a <c>&lt;title&gt;</c> tooltip.</summary>
internal static class SvgCharts
{
    private const double CharWidth = 6.6;

    /// <summary>Means with 95% CI error bars per category, one colour per series.</summary>
    public static string PointChart(string id, string title, string yTitle, IReadOnlyList<string> categories, IReadOnlyList<ChartSeries> series)
    {
        const double width = 560, height = 330, left = 56, right = 16, top = 40;
        var rotate = categories.Count > 0 && categories.Max(c => c.Length) * CharWidth > (width - left - right) / categories.Count - 6;
        var bottom = rotate ? 104.0 : 70.0;
        var plotW = width - left - right;
        var plotH = height - top - bottom;
        var values = series.SelectMany(s => s.Points).OfType<ChartPoint>()
            .SelectMany(p => new[] { p.Mean - (p.Ci95 ?? 0), p.Mean + (p.Ci95 ?? 0) }).ToList();
        var (min, max, step) = NiceRange(values.Count == 0 ? 0 : values.Min(), values.Count == 0 ? 1 : values.Max());
        double Y(double v) => top + plotH * (max - v) / (max - min);
        var band = plotW / Math.Max(1, categories.Count);
        double X(int i) => left + band * (i + 0.5);

        var sb = new StringBuilder();
        Open(sb, id, "chart point-chart", width, height, title);
        Axes(sb, left, top, plotW, plotH, min, max, step, Y, yTitle);
        for (var i = 0; i < categories.Count; i++)
        {
            var x = X(i);
            var y = top + plotH + 16;
            var transform = rotate ? $" transform=\"rotate(-30 {N(x)} {N(y)})\" text-anchor=\"end\"" : " text-anchor=\"middle\"";
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"x-label\" x=\"{N(x)}\" y=\"{N(y)}\"{transform}>{Html.E(categories[i])}</text>");
        }

        for (var s = 0; s < series.Count; s++)
        {
            var current = series[s];
            var offset = (s - (series.Count - 1) / 2.0) * Math.Min(10, band / (series.Count + 2));
            var connected = new List<(double X, double Y)>();
            var marks = new StringBuilder();
            for (var i = 0; i < current.Points.Count && i < categories.Count; i++)
            {
                if (current.Points[i] is not { } p)
                {
                    continue;
                }
                var x = X(i) + offset;
                var y = Y(p.Mean);
                if (p.Connected)
                {
                    connected.Add((x, y));
                }
                else
                {
                    sb.Append(CultureInfo.InvariantCulture,
                        $"<line class=\"reference\" x1=\"{N(left)}\" x2=\"{N(left + plotW)}\" y1=\"{N(y)}\" y2=\"{N(y)}\" stroke=\"{current.Color}\" stroke-dasharray=\"4 4\" stroke-opacity=\"0.45\"/>");
                }
                if (p.Ci95 is { } ci && ci > 0)
                {
                    var (y1, y2) = (Y(p.Mean - ci), Y(p.Mean + ci));
                    marks.Append(CultureInfo.InvariantCulture,
                        $"<path class=\"ci\" d=\"M{N(x)} {N(y1)}V{N(y2)}M{N(x - 4)} {N(y1)}h8M{N(x - 4)} {N(y2)}h8\" stroke=\"{current.Color}\" fill=\"none\"/>");
                }
                marks.Append(CultureInfo.InvariantCulture,
                    $"<circle class=\"point\" data-series=\"{Html.E(current.Name)}\" data-category=\"{Html.E(categories[i])}\" data-mean=\"{p.Mean.ToString("0.####", CultureInfo.InvariantCulture)}\" cx=\"{N(x)}\" cy=\"{N(y)}\" r=\"{(p.Connected ? 4.5 : 5.5).ToString(CultureInfo.InvariantCulture)}\" fill=\"{(p.Connected ? current.Color : "#ffffff")}\" stroke=\"{current.Color}\" stroke-width=\"2\"><title>{Html.E(p.Tooltip)}</title></circle>");
            }
            if (connected.Count > 1)
            {
                sb.Append(CultureInfo.InvariantCulture,
                    $"<polyline class=\"line\" points=\"{string.Join(" ", connected.Select(c => $"{N(c.X)},{N(c.Y)}"))}\" fill=\"none\" stroke=\"{current.Color}\" stroke-width=\"1.5\" stroke-opacity=\"0.7\"/>");
            }
            sb.Append(marks);
        }
        Legend(sb, series.Select(s => (s.Name, s.Color)).ToList(), left, height - 10);
        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>Bars (for example shares 0..1) per category, with their value printed above.</summary>
    public static string BarChart(string id, string title, string yTitle, IReadOnlyList<string> categories, IReadOnlyList<double?> values, Func<double, string> format, string color)
    {
        const double width = 420, height = 260, left = 56, right = 16, top = 40, bottom = 48;
        var plotW = width - left - right;
        var plotH = height - top - bottom;
        var known = values.OfType<double>().ToList();
        var (min, max, step) = NiceRange(0, known.Count == 0 ? 1 : Math.Max(known.Max(), 1e-9));
        double Y(double v) => top + plotH * (max - v) / (max - min);
        var band = plotW / Math.Max(1, categories.Count);

        var sb = new StringBuilder();
        Open(sb, id, "chart bar-chart", width, height, title);
        Axes(sb, left, top, plotW, plotH, min, max, step, Y, yTitle, format);
        for (var i = 0; i < categories.Count; i++)
        {
            var x = left + band * (i + 0.5);
            sb.Append(CultureInfo.InvariantCulture,
                $"<text class=\"x-label\" x=\"{N(x)}\" y=\"{N(top + plotH + 16)}\" text-anchor=\"middle\">{Html.E(categories[i])}</text>");
            if (values[i] is not { } v)
            {
                continue;
            }
            var barW = Math.Min(48, band * 0.6);
            sb.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"bar\" data-category=\"{Html.E(categories[i])}\" data-value=\"{v.ToString("0.####", CultureInfo.InvariantCulture)}\" x=\"{N(x - barW / 2)}\" y=\"{N(Y(v))}\" width=\"{N(barW)}\" height=\"{N(Y(0) - Y(v))}\" fill=\"{color}\"><title>{Html.E($"{categories[i]}: {format(v)}")}</title></rect>");
            sb.Append(CultureInfo.InvariantCulture,
                $"<text class=\"bar-label\" x=\"{N(x)}\" y=\"{N(Y(v) - 4)}\" text-anchor=\"middle\">{Html.E(format(v))}</text>");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>A small histogram of one dimension's integer scores, with the mean marked.</summary>
    public static string Histogram(ScoreHistogram histogram)
    {
        const double width = 136, height = 62, left = 4, right = 4, top = 6, bottom = 15;
        var plotW = width - left - right;
        var plotH = height - top - bottom;
        var bins = histogram.Counts.Length;
        var barW = plotW / bins;
        var n = histogram.N;
        var most = Math.Max(1, histogram.Counts.Max());
        var info = histogram.Dimension;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"histogram\" data-group=\"{Html.E(histogram.Group)}\" data-dimension=\"{info.Key}\" data-n=\"{n}\" viewBox=\"0 0 {N(width)} {N(height)}\" width=\"{N(width)}\" height=\"{N(height)}\" role=\"img\">");
        sb.Append(CultureInfo.InvariantCulture,
            $"<title>{Html.E($"{histogram.Group} · {info.Abbreviation}: " + (n == 0 ? "no scores" : $"mean {ReportFormat.F(histogram.Mean)}, n = {n}"))}</title>");
        for (var b = 0; b < bins; b++)
        {
            var count = histogram.Counts[b];
            var h = plotH * count / most;
            var score = b + info.Min;
            sb.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{N(left + b * barW + 0.5)}\" y=\"{N(top + plotH - h)}\" width=\"{N(Math.Max(1, barW - 1))}\" height=\"{N(h)}\" fill=\"#64748b\"><title>{Html.E($"{info.Abbreviation} = {score}: {count}" + (n > 0 ? $" ({ReportFormat.Percent(count / (double)n)})" : ""))}</title></rect>");
        }
        sb.Append(CultureInfo.InvariantCulture,
            $"<line x1=\"{N(left)}\" x2=\"{N(left + plotW)}\" y1=\"{N(top + plotH)}\" y2=\"{N(top + plotH)}\" stroke=\"#94a3b8\"/>");
        if (n > 0)
        {
            var mx = left + (histogram.Mean - info.Min + 0.5) * barW;
            sb.Append(CultureInfo.InvariantCulture,
                $"<line class=\"mean\" x1=\"{N(mx)}\" x2=\"{N(mx)}\" y1=\"{N(top - 2)}\" y2=\"{N(top + plotH)}\" stroke=\"#dc2626\" stroke-width=\"1.5\"/>");
        }
        else
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"empty\" x=\"{N(width / 2)}\" y=\"{N(top + plotH / 2)}\" text-anchor=\"middle\">no scores</text>");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{N(left)}\" y=\"{N(height - 3)}\">{info.Min}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{N(width - right)}\" y=\"{N(height - 3)}\" text-anchor=\"end\">{info.Max}</text>");
        if (n > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"tick mean-label\" x=\"{N(width / 2)}\" y=\"{N(height - 3)}\" text-anchor=\"middle\">{ReportFormat.F(histogram.Mean)}</text>");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static void Open(StringBuilder sb, string id, string cssClass, double width, double height, string title)
    {
        sb.Append(CultureInfo.InvariantCulture,
            $"<svg id=\"{Html.E(id)}\" class=\"{cssClass}\" viewBox=\"0 0 {N(width)} {N(height)}\" width=\"{N(width)}\" height=\"{N(height)}\" role=\"img\" aria-labelledby=\"{Html.E(id)}-title\">");
        sb.Append(CultureInfo.InvariantCulture, $"<title id=\"{Html.E(id)}-title\">{Html.E(title)}</title>");
        sb.Append(CultureInfo.InvariantCulture, $"<text class=\"chart-title\" x=\"8\" y=\"20\">{Html.E(title)}</text>");
    }

    private static void Axes(
        StringBuilder sb, double left, double top, double plotW, double plotH, double min, double max, double step,
        Func<double, double> y, string yTitle, Func<double, string>? format = null)
    {
        for (var v = min; v <= max + step / 1000; v += step)
        {
            var tick = Math.Abs(v) < step / 1000 ? 0 : v;
            sb.Append(CultureInfo.InvariantCulture,
                $"<line class=\"grid{(tick == 0 ? " zero" : "")}\" x1=\"{N(left)}\" x2=\"{N(left + plotW)}\" y1=\"{N(y(tick))}\" y2=\"{N(y(tick))}\"/>");
            sb.Append(CultureInfo.InvariantCulture,
                $"<text class=\"tick\" x=\"{N(left - 6)}\" y=\"{N(y(tick) + 4)}\" text-anchor=\"end\">{Html.E(format is null ? tick.ToString("0.##", CultureInfo.InvariantCulture) : format(tick))}</text>");
        }
        sb.Append(CultureInfo.InvariantCulture,
            $"<line class=\"axis\" x1=\"{N(left)}\" x2=\"{N(left)}\" y1=\"{N(top)}\" y2=\"{N(top + plotH)}\"/>");
        var cy = top + plotH / 2;
        sb.Append(CultureInfo.InvariantCulture,
            $"<text class=\"axis-title\" x=\"14\" y=\"{N(cy)}\" transform=\"rotate(-90 14 {N(cy)})\" text-anchor=\"middle\">{Html.E(yTitle)}</text>");
    }

    private static void Legend(StringBuilder sb, List<(string Name, string Color)> entries, double x, double y)
    {
        foreach (var (name, color) in entries)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{N(x)}\" y=\"{N(y - 9)}\" width=\"10\" height=\"10\" fill=\"{color}\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text class=\"legend\" x=\"{N(x + 14)}\" y=\"{N(y)}\">{Html.E(name)}</text>");
            x += 28 + name.Length * CharWidth;
        }
    }

    /// <summary>A range covering [lo, hi] with about five round steps (1, 2, 2.5 or 5 × 10^k).</summary>
    internal static (double Min, double Max, double Step) NiceRange(double lo, double hi)
    {
        if (hi - lo < 1e-9)
        {
            lo -= 0.5;
            hi += 0.5;
        }
        var raw = (hi - lo) / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var normalized = raw / magnitude;
        var step = normalized switch
        {
            <= 1 => 1,
            <= 2 => 2,
            <= 2.5 => 2.5,
            <= 5 => 5,
            _ => 10,
        } * magnitude;
        return (Math.Floor(lo / step + 1e-9) * step, Math.Ceiling(hi / step - 1e-9) * step, step);
    }

    private static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
