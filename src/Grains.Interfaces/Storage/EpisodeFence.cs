namespace SotopiaPi.Grains.Interfaces;

/// <summary>The right of one activation to write an episode: the value <see cref="IEpisodeStore.BeginEpisodeAsync"/>
/// gave it. A later activation gets a larger value and the store refuses writes carrying this one.</summary>
/// <param name="EpisodeId">The episode.</param>
/// <param name="Value">The fence (1 for the first activation, +1 for each later one).</param>
[Immutable]
public sealed record EpisodeFence(string EpisodeId, long Value);
