namespace SotopiaPi.Trainer.Options;

/// <summary>How a trainer claims and runs training requests. Bound from the "Trainer" section.</summary>
public sealed class TrainerOptions
{
    public const string SectionName = "Trainer";

    /// <summary>This trainer's id in lease rows.</summary>
    public string TrainerId { get; set; } = $"trainer-{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>How long a claimed request stays ours without renewal; a crashed trainer's request is
    /// picked up by another after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the lease is renewed while training.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often an idle trainer looks for requests.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}
