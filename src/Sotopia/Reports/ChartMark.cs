using ScottPlot;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>A data mark ScottPlot drew — a marker (an SVG <c>ellipse</c> centred on <see cref="Area"/>'s centre) or
/// a bar (an SVG <c>rect</c> covering <see cref="Area"/>) — and what to tell about it: a CSS class, <c>data-*</c>
/// attributes and a hover title.</summary>
/// <param name="Element">"ellipse" or "rect".</param>
/// <param name="Area">Where it was drawn, in pixels of the figure.</param>
/// <param name="CssClass">"point", "bar" or "bin".</param>
/// <param name="Data">Attribute name (without <c>data-</c>) → value.</param>
/// <param name="Title">The tooltip.</param>
internal sealed record ChartMark(string Element, PixelRect Area, string CssClass, IReadOnlyList<KeyValuePair<string, string>> Data, string Title)
{
    public static ChartMark Point(Pixel center, string cssClass, IReadOnlyList<KeyValuePair<string, string>> data, string title) =>
        new("ellipse", new PixelRect(center.X, center.X, center.Y, center.Y), cssClass, data, title);

    public static ChartMark Bar(Pixel corner, Pixel opposite, string cssClass, IReadOnlyList<KeyValuePair<string, string>> data, string title) =>
        new("rect", new PixelRect(Math.Min(corner.X, opposite.X), Math.Max(corner.X, opposite.X), Math.Max(corner.Y, opposite.Y), Math.Min(corner.Y, opposite.Y)),
            cssClass, data, title);
}
