namespace SotopiaPi.Sotopia.Prompts;

/// <summary>The line discipline of agent prompts: a prompt is a sequence of logical lines; a line break inside a
/// value (a scenario, a goal, an utterance…) is written as a line break followed by <see cref="Indent"/>, so every
/// physical line that starts with the indent continues the line before it. This keeps prompts readable and lets
/// <see cref="AgentPromptReader"/> read any value back exactly, whatever text it contains.</summary>
internal static class PromptLines
{
    public const string Indent = "  ";

    public static string Encode(string logicalLine) => logicalLine.Replace("\n", "\n" + Indent, StringComparison.Ordinal);

    public static List<string> Decode(string text)
    {
        var lines = new List<string>();
        foreach (var physical in text.Split('\n'))
        {
            if (lines.Count > 0 && physical.StartsWith(Indent, StringComparison.Ordinal))
            {
                lines[^1] += "\n" + physical[Indent.Length..];
            }
            else
            {
                lines.Add(physical);
            }
        }
        return lines;
    }
}
