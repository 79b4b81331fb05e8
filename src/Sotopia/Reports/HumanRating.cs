using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>One annotator's rating of one seat of one episode, on some or all of the 7 dimensions.</summary>
/// <param name="EpisodeId">The SotopiaPi episode id.</param>
/// <param name="Seat">0-based seat (the files say 1 or 2: seat 1 is the agent who speaks first).</param>
/// <param name="Annotator">Who rated (any id; several annotators per seat are averaged).</param>
/// <param name="Scores">Score per dimension, indexed by <see cref="SotopiaDimension"/>; null where not rated.</param>
/// <param name="File">The file it was read from, as given.</param>
/// <param name="Line">1-based line of the record.</param>
public sealed record HumanRating(string EpisodeId, int Seat, string Annotator, ImmutableArray<int?> Scores, string File, int Line)
{
    public int? this[SotopiaDimension dimension] => Scores[(int)dimension];

    /// <summary>The mean of the 7 scores when all are rated.</summary>
    public double? Overall => Scores.All(s => s is not null) ? Scores.Sum(s => s!.Value) / (double)DimensionInfo.Count : null;
}
