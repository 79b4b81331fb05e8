using System.Collections.Immutable;

namespace SotopiaPi.Sotopia.Campaigns;

/// <summary>Where episodes can be played: the active silos and how many episodes each plays at once (its configured
/// capacity). A campaign keeps that many of its episodes in flight on each silo and places each episode it starts.</summary>
public interface IEpisodeCapacity
{
    EpisodeSilos Silos { get; }
}

/// <summary>One silo that plays episodes: an opaque key (the host's address of it) and its capacity.</summary>
public sealed record EpisodeSilo(string Key, int Capacity);

/// <summary>The silos that play episodes now. <paramref name="Version"/> changes whenever the set of silos does (a
/// silo joined or left), so a user can tell that episodes placed on a departed silo must be placed again.</summary>
public sealed record EpisodeSilos(long Version, ImmutableArray<EpisodeSilo> Members)
{
    public int Capacity => Members.Sum(m => m.Capacity);
}
