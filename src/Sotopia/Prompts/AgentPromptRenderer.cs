using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Prompts;

/// <summary>Renders the prompt an agent answers each turn (reference §b "Agent prompt", §d4), in our own words,
/// carrying the information of SOTOPIA's prompt.</summary>
/// <remarks>
/// <para>The prompt is ordered so that consecutive prompts of one agent share the longest possible prefix (good for
/// prompt caching): first the parts that never change within an episode — role-play instructions naming the
/// agent, the privacy of its goal and secret, staying in character and natural, the leave note, the output
/// instruction with the action JSON schema and the action types in SOTOPIA's order
/// (<c>none action speak non-verbal communication leave</c>) — then the agent's context block, then the history
/// (one line per earlier step, append-only), and last the one-line per-turn part <c>You are at Turn #k.</c>.
/// Prompt k without its last line is therefore a prefix of prompt k+2 (and of every later prompt).</para>
/// <para>Line breaks inside values are indented continuation lines (see <see cref="AgentPromptReader"/>), so every
/// prompt reads back exactly.</para>
/// </remarks>
public static class AgentPromptRenderer
{
    /// <summary>The line that opens the history section.</summary>
    public const string HistoryHeader = "Conversation log:";

    internal const string AgentLinePrefix = "You will play the character ";
    internal const string AgentLineSuffix = " in a role-play with one other participant.";
    internal const string TurnLinePrefix = "You are at Turn #";

    /// <summary>JSON schema of the agent's answer, <c>{"action_type": one of the 5 wire names, "argument": string}</c>,
    /// on one line; usable as a strict structured-output schema.</summary>
    private static readonly ConditionalWeakTable<EpisodeSetup, string?[]> HeadCache = new();

    public static string ActionSchema { get; } = BuildActionSchema();

    /// <summary>The prompt of the agent in <paramref name="seat"/> at <paramref name="turnNumber"/>.</summary>
    /// <param name="setup">Scenario and characters.</param>
    /// <param name="seat">The acting seat (0 or 1).</param>
    /// <param name="history">The steps played so far, numbered 0..turnNumber-1.</param>
    /// <param name="turnNumber">The step about to be played (= history count).</param>
    /// <param name="options">Visibility and truncation options; <see cref="PromptOptions.Default"/> if null.</param>
    /// <remarks>Without <see cref="PromptOptions.MaxPromptTokens"/> no tokens are counted (play time needs none).</remarks>
    public static string Render(EpisodeSetup setup, int seat, IReadOnlyList<Turn> history, int turnNumber, PromptOptions? options = null)
    {
        if (options?.MaxPromptTokens is not null)
        {
            return Build(setup, seat, history, turnNumber, options).Text;
        }
        var (head, historyLines, tail) = Parts(setup, seat, history, turnNumber, options ?? PromptOptions.Default);
        return Compose(head, historyLines, 0, tail);
    }

