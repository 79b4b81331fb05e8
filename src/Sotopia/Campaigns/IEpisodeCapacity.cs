namespace SotopiaPi.Sotopia.Campaigns;

/// <summary>How many episodes the cluster can play at once: each active silo's configured capacity, added up. A
/// campaign keeps that many of its episodes in flight.</summary>
public interface IEpisodeCapacity
{
    int EpisodesAtOnce { get; }
}
