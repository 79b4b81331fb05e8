using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>What an agent's policy is given to choose its next action.</summary>
/// <param name="EpisodeId">The episode.</param>
/// <param name="Setup">Scenario and characters. A policy must only use what its seat may see: its own
/// profile, goal and secret, the scenario, and what the relationship reveals of the other (the prompt already
/// applies these rules; a structured policy must apply them itself).</param>
/// <param name="Seat">The acting seat.</param>
/// <param name="TurnNumber">The step index (the agent sees "Turn #TurnNumber").</param>
/// <param name="History">The turns played so far (both seats, in order).</param>
/// <param name="Prompt">The full rendered prompt for this seat and turn.</param>
/// <param name="Binding">The seat's pinned policy binding.</param>
/// <param name="Seed">A seed unique to (episode, turn, seat): all randomness of the decision derives from it.</param>
[Immutable]
public sealed record AgentTurnRequest(
    string EpisodeId,
    EpisodeSetup Setup,
    int Seat,
    int TurnNumber,
    ImmutableArray<Turn> History,
    string Prompt,
    SeatBinding Binding,
    long Seed);
