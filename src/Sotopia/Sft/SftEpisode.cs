using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Sft;

/// <summary>What the exporter needs of one episode: its setup and all its turns (numbered 0..n-1).</summary>
public sealed record SftEpisode(EpisodeSetup Setup, IReadOnlyList<Turn> Turns);
