namespace SotopiaPi.Grains.Interfaces;

public enum EpisodeStatus
{
    /// <summary>Created, not yet started by its episode grain.</summary>
    Pending = 0,
    /// <summary>Being played by its episode grain (or waiting to be resumed on another silo after its silo died).</summary>
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
