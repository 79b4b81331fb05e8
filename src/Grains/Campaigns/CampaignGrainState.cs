using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Grains.Campaigns;

/// <summary>A campaign grain's Orleans state: its record (null until it is created).</summary>
public sealed record CampaignGrainState
{
    public CampaignRecord? Campaign { get; init; }
}
