namespace SotopiaPi.Trainer.Options;

/// <summary>How a trainer claims and runs training requests. Bound from the "Trainer" section
/// (environment: <c>Trainer__LeaseDuration</c>, <c>Trainer__OpenAI__BaseModel</c>, …).</summary>
public sealed class TrainerOptions
{
    public const string SectionName = "Trainer";

    private string? _leaseOwner;

    /// <summary>The owner written on this process's lease rows: the trainer id plus a suffix unique to this
    /// process, so a trainer restarted under the same id never renews its dead predecessor's lease.</summary>
    public string LeaseOwner => _leaseOwner ??= $"{TrainerId}#{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>This trainer's id in lease rows.</summary>
    public string TrainerId { get; set; } = $"trainer-{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>How long a claimed request stays ours without renewal; a crashed trainer's request is
    /// picked up by another after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the lease is renewed while training.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often an idle trainer looks for requests.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The backends this trainer serves (<c>embedded</c>, <c>openai</c>, <c>external</c>); empty = every
    /// registered backend. A request for a known backend this trainer does not serve is handed back (its lease
    /// released) so a trainer that serves it takes it.</summary>
    public List<string> Backends { get; set; } = [];

    /// <summary>How long a trainer waits before claiming again after handing back a request it does not serve.</summary>
    public TimeSpan UnservedBackendRetry { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The OpenAI fine-tuning backend's deployment settings.</summary>
    public OpenAiFineTuningOptions OpenAI { get; set; } = new();

    /// <summary>The external command + vLLM backend's deployment settings.</summary>
    public ExternalTrainingOptions External { get; set; } = new();

    /// <summary>Whether this trainer serves <paramref name="backend"/>.</summary>
    public bool Serves(string backend) =>
        Backends.Count == 0 || Backends.Any(b => string.Equals(b.Trim(), backend, StringComparison.OrdinalIgnoreCase));
}
