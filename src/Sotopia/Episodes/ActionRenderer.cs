using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Episodes;

/// <summary>SOTOPIA's natural-language rendering of an action, used in every history and transcript
/// (reference §b, "Action space").</summary>
public static class ActionRenderer
{
    /// <summary>What a none action renders to; the judge transcript drops lines containing it.</summary>
    public const string DidNothing = "did nothing";

    /// <summary>What a leave action renders to.</summary>
    public const string LeftTheConversation = "left the conversation";

    /// <summary>The prefix of a speak rendering (the argument follows in double quotes).</summary>
    public const string SaidPrefix = "said: \"";

    // Built once from the wire names (a history line is rendered again on every later turn of its episode).
    private static readonly string NonVerbalPrefix = $"[{ActionType.NonVerbalCommunication.ToWire()}] ";
    private static readonly string ActionPrefix = $"[{ActionType.Action.ToWire()}] ";

    /// <summary><c>did nothing</c> · <c>said: "…"</c> · <c>[non-verbal communication] …</c> · <c>[action] …</c> ·
    /// <c>left the conversation</c>. Arguments are used verbatim (no escaping, as in the original).</summary>
    public static string Render(AgentAction action)
    {
        var (before, argument, after) = Parts(action);
        return string.Concat(before, argument, after);
    }

    /// <summary>A transcript line: <c>"&lt;name&gt; " + rendering</c>, e.g. <c>Mia Davis said: "Hi"</c>.</summary>
    public static string Line(string name, AgentAction action) => Line("", name, action);

    /// <summary><paramref name="prefix"/> + <see cref="Line(string, AgentAction)"/>, built as one string (a history line is
    /// rendered again on every later turn of its episode).</summary>
    public static string Line(string prefix, string name, AgentAction action)
    {
        var (before, argument, after) = Parts(action);
        return string.Concat([prefix, name, " ", before, argument, after]);
    }

    /// <summary>The <c>[type] </c> prefix of the two bracketed renderings (non-verbal communication, action).</summary>
    public static string BracketPrefix(ActionType type) => type switch
    {
        ActionType.NonVerbalCommunication => NonVerbalPrefix,
        ActionType.Action => ActionPrefix,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Only non-verbal communication and action render with a bracket prefix."),
    };

    /// <summary>A rendering is the text before the argument, the argument (or nothing) and the text after it.</summary>
    private static (string Before, string Argument, string After) Parts(AgentAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return action.Type switch
        {
            ActionType.None => (DidNothing, "", ""),
            ActionType.Speak => (SaidPrefix, action.Argument, "\""),
            ActionType.NonVerbalCommunication or ActionType.Action => (BracketPrefix(action.Type), action.Argument, ""),
            ActionType.Leave => (LeftTheConversation, "", ""),
            _ => throw new ArgumentOutOfRangeException(nameof(action), action.Type, "Unknown action type."),
        };
    }
}
