namespace SotopiaPi.Sotopia.Sft;

/// <summary>One training example: the prompt an agent saw at one of its turns and the answer it gave.</summary>
/// <param name="EpisodeId">Where it comes from.</param>
/// <param name="ScenarioId">The episode's scenario.</param>
/// <param name="Seat">The chosen seat.</param>
/// <param name="TurnNumber">The turn the prompt is for.</param>
/// <param name="Prompt">The agent prompt, as <see cref="Prompts.AgentPromptRenderer"/> renders it (history possibly truncated).</param>
/// <param name="Output">The answer JSON, <c>{"action_type": "…", "argument": "…"}</c>.</param>
/// <param name="DroppedHistoryLines">How many of the oldest history lines were dropped to fit the token budget.</param>
public sealed record SftExample(string EpisodeId, string ScenarioId, int Seat, int TurnNumber, string Prompt, string Output, int DroppedHistoryLines);
