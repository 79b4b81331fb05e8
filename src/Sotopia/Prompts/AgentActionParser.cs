using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Prompts;

/// <summary>Reads an agent's answer, <c>{"action_type": "…", "argument": "…"}</c>, into an <see cref="AgentAction"/>.</summary>
/// <remarks>Tolerates code fences and text around the object, keys in any order (and in any letter case), and any
/// letter case and surrounding spaces in the action type. Rejects unknown action types, a missing action type, and a
/// missing or non-string argument for speak, non-verbal communication and action. For none and leave the argument
/// may be missing or null (it becomes empty); a given string is kept.</remarks>
public static class AgentActionParser
{
    public static bool TryParse(string text, [NotNullWhen(true)] out AgentAction? action, [NotNullWhen(false)] out string? error)
    {
        action = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the answer is empty";
            return false;
        }
        if (!JsonObjects.TryFindWithKey(text, "action_type", out var obj, out error))
        {
            return false;
        }
        JsonObjects.TryGetProperty(obj, "action_type", out var typeElement);
        if (typeElement.ValueKind != JsonValueKind.String)
        {
            error = $"\"action_type\" must be a string, got {typeElement.ValueKind.ToString().ToLowerInvariant()}";
            return false;
        }
        var wire = typeElement.GetString();
        if (!ActionTypes.TryParse(wire, out var type))
        {
            error = $"unknown action_type \"{wire}\"; expected one of: {string.Join(", ", Enum.GetValues<ActionType>().Select(t => t.ToWire()))}";
            return false;
        }
        var hasArgument = JsonObjects.TryGetProperty(obj, "argument", out var argumentElement)
            && argumentElement.ValueKind != JsonValueKind.Null;
        var argumentOptional = type is ActionType.None or ActionType.Leave;
        if (!hasArgument)
        {
            if (!argumentOptional)
            {
                error = $"\"argument\" is missing; it is required for action_type \"{type.Value.ToWire()}\"";
                return false;
            }
            action = new AgentAction(type.Value, "");
            error = null;
            return true;
        }
        if (argumentElement.ValueKind != JsonValueKind.String)
        {
            error = $"\"argument\" must be a string, got {argumentElement.ValueKind.ToString().ToLowerInvariant()}";
            return false;
        }
        action = new AgentAction(type.Value, argumentElement.GetString()!);
        error = null;
        return true;
    }
}
