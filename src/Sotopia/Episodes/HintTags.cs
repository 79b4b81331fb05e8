using System.Text.RegularExpressions;

namespace SotopiaPi.Sotopia.Episodes;

/// <summary>Renders the markup that scenario and goal texts may carry (reference §a, §b "Episode setup" 5).</summary>
/// <remarks>
/// <para>The hint tags <c>&lt;extra_info&gt;</c>, <c>&lt;strategy_hint&gt;</c> and <c>&lt;clarification_hint&gt;</c>
/// are visible to everyone: their inner text is kept and the markup dropped (the data puts words such as
/// "Extra information:" inside the tags itself).</para>
/// <para>Visibility blocks <c>&lt;p viewer="…"&gt;…&lt;/p&gt;</c> (some original scenarios hide a fact from both
/// agents with <c>viewer="environment"</c>) keep their text only for the environment view and for the agent they
/// name (<c>agent_0</c> / <c>agent_1</c>, i.e. seat 0 / seat 1).</para>
/// <para>Any other angle-bracket text is left as it is (unlike the original XML renderer, which would silently drop
/// unknown elements for agents).</para>
/// </remarks>
public static partial class HintTags
{
    /// <summary>The tags whose inner text is always shown.</summary>
    public static IReadOnlyList<string> Tags { get; } = ["extra_info", "strategy_hint", "clarification_hint"];

    /// <summary>The environment/judge view: hint tags and visibility blocks rendered, all text kept.</summary>
    public static string Render(string text) => Render(text, seat: null);

    /// <summary>The view of the agent in <paramref name="seat"/>: hint tags rendered, visibility blocks meant for
    /// others removed with their text.</summary>
    public static string RenderFor(string text, int seat)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seat);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(seat, 1);
        return Render(text, seat);
    }

    private static string Render(string text, int? seat)
    {
        ArgumentNullException.ThrowIfNull(text);
        var withoutBlocks = VisibilityBlock().Replace(text, m =>
        {
            var viewer = m.Groups["viewer"].Value;
            var visible = seat is null || viewer == $"agent_{seat}";
            return visible ? m.Groups["inner"].Value : "";
        });
        return HintTag().Replace(withoutBlocks, "");
    }

    [GeneratedRegex("""<p\s+viewer\s*=\s*["'](?<viewer>[^"']*)["']\s*>(?<inner>.*?)</p>""", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex VisibilityBlock();

    [GeneratedRegex("</?(?:extra_info|strategy_hint|clarification_hint)\\s*>", RegexOptions.CultureInvariant)]
    private static partial Regex HintTag();
}
