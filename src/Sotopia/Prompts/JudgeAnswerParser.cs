using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Prompts;

/// <summary>Reads a judge's answer into an <see cref="EpisodeEvaluation"/>.</summary>
/// <remarks>Needs <c>agent_1_evaluation</c> and <c>agent_2_evaluation</c>, each with all 7 dimension keys, each value
/// either <c>[reasoning, score]</c> (the prompt's form) or <c>{"reasoning": …, "score": …}</c> (the structured-output
/// form). A score must be an integer: integer-valued numbers such as <c>7.0</c> and integer strings such as
/// <c>"7"</c> are accepted, <c>7.5</c> is not. Out-of-range scores are errors naming the agent, the dimension, the
/// value and the range — never clamped. Code fences and text around the object are tolerated; extra keys are
/// ignored.</remarks>
public static class JudgeAnswerParser
{
    private static readonly string[] AgentKeys = ["agent_1_evaluation", "agent_2_evaluation"];

    public static bool TryParse(string text, [NotNullWhen(true)] out EpisodeEvaluation? evaluation, [NotNullWhen(false)] out string? error, string judgeModel)
    {
        ArgumentNullException.ThrowIfNull(judgeModel);
        evaluation = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the answer is empty";
            return false;
        }
        if (!JsonObjects.TryFindWithKey(text, AgentKeys[0], out var root, out error))
        {
            return false;
        }
        var seats = new SeatEvaluation[2];
        for (var seat = 0; seat < 2; seat++)
        {
            var agentKey = AgentKeys[seat];
            if (!JsonObjects.TryGetProperty(root, agentKey, out var agent))
            {
                error = $"the answer has no \"{agentKey}\"";
                return false;
            }
            if (agent.ValueKind != JsonValueKind.Object)
            {
                error = $"\"{agentKey}\" must be an object, got {Kind(agent)}";
                return false;
            }
            var scores = ImmutableArray.CreateBuilder<DimensionScore>(DimensionInfo.Count);
            foreach (var info in DimensionInfo.All)
            {
                var where = $"{agentKey}.{info.Key}";
                if (!JsonObjects.TryGetProperty(agent, info.Key, out var value))
                {
                    error = $"\"{agentKey}\" is missing \"{info.Key}\"";
                    return false;
                }
                if (!TryReadPair(value, where, out var reasoning, out var scoreElement, out error) || !TryReadScore(scoreElement, where, out var score, out error))
                {
                    return false;
                }
                if (score < info.Min || score > info.Max)
                {
                    error = $"{where}: score {score.ToString(CultureInfo.InvariantCulture)} is outside the range [{info.Min}, {info.Max}]";
                    return false;
                }
                scores.Add(new DimensionScore((int)score, reasoning));
            }
            seats[seat] = new SeatEvaluation(scores.MoveToImmutable());
        }
        evaluation = new EpisodeEvaluation(seats[0], seats[1], judgeModel);
        error = null;
        return true;
    }

    private static bool TryReadPair(JsonElement value, string where, out string reasoning, out JsonElement score, [NotNullWhen(false)] out string? error)
    {
        reasoning = "";
        score = default;
        JsonElement reasoningElement;
        if (value.ValueKind == JsonValueKind.Array)
        {
            if (value.GetArrayLength() != 2)
            {
                error = $"{where}: expected [reasoning, score], got an array of {value.GetArrayLength()} items";
                return false;
            }
            reasoningElement = value[0];
            score = value[1];
        }
        else if (value.ValueKind == JsonValueKind.Object)
        {
            if (!JsonObjects.TryGetProperty(value, "reasoning", out reasoningElement) || !JsonObjects.TryGetProperty(value, "score", out score))
            {
                error = $"{where}: expected an object with \"reasoning\" and \"score\"";
                return false;
            }
        }
        else
        {
            error = $"{where}: expected [reasoning, score], got {Kind(value)}";
            return false;
        }
        if (reasoningElement.ValueKind != JsonValueKind.String)
        {
            error = $"{where}: the reasoning must be a string, got {Kind(reasoningElement)}";
            return false;
        }
        reasoning = reasoningElement.GetString()!;
        error = null;
        return true;
    }

    /// <summary>Reads an integer-valued score (as a double, so huge values still get a range error).</summary>
    private static bool TryReadScore(JsonElement element, string where, out double score, [NotNullWhen(false)] out string? error)
    {
        score = 0;
        double value;
        if (element.ValueKind == JsonValueKind.Number)
        {
            value = element.GetDouble();
        }
        else if (element.ValueKind != JsonValueKind.String
            || !double.TryParse(element.GetString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out value))
        {
            error = $"{where}: the score must be an integer, got {element.GetRawText()}";
            return false;
        }
        if (!double.IsFinite(value) || value != Math.Floor(value))
        {
            error = $"{where}: the score must be an integer, got {element.GetRawText()}";
            return false;
        }
        score = value;
        error = null;
        return true;
    }

    private static string Kind(JsonElement element) => element.ValueKind.ToString().ToLowerInvariant();
}