    /// <summary>Like <see cref="Render"/>, also reporting history truncation and the estimated size.</summary>
    public static RenderedPrompt Build(EpisodeSetup setup, int seat, IReadOnlyList<Turn> history, int turnNumber, PromptOptions? options = null)
    {
        options ??= PromptOptions.Default;
        var (head, historyLines, tail) = Parts(setup, seat, history, turnNumber, options);

        var text = Compose(head, historyLines, 0, tail);
        var tokens = options.TokenEstimator.EstimateTokens(text);
        if (options.MaxPromptTokens is not { } max || tokens <= max || historyLines.Count == 0)
        {
            return new RenderedPrompt(text, historyLines.Count, 0, tokens);
        }
        // The fewest oldest lines to drop so the prompt fits (or all of them): dropping more never adds tokens, so a
        // binary search finds it with O(log n) counts instead of one count per dropped line.
        int low = 1, high = historyLines.Count;
        var best = (Text: Compose(head, historyLines, high, tail), Tokens: 0);
        best.Tokens = options.TokenEstimator.EstimateTokens(best.Text);
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            var candidate = Compose(head, historyLines, middle, tail);
            var count = options.TokenEstimator.EstimateTokens(candidate);
            if (count <= max)
            {
                high = middle;
                best = (candidate, count);
            }
            else
            {
                low = middle + 1;
            }
        }
        return new RenderedPrompt(best.Text, historyLines.Count - high, high, best.Tokens);
    }

    private static (string Head, IReadOnlyList<string> HistoryLines, string Tail) Parts(
        EpisodeSetup setup, int seat, IReadOnlyList<Turn> history, int turnNumber, PromptOptions options)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(history);
        if (seat is not (0 or 1))
        {
            throw new ArgumentOutOfRangeException(nameof(seat), seat, "A seat is 0 or 1.");
        }
        if (turnNumber != history.Count)
        {
            throw new ArgumentException($"Turn {turnNumber} needs the {turnNumber} steps before it as history, got {history.Count}.", nameof(history));
        }
        for (var i = 0; i < history.Count; i++)
        {
            if (history[i].Number != i)
            {
                throw new ArgumentException($"History step at index {i} is numbered {history[i].Number}; steps must be numbered 0..{history.Count - 1} in order.", nameof(history));
            }
        }
        return (Head(setup, seat, options), HistoryRenderer.AgentLines(setup, history), TurnLine(turnNumber));
    }

    /// <summary>The per-turn last line: <c>You are at Turn #k.</c></summary>
    public static string TurnLine(int turnNumber) => $"{TurnLinePrefix}{turnNumber}.";

    /// <summary>The stable instruction lines naming the agent (the start of every prompt of that agent).</summary>
    public static IReadOnlyList<string> Instructions(string agentName) =>
    [
        $"{AgentLinePrefix}{agentName}{AgentLineSuffix}",
        $"Speak and act as {agentName} would, pursuing {agentName}'s social goal. The context below describes the scenario, both participants and the goals.",
        "Your goal and your secret are visible only to you; the other participant cannot see them.",
        "Stay in character. Keep the conversation natural and do not repeat what has already been said.",
        "You may leave the conversation once your goal is achieved, if you feel uncomfortable or bored, or for any other reason.",
        "",
        "Answer with only a JSON object with the two fields \"action_type\" and \"argument\", valid against this JSON schema:",
        ActionSchema,
        $"The available action types are: {string.Join(' ', ActionTypes.PromptOrder.Select(t => t.ToWire()))}",
        "The argument is what you say for speak, your gesture or facial expression for non-verbal communication, the physical act for action, and an empty string for none and leave.",
    ];

    /// <summary>The encoded stable part (instructions, context block, history header) of one seat's prompts.
    /// It is the same for every turn of an episode, so it is rendered once per setup instance and seat.</summary>
    private static string Head(EpisodeSetup setup, int seat, PromptOptions options)
    {
        var cacheable = !options.Omniscient && !options.Lite;
        if (cacheable && HeadCache.TryGetValue(setup, out var cached) && cached[seat] is { } hit)
        {
            return hit;
        }
        var lines = new List<string>(Instructions(setup.Agent(seat).FullName)) { "" };
        lines.AddRange(ContextRenderer.ForSeat(setup, seat, options.Omniscient, options.Lite).Lines());
        lines.Add("");
        lines.Add(HistoryHeader);
        var head = string.Join('\n', lines.Select(PromptLines.Encode));
        if (cacheable)
        {
            HeadCache.GetValue(setup, _ => new string?[2])[seat] = head;
        }
        return head;
    }

    /// <summary>The prompt as one string of its exact length (the head, the kept history lines and the turn line,
    /// one per line): no builder buffer to grow and copy — prompts grow with every turn and are rendered every turn.</summary>
    private static string Compose(string head, IReadOnlyList<string> historyLines, int dropped, string tail)
    {
        var lines = new string[historyLines.Count - dropped + 2];
        lines[0] = head;
        for (var i = dropped; i < historyLines.Count; i++)
        {
            lines[i - dropped + 1] = PromptLines.Encode(historyLines[i]);
        }
        lines[^1] = PromptLines.Encode(tail);
        return string.Join('\n', lines);
    }

    private static string BuildActionSchema()
    {
        var wireNames = new JsonArray([.. Enum.GetValues<ActionType>().Select(t => (JsonNode?)JsonValue.Create(t.ToWire()))]);
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["action_type"] = new JsonObject
                {
                    ["type"] = "string",
                    ["enum"] = wireNames,
                    ["description"] = "what to do this turn: nothing, speak, non-verbal communication, a physical action, or leave",
                },
                ["argument"] = new JsonObject
                {
                    ["type"] = "string",
                    ["description"] = "the utterance for speak, the gesture or expression for non-verbal communication, the physical act for action; empty for none and leave",
                },
            },
            ["required"] = new JsonArray("action_type", "argument"),
            ["additionalProperties"] = false,
        };
        return schema.ToJsonString();
    }
}
