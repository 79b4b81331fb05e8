using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>A campaign report's charts, drawn with ScottPlot as SVG. The HTML report embeds them and the silo's
/// dashboard shows them (<c>GET /api/dashboard/campaigns/{id}/charts/{name}.svg</c>): the same images from the same
/// code. Every data mark carries <c>data-*</c> attributes and a tooltip (<see cref="SvgChart"/>).</summary>
public static class ReportCharts
{
    /// <summary>GOAL of each evaluated policy against the partner, per set, with 95% CI error bars.</summary>
    public const string LearningCurveGoal = "learning-curve-goal";
    /// <summary>Overall (mean of the 7 dimensions) of each evaluated policy, per set.</summary>
    public const string LearningCurveOverall = "learning-curve-overall";
    /// <summary>GOAL of the played and of the kept trajectories per training round.</summary>
    public const string Rounds = "rounds";
    /// <summary>Share of the scored seats the filter kept, per training round.</summary>
    public const string FilteredShare = "filtered-share";
    /// <summary>Score distributions: a row per training round and per evaluated policy, a column per dimension.</summary>
    public const string Histograms = "histograms";

    public static IReadOnlyList<string> Names { get; } = [LearningCurveGoal, LearningCurveOverall, Rounds, FilteredShare, Histograms];

    private const string FontName = "DejaVu Sans";
    private const string AllColor = "#2563eb";
    private const string HardColor = "#ea580c";
    private const string KeptColor = "#16a34a";
    private const string BinColor = "#64748b";
    private const string MeanColor = "#dc2626";

    /// <summary>The id of the chart's <c>svg</c> element: <c>chart-{name}</c>.</summary>
    public static string IdOf(string name) => "chart-" + name;

    /// <summary>The chart as an <c>svg</c> element (no XML declaration), or null when <paramref name="name"/> is not
    /// one of <see cref="Names"/>. A chart with nothing to draw yet says so in the image.</summary>
    public static string? Render(CampaignReportData report, string name)
    {
        ArgumentNullException.ThrowIfNull(report);
        return name switch
        {
            LearningCurveGoal => LearningCurve(report, name, "goal", "GOAL", "GOAL per policy (0..10)", s => s.Goal),
            LearningCurveOverall => LearningCurve(report, name, "overall", "overall", "Overall per policy (mean of the 7 dimensions)", s => s.Overall),
            Rounds => RoundsChart(report),
            FilteredShare => FilteredShareChart(report),
            Histograms => HistogramsChart(report),
            _ => null,
        };
    }

    private static string LearningCurve(CampaignReportData report, string name, string metric, string label, string title, Func<ScoreBreakdown, Estimate> select)
    {
        var series = report.Sets.Select(set => new PointSeries(
            set.Name,
            set.Name == ReportSets.All ? AllColor : HardColor,
            [.. report.Policies.Select(p => report.ScoresFor(p, set.Name) is { Scores.N: > 0 } row
                ? new SeriesPoint(select(row.Scores).Mean, select(row.Scores).Ci95, p.IsTrainedPolicy,
                    ReportText.Tooltip(p, set.Name, select(row.Scores), label), [new("policy", p.Label), new("n", Int(row.Scores.N))])
                : null)])).ToList();
        return PointChart(name, "chart point-chart learning-curve", title, label, [.. report.Policies.Select(p => p.Display)], series,
            [new("chart", name), new("metric", metric)], "no evaluated policy yet");
    }

