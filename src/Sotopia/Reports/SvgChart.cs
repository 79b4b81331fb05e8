using System.Globalization;
using System.Text;
using System.Xml.Linq;
using ScottPlot;
using SkiaSharp;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>Renders ScottPlot plots to one SVG image with SkiaSharp's SVG canvas, then makes the markup fit for
/// being placed inline in a page (the report's HTML, the dashboard). That last step is written here because
/// neither library does it: ScottPlot's SVG has no <c>viewBox</c>, no id, title or description of ours, numbers its
/// clip paths <c>cl_1</c>, <c>cl_2</c>… in every chart (two inline charts would clip each other), and tells nothing
/// about which shape is which data point — so each mark the chart asked for (<see cref="ChartMark"/>) is found by
/// where ScottPlot drew it and gets a class, <c>data-*</c> attributes and a tooltip.</summary>
internal static class SvgChart
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>Tolerance, in pixels, between where ScottPlot says it drew a mark and the SVG's rounded numbers.</summary>
    private const float Tolerance = 0.05f;

    /// <param name="panels">Plots and where each goes in the figure (one plot filling it, or a grid).</param>
    /// <param name="marks">The marks to annotate, computed once the plots are rendered (pixel positions are known
    /// only then).</param>
    public static string Render(
        string id, string cssClass, string title, int width, int height,
        IReadOnlyList<(Plot Plot, PixelRect Rect)> panels,
        IReadOnlyList<KeyValuePair<string, string>> data,
        Func<IEnumerable<ChartMark>> marks)
    {
        using var stream = new MemoryStream();
        using (var canvas = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream))
        {
            canvas.Clear(SKColors.White);
            foreach (var (plot, rect) in panels)
            {
                plot.RenderManager.ClearCanvasBeforeEachRender = false;
                plot.Render(canvas, rect);
            }
        }
        var root = XDocument.Parse(Encoding.UTF8.GetString(stream.ToArray())).Root!;
        Finish(root, id, cssClass, title, width, height, data);
        var shapes = root.Descendants().Where(e => e.Name == Svg + "ellipse" || e.Name == Svg + "rect").Select(Shape.Of).ToList();
        foreach (var mark in marks())
        {
            Annotate(shapes, mark);
        }
        return root.ToString(SaveOptions.DisableFormatting);
    }

    private static void Finish(XElement root, string id, string cssClass, string title, int width, int height, IReadOnlyList<KeyValuePair<string, string>> data)
    {
        var prefix = id + "-";
        foreach (var element in root.Descendants())
        {
            if (element.Attribute("id") is { } own)
            {
                own.Value = prefix + own.Value;
            }
            foreach (var attribute in element.Attributes())
            {
                if (attribute.Value.Contains("url(#", StringComparison.Ordinal))
                {
                    attribute.Value = attribute.Value.Replace("url(#", "url(#" + prefix, StringComparison.Ordinal);
                }
                else if (attribute.Name.LocalName == "href" && attribute.Value.StartsWith('#'))
                {
                    attribute.Value = "#" + prefix + attribute.Value[1..];
                }
                else if (attribute.Name.LocalName == "font-family" && !attribute.Value.Contains("sans-serif", StringComparison.Ordinal))
                {
                    // The server measured the text with this font; a browser without it still gets a sans-serif.
                    attribute.Value += ", sans-serif";
                }
            }
        }
        root.SetAttributeValue("id", id);
        root.SetAttributeValue("class", cssClass);
        root.SetAttributeValue("viewBox", string.Create(CultureInfo.InvariantCulture, $"0 0 {width} {height}"));
        root.SetAttributeValue("role", "img");
        root.SetAttributeValue("aria-labelledby", id + "-title");
        foreach (var (name, value) in data)
        {
            root.SetAttributeValue("data-" + name, value);
        }
        root.AddFirst(new XElement(Svg + "title", new XAttribute("id", id + "-title"), title));
    }

    /// <summary>Gives the first shape of the mark's kind drawn at the mark's place (and not yet annotated) the mark's
    /// class, data and tooltip. A mark ScottPlot did not draw stays unannotated, so tests that count marks see it.</summary>
    private static void Annotate(List<Shape> shapes, ChartMark mark)
    {
        var index = shapes.FindIndex(s => s.Element.Name.LocalName == mark.Element && s.At(mark.Area));
        if (index < 0)
        {
            return;
        }
        var shape = shapes[index].Element;
        shapes.RemoveAt(index);
        shape.SetAttributeValue("class", mark.CssClass);
        foreach (var (name, value) in mark.Data)
        {
            shape.SetAttributeValue("data-" + name, value);
        }
        shape.Add(new XElement(Svg + "title", mark.Title));
    }

    /// <summary>An <c>ellipse</c> (centre) or <c>rect</c> (corner and size) with its numbers read once.</summary>
    private readonly record struct Shape(XElement Element, double X, double Y, double Width, double Height)
    {
        public static Shape Of(XElement e) => e.Name.LocalName == "ellipse"
            ? new(e, Number(e, "cx"), Number(e, "cy"), 0, 0)
            : new(e, Number(e, "x"), Number(e, "y"), Number(e, "width"), Number(e, "height"));

        public bool At(PixelRect area) => Element.Name.LocalName == "ellipse"
            ? Near(X, area.HorizontalCenter) && Near(Y, area.VerticalCenter)
            : Near(X, area.Left) && Near(Y, area.Top) && Near(Width, area.Width) && Near(Height, area.Height);
    }

    private static bool Near(double a, double b) => Math.Abs(a - b) <= Tolerance;

    private static double Number(XElement shape, string attribute) =>
        shape.Attribute(attribute) is { } a && double.TryParse(a.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0;
}
