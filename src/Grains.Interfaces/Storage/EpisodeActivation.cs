using System.Collections.Immutable;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>What <see cref="IEpisodeStore.BeginEpisodeAsync"/> returns: the episode, the turns stored so far, and
/// the fence this activation writes with (null when the episode had already ended and nothing was changed).</summary>
[Immutable]
public sealed record EpisodeActivation(EpisodeRecord Episode, ImmutableArray<Turn> Turns, EpisodeFence? Fence);