    private static string RoundsChart(CampaignReportData report)
    {
        List<PointSeries> series =
        [
            new("played (both seats)", AllColor, [.. report.Rounds.Select(r => r.Scores.N == 0 ? null : new SeriesPoint(
                r.Scores.Goal.Mean, r.Scores.Goal.Ci95, true, $"{r.Label} · played GOAL: {ReportFormat.MeanCi(r.Scores.Goal)} (n = {r.Scores.N})",
                [new("round", r.Label), new("n", Int(r.Scores.N))]))]),
            new("kept by the filter", KeptColor, [.. report.Rounds.Select(r => r.KeptGoal is not { } g ? null : new SeriesPoint(
                g, null, true, $"{r.Label} · kept GOAL: {ReportFormat.F(g)} ({r.Kept} kept)", [new("round", r.Label), new("n", Int(r.Kept ?? 0))]))]),
        ];
        return PointChart(Rounds, "chart point-chart rounds", "GOAL of played and kept trajectories per round", "GOAL",
            [.. report.Rounds.Select(r => r.Label)], series, [new("chart", Rounds)], "no training round yet");
    }

    /// <summary>Means with 95% CI error bars per category, one colour per series; connected points are joined by a
    /// line, the others (the expert) are hollow markers with a dashed reference line across the chart.</summary>
    private static string PointChart(
        string name, string cssClass, string title, string yLabel, IReadOnlyList<string> categories, IReadOnlyList<PointSeries> series,
        IReadOnlyList<KeyValuePair<string, string>> data, string empty)
    {
        const int width = 560, height = 340;
        var plot = NewPlot(title);
        plot.YLabel(yLabel);
        var drawn = new List<(Coordinates At, SeriesPoint Point, string Series)>();
        for (var s = 0; s < series.Count; s++)
        {
            var current = series[s];
            var color = Color.FromHex(current.Color);
            var offset = (s - ((series.Count - 1) / 2.0)) * 0.08;
            var points = current.Points
                .Select((p, i) => (Point: p, X: i + offset))
                .Where(p => p.Point is not null)
                .Select(p => (Point: p.Point!, p.X))
                .ToList();
            var legend = current.Name;
            var joined = points.Where(p => p.Point.Connected).ToList();
            if (joined.Count > 0)
            {
                var line = plot.Add.Scatter(joined.Select(p => p.X).ToArray(), joined.Select(p => p.Point.Mean).ToArray(), color);
                line.MarkerShape = MarkerShape.FilledCircle;
                line.MarkerSize = 9;
                line.LineWidth = 1.5f;
                line.LegendText = legend;
                legend = "";
            }
            foreach (var (point, x) in points.Where(p => !p.Point.Connected))
            {
                plot.Add.HorizontalLine(point.Mean, 1, color.WithAlpha(0.45), LinePattern.Dashed);
                var reference = plot.Add.Scatter(new[] { x }, new[] { point.Mean }, color);
                reference.LineWidth = 0;
                reference.MarkerShape = MarkerShape.OpenCircle;
                reference.MarkerSize = 11;
                reference.MarkerLineWidth = 2;
                reference.LegendText = legend;
                legend = "";
            }
            var withCi = points.Where(p => p.Point.Ci95 is > 0).ToList();
            if (withCi.Count > 0)
            {
                var bars = plot.Add.ErrorBar(
                    [.. withCi.Select(p => p.X)], [.. withCi.Select(p => p.Point.Mean)], [.. withCi.Select(p => p.Point.Ci95!.Value)]);
                bars.Color = color;
                bars.LineWidth = 1.5f;
            }
            drawn.AddRange(points.Select(p => (new Coordinates(p.X, p.Point.Mean), p.Point, current.Name)));
        }
        if (drawn.Count == 0)
        {
            plot.Add.Annotation(empty, Alignment.MiddleCenter);
        }
        else
        {
            plot.ShowLegend(Edge.Bottom);
        }
        plot.Axes.AutoScale();
        Categories(plot, categories, width);
        return SvgChart.Render(IdOf(name), cssClass, title, width, height, [(plot, new PixelRect(0, width, height, 0))], data,
            () => drawn.Select(d => ChartMark.Point(
                plot.GetPixel(d.At),
                "point",
                [new("series", d.Series), new("mean", d.Point.Mean.ToString("0.####", CultureInfo.InvariantCulture)), .. d.Point.Data],
                d.Point.Tooltip)));
    }

