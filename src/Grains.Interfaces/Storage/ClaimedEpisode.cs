namespace SotopiaPi.Grains.Interfaces;

/// <summary>An episode a silo now owns, with the lease its writes must carry.</summary>
public sealed record ClaimedEpisode(EpisodeRecord Episode, Lease Lease);
