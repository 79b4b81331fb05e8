using System.Collections.Immutable;
using System.Globalization;
using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Prompts;

/// <summary>Reads a prompt rendered by <see cref="AgentPromptRenderer"/> back into its parts: the agent, the other
/// participant, the scenario, the agent's goal, the turn number and the history still in the prompt (after
/// truncation, only the lines kept; steps where the acting seat did nothing are not listed).</summary>
/// <remarks>Text before the instructions or after the turn line (a chat template's markers, for instance) is
/// ignored. Anything missing or unreadable raises a <see cref="FormatException"/> that names the part.</remarks>
public sealed class AgentPromptReader : IPromptReader
{
    private static readonly ActionType[] BracketTypes = [ActionType.NonVerbalCommunication, ActionType.Action];

    public static AgentPromptReader Instance { get; } = new();

    public ParsedPrompt Read(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var lines = PromptLines.Decode(prompt);

        var agentLine = -1;
        for (var i = 0; i < lines.Count && agentLine < 0; i++)
        {
            var candidate = lines[i];
            if (candidate.Contains(AgentPromptRenderer.AgentLinePrefix, StringComparison.Ordinal)
                && candidate.EndsWith(AgentPromptRenderer.AgentLineSuffix, StringComparison.Ordinal))
            {
                agentLine = i;
            }
        }
        if (agentLine < 0)
        {
            throw new FormatException($"Agent prompt has no line naming the agent ('{AgentPromptRenderer.AgentLinePrefix}… {AgentPromptRenderer.AgentLineSuffix.Trim()}').");
        }
        var line = lines[agentLine];
        var nameStart = line.IndexOf(AgentPromptRenderer.AgentLinePrefix, StringComparison.Ordinal) + AgentPromptRenderer.AgentLinePrefix.Length;
        var agentName = line[nameStart..^AgentPromptRenderer.AgentLineSuffix.Length].ToString();

        var contextStart = lines.IndexOf(InteractionContext.Header, agentLine);
        if (contextStart < 0)
        {
            throw new FormatException($"Agent prompt has no context block ('{InteractionContext.Header}').");
        }
        var historyStart = lines.IndexOf(AgentPromptRenderer.HistoryHeader, contextStart);
        if (historyStart < 0)
        {
            throw new FormatException($"Agent prompt has no history section ('{AgentPromptRenderer.HistoryHeader}').");
        }
        var context = (From: contextStart + 1, To: historyStart);
        var scenario = Value(lines, context, "Scenario: ", "scenario line ('Scenario: …')");
        var participants = Value(lines, context, "Participants: ", "participants line ('Participants: A and B')");
        var otherName = participants.StartsWith(agentName + " and ", StringComparison.Ordinal) ? participants[(agentName.Length + 5)..]
            : participants.EndsWith(" and " + agentName, StringComparison.Ordinal) ? participants[..^(agentName.Length + 5)]
            : throw new FormatException($"Agent prompt's participants line does not name the agent '{agentName}': '{participants}'.");
        var goal = Value(lines, context, $"{agentName}'s goal: ", $"goal line of the agent ('{agentName}'s goal: …')");

        var turnLine = -1;
        var turnNumber = 0;
        for (var i = lines.Count - 1; i > historyStart && turnLine < 0; i--)
        {
            if (TryReadTurnLine(lines[i], out turnNumber))
            {
                turnLine = i;
            }
        }
        if (turnLine < 0)
        {
            throw new FormatException($"Agent prompt has no turn line ('{AgentPromptRenderer.TurnLinePrefix}k.') after its history.");
        }

        var history = ImmutableArray.CreateBuilder<ParsedHistoryEntry>();
        var previous = -1;
        for (var i = historyStart + 1; i < turnLine; i++)
        {
            var entry = lines[i];
            if (!TryReadHistoryLine(entry, out var turn, out var content))
            {
                throw new FormatException($"Agent prompt's history has a line that is not 'Turn #k: …': '{Shorten(entry.ToString())}'.");
            }
            if (turn <= previous || turn >= turnNumber)
            {
                throw new FormatException($"Agent prompt's history line for turn {turn} is out of order (previous {previous}, current turn {turnNumber}).");
            }
            previous = turn;
            if (content.StartsWith(' '))
            {
                content = content[1..];
            }
            if (content.IsEmpty)
            {
                continue;
            }
            var parsed = ReadAction(content, agentName, otherName)
                ?? throw new FormatException($"Agent prompt's history line for turn {turn} names no participant with a known action: '{Shorten(content.ToString())}'.");
            if (parsed.Action.Type != ActionType.None)
            {
                history.Add(new ParsedHistoryEntry(turn, parsed.Speaker, parsed.Action));
            }
        }
        return new ParsedPrompt(agentName, otherName, scenario, goal, turnNumber, history.ToImmutable());
    }