    private static string FilteredShareChart(CampaignReportData report)
    {
        const int width = 420, height = 270;
        const string title = "Filtered share per round";
        var plot = NewPlot(title);
        plot.YLabel("kept / scored seats");
        var color = Color.FromHex(KeptColor);
        var bars = report.Rounds
            .Select((r, i) => (Round: r, Index: i))
            .Where(x => x.Round.KeptShare is not null)
            .Select(x => (x.Round, Bar: new Bar
            {
                Position = x.Index,
                Value = x.Round.KeptShare!.Value,
                Size = 0.6,
                FillColor = color,
                LineColor = color,
                LineWidth = 1,
                Label = ReportFormat.Percent(x.Round.KeptShare),
            }))
            .ToList();
        if (bars.Count == 0)
        {
            plot.Add.Annotation("nothing filtered yet", Alignment.MiddleCenter);
        }
        else
        {
            var plottable = plot.Add.Bars(bars.Select(b => b.Bar).ToList());
            plottable.ValueLabelStyle.FontSize = 10;
        }
        plot.Axes.Left.TickGenerator = new NumericAutomatic { LabelFormatter = v => ReportFormat.Percent(v) };
        plot.Axes.AutoScale();
        plot.Axes.SetLimitsY(0, Math.Max(0.1, bars.Count == 0 ? 1 : bars.Max(b => b.Bar.Value) * 1.2));
        Categories(plot, [.. report.Rounds.Select(r => r.Label)], width);
        return SvgChart.Render(IdOf(FilteredShare), "chart bar-chart filtered-share", title, width, height, [(plot, new PixelRect(0, width, height, 0))],
            [new("chart", FilteredShare)],
            () => bars.Select(b => BarMark(plot, b.Bar, "bar",
                [new("round", b.Round.Label), new("value", b.Bar.Value.ToString("0.####", CultureInfo.InvariantCulture))],
                $"{b.Round.Label}: {ReportFormat.Percent(b.Bar.Value)} of {b.Round.Scores.N} scored seats kept")));
    }

