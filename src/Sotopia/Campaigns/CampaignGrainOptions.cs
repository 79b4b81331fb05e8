namespace SotopiaPi.Sotopia.Campaigns;

/// <summary>Timing of the campaign driver.</summary>
public sealed record CampaignGrainOptions
{
    /// <summary>How often a waiting campaign looks at its episodes or training request again.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);
}
