namespace SotopiaPi.Grains.Interfaces;

public enum EpisodeStatus
{
    /// <summary>Created, not yet claimed by any silo.</summary>
    Pending = 0,
    /// <summary>Claimed and being played (or waiting to be resumed after its owner died).</summary>
    Running = 1,
    /// <summary>Played to termination and judged successfully.</summary>
    Completed = 2,
    /// <summary>Played to termination but the judge failed; the failure is recorded, no scores exist.</summary>
    EvaluationFailed = 3,
    /// <summary>Could not be played (for example the policy endpoint failed for good); the reason is recorded.</summary>
    Failed = 4,
    /// <summary>Its campaign was cancelled before it finished.</summary>
    Cancelled = 5,
}
