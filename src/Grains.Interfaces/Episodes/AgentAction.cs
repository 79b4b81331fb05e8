namespace SotopiaPi.Grains.Interfaces;

/// <summary>What an agent did in one turn: the action type and its argument (the utterance for speak, the
/// gesture for non-verbal communication, the physical act for action, empty for none and leave).</summary>
[Immutable]
public sealed record AgentAction(ActionType Type, string Argument)
{
    public static AgentAction None { get; } = new(ActionType.None, "");
    public static AgentAction Leave { get; } = new(ActionType.Leave, "");

    public static AgentAction Speak(string text) => new(ActionType.Speak, text);
}
