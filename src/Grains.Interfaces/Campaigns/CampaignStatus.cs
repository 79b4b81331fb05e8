namespace SotopiaPi.Grains.Interfaces;

public enum CampaignStatus
{
    Running = 0,
    Paused = 1,
    Completed = 2,
    Failed = 3,
    Cancelled = 4,
}
