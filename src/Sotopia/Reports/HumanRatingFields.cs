using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Reports;

/// <summary>The field names of the human ratings format (CSV header / JSONL keys).</summary>
public static class HumanRatingFields
{
    public const string EpisodeId = "episode_id";
    public const string Seat = "seat";
    public const string Annotator = "annotator";
    /// <summary>Free text, ignored.</summary>
    public const string Comment = "comment";

    public static IReadOnlyList<string> Required { get; } = [EpisodeId, Seat, Annotator];

    /// <summary>Every accepted field: the required ones, the 7 dimension keys, and the comment.</summary>
    public static IReadOnlyList<string> All { get; } = [EpisodeId, Seat, Annotator, .. DimensionInfo.All.Select(d => d.Key), Comment];
}
