using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Grains.Interfaces;

/// <summary>One row of <c>GET /api/campaigns</c>.</summary>
public sealed record CampaignSummaryResponse
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required CampaignMode Mode { get; init; }
    public required CampaignStatus Status { get; init; }
    /// <summary>Index of the current stage (equal to <see cref="Stages"/> when every stage is done).</summary>
    public required int Stage { get; init; }
    /// <summary>How many stages the plan has.</summary>
    public required int Stages { get; init; }
    public required string Step { get; init; }
    public required int Rounds { get; init; }
    /// <summary>The dataset version the campaign was started on and draws its tasks from.</summary>
    public int DatasetVersion { get; init; }
    public string? Error { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}
