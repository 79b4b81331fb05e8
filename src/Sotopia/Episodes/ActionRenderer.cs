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

    /// <summary><c>did nothing</c> · <c>said: "…"</c> · <c>[non-verbal communication] …</c> · <c>[action] …</c> ·
    /// <c>left the conversation</c>. Arguments are used verbatim (no escaping, as in the original).</summary>
    public static string Render(AgentAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return action.Type switch
        {
            ActionType.None => DidNothing,
            ActionType.Speak => $"{SaidPrefix}{action.Argument}\"",
            ActionType.NonVerbalCommunication or ActionType.Action => $"{BracketPrefix(action.Type)}{action.Argument}",
            ActionType.Leave => LeftTheConversation,
            _ => throw new ArgumentOutOfRangeException(nameof(action), action.Type, "Unknown action type."),
        };
    }

    /// <summary>A transcript line: <c>"&lt;name&gt; " + rendering</c>, e.g. <c>Mia Davis said: "Hi"</c>.</summary>
    public static string Line(string name, AgentAction action) => $"{name} {Render(action)}";

    /// <summary>The <c>[type] </c> prefix of the two bracketed renderings (non-verbal communication, action).</summary>
    public static string BracketPrefix(ActionType type) => type is ActionType.NonVerbalCommunication or ActionType.Action
        ? $"[{type.ToWire()}] "
        : throw new ArgumentOutOfRangeException(nameof(type), type, "Only non-verbal communication and action render with a bracket prefix.");
}
