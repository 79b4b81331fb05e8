namespace SotopiaPi.Grains.Interfaces;

/// <summary>One stage of a campaign's plan (a BC or SR round, or the evaluation) and how far it got.</summary>
public sealed record CampaignStageResponse
{
    public required int Index { get; init; }
    /// <summary>bc, sr or eval.</summary>
    public required string Kind { get; init; }
    /// <summary>The label its policy version carries in reports: bc, sr1, bc+sr2, eval.</summary>
    public required string Label { get; init; }
    /// <summary>What it plays, in words ("BC: expert vs expert", "SR 1: policy v1 vs itself", …).</summary>
    public required string Description { get; init; }
    /// <summary>pending, start, playing, training or done.</summary>
    public required string State { get; init; }
    /// <summary>The policy version that played (SR rounds), once known.</summary>
    public int? PlayedVersion { get; init; }
    public required EpisodeCountsResponse Episodes { get; init; }
    /// <summary>The stage's training request (training stages, once requested).</summary>
    public TrainingProgressResponse? Training { get; init; }
}
