using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Episodes;

/// <summary>One seat of an episode as its runner sees it: in the cluster, the seat's agent grain.</summary>
public interface IEpisodeSeat
{
    int Seat { get; }

    SeatBinding Binding { get; }

    /// <summary>The seat's next action, given every turn stored so far.</summary>
    ValueTask<AgentDecision> DecideAsync(ImmutableArray<Turn> history, CancellationToken cancellationToken);
}
