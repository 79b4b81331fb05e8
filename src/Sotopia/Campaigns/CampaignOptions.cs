namespace SotopiaPi.Sotopia.Campaigns;

/// <summary>Timing of campaign grains (section <c>Campaigns</c>).</summary>
public sealed record CampaignOptions
{
    public const string SectionName = "Campaigns";

    /// <summary>How often a campaign starts again the episodes it has in flight (a no-op for those still playing): a
    /// safety net behind the sweep it does whenever a silo leaves the cluster.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a campaign waiting for its trainer reads the training request again: a safety net behind
    /// the training queue's report.</summary>
    public TimeSpan TrainingCheckInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The period of the reminder that re-activates a running campaign whose silo died.</summary>
    public TimeSpan ReminderPeriod { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How many episode starts a campaign has outstanding at once.</summary>
    public int StartParallelism { get; init; } = 256;
}
