using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>What can be read back out of a rendered agent prompt: who the agent is, the scenario, its own
/// goal, the turn it is at, and the history it has seen. Structured policies (the offline simulator's) and
/// the embedded trainer read prompts through this, so they learn from exactly what an LLM would see.</summary>
/// <param name="AgentName">The acting agent's full name.</param>
/// <param name="OtherName">The other participant's full name.</param>
/// <param name="Scenario">The scenario text (hint tags already rendered).</param>
/// <param name="Goal">The acting agent's own goal (hint tags already rendered).</param>
/// <param name="TurnNumber">The turn the agent is at.</param>
/// <param name="History">Actions seen so far, oldest first (only those still in the prompt when history was
/// truncated to a token budget); <c>none</c> actions are not listed.</param>
[Immutable]
public sealed record ParsedPrompt(
    string AgentName,
    string OtherName,
    string Scenario,
    string Goal,
    int TurnNumber,
    ImmutableArray<ParsedHistoryEntry> History);