    /// <summary><c>Turn #k:…</c>: the number k and what follows the colon (a view into <paramref name="line"/>, no copy:
    /// the history is read back on every turn).</summary>
    private static bool TryReadHistoryLine(ReadOnlySpan<char> line, out int turn, out ReadOnlySpan<char> content)
    {
        const string prefix = HistoryRenderer.LinePrefix;
        turn = 0;
        content = default;
        var colon = line.IndexOf(':');
        if (colon <= prefix.Length || !line.StartsWith(prefix, StringComparison.Ordinal) || !TryReadNumber(line[prefix.Length..colon], out turn))
        {
            return false;
        }
        content = line[(colon + 1)..];
        return true;
    }

    /// <summary><c>You are at Turn #k.</c> (anything may follow the period): the number k.</summary>
    private static bool TryReadTurnLine(ReadOnlySpan<char> line, out int turn)
    {
        turn = 0;
        if (!line.StartsWith(AgentPromptRenderer.TurnLinePrefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = line[AgentPromptRenderer.TurnLinePrefix.Length..];
        var period = rest.IndexOf('.');
        return period > 0 && TryReadNumber(rest[..period], out turn);
    }

    /// <summary>A non-empty run of ASCII digits that fits an <see cref="int"/>.</summary>
    private static bool TryReadNumber(ReadOnlySpan<char> digits, out int number)
    {
        number = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }
        return !digits.IsEmpty && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    /// <summary>Reads <c>&lt;Name&gt; &lt;rendering&gt;</c> for one of the two names (the longest that fits first).</summary>
    private static (string Speaker, AgentAction Action)? ReadAction(ReadOnlySpan<char> content, string agentName, string otherName)
    {
        // The longer name first, so that a name that is a prefix of the other never wins by accident.
        var (first, second) = agentName.Length >= otherName.Length ? (agentName, otherName) : (otherName, agentName);
        return ReadAs(content, first) ?? ReadAs(content, second);
    }

    private static (string Speaker, AgentAction Action)? ReadAs(ReadOnlySpan<char> content, string name)
    {
        if (content.Length > name.Length && content[name.Length] == ' ' && content.StartsWith(name, StringComparison.Ordinal)
            && ReadRendering(content[(name.Length + 1)..]) is { } action)
        {
            return (name, action);
        }
        return null;
    }

    /// <summary>The inverse of <see cref="ActionRenderer.Render"/>.</summary>
    private static AgentAction? ReadRendering(ReadOnlySpan<char> rendering)
    {
        if (rendering.SequenceEqual(ActionRenderer.DidNothing))
        {
            return AgentAction.None;
        }
        if (rendering.SequenceEqual(ActionRenderer.LeftTheConversation))
        {
            return AgentAction.Leave;
        }
        if (rendering.Length > ActionRenderer.SaidPrefix.Length && rendering.StartsWith(ActionRenderer.SaidPrefix, StringComparison.Ordinal) && rendering.EndsWith('"'))
        {
            return AgentAction.Speak(rendering[ActionRenderer.SaidPrefix.Length..^1].ToString());
        }
        foreach (var type in BracketTypes)
        {
            var prefix = ActionRenderer.BracketPrefix(type);
            if (rendering.StartsWith(prefix, StringComparison.Ordinal))
            {
                return new AgentAction(type, rendering[prefix.Length..].ToString());
            }
            if (rendering.SequenceEqual(prefix.AsSpan().TrimEnd()))
            {
                return new AgentAction(type, "");
            }
        }
        return null;
    }

    private static string Value(PromptLines.Lines lines, (int From, int To) range, string prefix, string what)
    {
        for (var i = range.From; i < range.To; i++)
        {
            if (lines[i].StartsWith(prefix, StringComparison.Ordinal))
            {
                return lines.ToString(i)[prefix.Length..];
            }
        }
        throw new FormatException($"Agent prompt's context block has no {what}.");
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
