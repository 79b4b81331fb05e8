using System.Text;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Episodes;

/// <summary>Renders played turns for agents (observation history) and for the judge (transcript), as SOTOPIA
/// does (reference §b "What an agent sees", §c "How the judge is called").</summary>
public static class HistoryRenderer
{
    /// <summary>An agent's observation line for one step: <c>Turn #k: &lt;Name&gt; &lt;rendering&gt;</c>, or
    /// <c>Turn #k: </c> with nothing after the colon when the acting seat did <c>none</c>. Both seats see the
    /// same line, so an agent's own actions are in its history too.</summary>
    public static string AgentLine(EpisodeSetup setup, Turn turn)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(turn);
        return AgentLine(turn, turn.Action.Type == ActionType.None ? "" : setup.Agent(turn.Seat).FullName);
    }

    private static string AgentLine(Turn turn, string name)
    {
        var prefix = TurnPrefix(turn.Number);
        return turn.Action.Type == ActionType.None ? prefix : ActionRenderer.Line(prefix, name, turn.Action);
    }

    /// <summary>What every agent history line starts with, before its step number.</summary>
    internal const string LinePrefix = "Turn #";

    /// <summary>The prefix of an agent history line: <c>Turn #k: </c>.</summary>
    public static string TurnPrefix(int turnNumber) => $"{LinePrefix}{turnNumber}: ";

    /// <summary>One <see cref="AgentLine"/> per step, oldest first.</summary>
    public static IReadOnlyList<string> AgentLines(EpisodeSetup setup, IReadOnlyList<Turn> turns)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(turns);
        // Each agent's name once, not once per line: every turn renders the whole history again.
        string[] names = [setup.Agent(0).FullName, setup.Agent(1).FullName];
        var lines = new string[turns.Count];
        for (var i = 0; i < lines.Length; i++)
        {
            var turn = turns[i];
            ArgumentNullException.ThrowIfNull(turn);
            lines[i] = AgentLine(turn, names[turn.Seat]);
        }
        return lines;
    }

    /// <summary>The judge's transcript: the environment-view context block (both full backgrounds with secrets,
    /// both goals), then per step a <c>Turn #k</c> line followed by <c>&lt;Name&gt; &lt;rendering&gt;</c> unless
    /// the acting seat did nothing (all <c>did nothing</c> lines are removed, as in the original).</summary>
    /// <remarks>Step numbers are those of the original environment inbox, which counts steps from 1: the step an
    /// agent saw as <c>Turn #0</c> is <c>Turn #1</c> here (so #1..#21 for a full-length episode). Arguments are
    /// written verbatim.</remarks>
    public static string JudgeTranscript(EpisodeSetup setup, IReadOnlyList<Turn> turns)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(turns);
        var text = new StringBuilder(ContextRenderer.ForEnvironment(setup).ToText());
        foreach (var turn in turns)
        {
            text.Append('\n').Append("Turn #").Append(turn.Number + 1);
            if (turn.Action.Type != ActionType.None)
            {
                text.Append('\n').Append(ActionRenderer.Line(setup.Agent(turn.Seat).FullName, turn.Action));
            }
        }
        return text.ToString();
    }
}
