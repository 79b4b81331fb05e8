namespace SotopiaPi.Sotopia.Episodes;

/// <summary>The context of an interaction as one viewer sees it (SOTOPIA's <c>ScriptBackground</c>): the
/// scenario, both names in seat order, and each seat's background and goal as visible to the viewer
/// (<c>Unknown</c> where hidden, empty backgrounds in "lite" mode). Values are already rendered and trimmed;
/// they may contain line breaks.</summary>
public sealed record InteractionContext(
    string Scenario,
    string Name1,
    string Name2,
    string Background1,
    string Background2,
    string Goal1,
    string Goal2)
{
    /// <summary>The first line of every context block.</summary>
    public const string Header = "Here is the context of this interaction:";

    /// <summary>The logical lines of the block, in SOTOPIA's layout: header, <c>Scenario: …</c>,
    /// <c>Participants: A and B</c>, <c>A's background: …</c>, <c>B's background: …</c> (both omitted when both
    /// backgrounds are empty), <c>A's goal: …</c>, <c>B's goal: …</c>. A line may contain line breaks of its value.</summary>
    public IReadOnlyList<string> Lines()
    {
        var lines = new List<string>(7)
        {
            Header,
            $"Scenario: {Scenario}",
            $"Participants: {Name1} and {Name2}",
        };
        if (Background1.Length > 0 || Background2.Length > 0)
        {
            lines.Add($"{Name1}'s background: {Background1}");
            lines.Add($"{Name2}'s background: {Background2}");
        }
        lines.Add($"{Name1}'s goal: {Goal1}");
        lines.Add($"{Name2}'s goal: {Goal2}");
        return lines;
    }

    /// <summary>The block as text, lines joined with <c>\n</c> (no trailing line break).</summary>
    public string ToText() => string.Join('\n', Lines());
}
