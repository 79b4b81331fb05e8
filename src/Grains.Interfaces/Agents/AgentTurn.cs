using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>What an episode gives its agent each turn. Every part is immutable and shared, so on the agent's own
/// silo (where it is placed) nothing is copied.</summary>
/// <param name="EpisodeId">The episode.</param>
/// <param name="Setup">Scenario and both characters.</param>
/// <param name="Binding">The seat's pinned policy.</param>
/// <param name="EpisodeSeed">The episode's seed (the decision's seed derives from it, the turn and the seat).</param>
/// <param name="History">Every turn stored so far, in order.</param>
[Immutable]
public sealed record AgentTurn(string EpisodeId, EpisodeSetup Setup, SeatBinding Binding, long EpisodeSeed, ImmutableArray<Turn> History);