    /// <summary>One figure: a row per group (each training round, then each policy's evaluation seats) with its
    /// name and n, then one histogram per dimension (bars per integer score, the mean as a red line).</summary>
    private static string HistogramsChart(CampaignReportData report)
    {
        const int labelWidth = 130, cellWidth = 124, cellHeight = 86;
        const string title = "Score distributions per dimension";
        var groups = report.HistogramGroups.ToList();
        var width = labelWidth + (DimensionInfo.Count * cellWidth);
        var height = Math.Max(1, groups.Count) * cellHeight;
        var panels = new List<(Plot Plot, PixelRect Rect)>();
        var bins = new List<(Plot Plot, Bar Bar, ScoreHistogram Histogram, int Score)>();
        if (groups.Count == 0)
        {
            var empty = NewPlot("");
            empty.Layout.Frameless();
            empty.Axes.Frameless();
            empty.HideGrid();
            empty.Add.Annotation("no judged episodes yet", Alignment.MiddleCenter);
            panels.Add((empty, new PixelRect(0, width, height, 0)));
        }
        for (var row = 0; row < groups.Count; row++)
        {
            var histograms = report.Histograms.Where(h => h.Group == groups[row]).ToList();
            float top = row * cellHeight, bottom = (row + 1) * cellHeight;
            var label = NewPlot("");
            label.Layout.Frameless();
            label.Axes.Frameless();
            label.HideGrid();
            var text = label.Add.Text($"{groups[row]}\nn = {histograms[0].N}", 0.02, 0.5);
            text.LabelAlignment = Alignment.MiddleLeft;
            text.LabelFontSize = 12;
            label.Axes.SetLimits(0, 1, 0, 1);
            panels.Add((label, new PixelRect(0, labelWidth, bottom, top)));
            for (var d = 0; d < histograms.Count; d++)
            {
                var histogram = histograms[d];
                var info = histogram.Dimension;
                var plot = NewPlot(row == 0 ? $"{info.Abbreviation} {info.Min}..{info.Max}" : "");
                plot.Axes.Title.Label.FontSize = 11;
                plot.Layout.Fixed(new PixelPadding(6, 6, 18, 20));
                plot.HideGrid();
                plot.Axes.Left.IsVisible = false;
                plot.Axes.Right.IsVisible = false;
                plot.Axes.Top.IsVisible = false;
                var color = Color.FromHex(BinColor);
                var drawn = histogram.Counts.Select((count, i) => new Bar
                {
                    Position = info.Min + i,
                    Value = count,
                    Size = 0.8,
                    FillColor = color,
                    LineColor = color,
                    LineWidth = 1,
                }).ToList();
                plot.Add.Bars(drawn);
                if (histogram.N > 0)
                {
                    plot.Add.VerticalLine(histogram.Mean, 1.5f, Color.FromHex(MeanColor));
                }
                else
                {
                    plot.Add.Annotation("no scores", Alignment.MiddleCenter).LabelFontSize = 10;
                }
                plot.Axes.Bottom.SetTicks([info.Min, info.Max], [Int(info.Min), Int(info.Max)]);
                plot.Axes.Bottom.TickLabelStyle.FontSize = 9;
                plot.Axes.SetLimits(info.Min - 0.6, info.Max + 0.6, 0, Math.Max(1, histogram.Counts.Max()) * 1.1);
                panels.Add((plot, new PixelRect(labelWidth + (d * cellWidth), labelWidth + ((d + 1) * cellWidth), bottom, top)));
                bins.AddRange(drawn.Select((bar, i) => (plot, bar, histogram, info.Min + i)));
            }
        }
        return SvgChart.Render(IdOf(Histograms), "chart histograms", title, width, height, panels, [new("chart", Histograms)],
            () => bins.Select(b => BarMark(b.Plot, b.Bar, "bin",
                [new("group", b.Histogram.Group), new("dimension", b.Histogram.Dimension.Key), new("score", Int(b.Score)), new("count", Int(b.Histogram.CountOf(b.Score)))],
                $"{b.Histogram.Group} · {b.Histogram.Dimension.Abbreviation} = {b.Score}: {b.Histogram.CountOf(b.Score)}"
                    + (b.Histogram.N > 0 ? $" ({ReportFormat.Percent(b.Histogram.CountOf(b.Score) / (double)b.Histogram.N)}); mean {ReportFormat.F(b.Histogram.Mean)}, n = {b.Histogram.N}" : ""))));
    }

    private static Plot NewPlot(string title)
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        if (title.Length > 0)
        {
            plot.Title(title, size: 13);
        }
        return plot;
    }

    /// <summary>Category labels under integer positions 0..n−1, slanted when they would not fit side by side.</summary>
    private static void Categories(Plot plot, IReadOnlyList<string> categories, int width)
    {
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, categories.Count).Select(i => (double)i)], [.. categories]);
        plot.Axes.SetLimitsX(-0.5, Math.Max(1, categories.Count) - 0.5);
        if (categories.Count > 0 && categories.Max(c => c.Length) * 7.0 > (width - 80.0) / categories.Count)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = -30;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        }
    }

    private static ChartMark BarMark(Plot plot, Bar bar, string cssClass, IReadOnlyList<KeyValuePair<string, string>> data, string title) =>
        ChartMark.Bar(plot.GetPixel(new Coordinates(bar.Rect.Left, bar.Rect.Top)), plot.GetPixel(new Coordinates(bar.Rect.Right, bar.Rect.Bottom)), cssClass, data, title);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A named, coloured series of a point chart, aligned with the chart's categories (null: no value).</summary>
    private sealed record PointSeries(string Name, string Color, IReadOnlyList<SeriesPoint?> Points);

    /// <summary>A mean with an optional 95% CI half-width; <see cref="Connected"/> points are joined by a line.</summary>
    private sealed record SeriesPoint(double Mean, double? Ci95, bool Connected, string Tooltip, IReadOnlyList<KeyValuePair<string, string>> Data);
}
