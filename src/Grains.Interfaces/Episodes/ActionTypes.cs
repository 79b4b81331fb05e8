using System.Diagnostics.CodeAnalysis;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>The wire names of <see cref="ActionType"/> exactly as SOTOPIA writes them.</summary>
public static class ActionTypes
{
    /// <summary>The order the original prompt lists the available action types in.</summary>
    public static IReadOnlyList<ActionType> PromptOrder { get; } =
        [ActionType.None, ActionType.Action, ActionType.Speak, ActionType.NonVerbalCommunication, ActionType.Leave];

    public static string ToWire(this ActionType type) => type switch
    {
        ActionType.None => "none",
        ActionType.Speak => "speak",
        ActionType.NonVerbalCommunication => "non-verbal communication",
        ActionType.Action => "action",
        ActionType.Leave => "leave",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown action type."),
    };

    /// <summary>Parses a wire name (case-insensitive, surrounding space ignored). Unknown names fail.</summary>
    public static bool TryParse(string? wire, [NotNullWhen(true)] out ActionType? type)
    {
        type = wire?.Trim().ToLowerInvariant() switch
        {
            "none" => ActionType.None,
            "speak" => ActionType.Speak,
            "non-verbal communication" => ActionType.NonVerbalCommunication,
            "action" => ActionType.Action,
            "leave" => ActionType.Leave,
            _ => null,
        };
        return type is not null;
    }
}
