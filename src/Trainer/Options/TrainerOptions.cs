namespace SotopiaPi.Trainer.Options;

/// <summary>How a trainer takes and runs training requests. Bound from the "Trainer" section
/// (environment: <c>Trainer__RenewInterval</c>, <c>Trainer__OpenAI__BaseModel</c>, …).</summary>
public sealed class TrainerOptions
{
    public const string SectionName = "Trainer";

    /// <summary>This trainer's id in the training queue and in the request rows it works on.</summary>
    public string TrainerId { get; set; } = $"trainer-{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>How often the trainer renews its subscription to the training queue. The queue drops a trainer it has
    /// not heard from for its <c>TrainingQueue:TrainerLifetime</c> (default 30 s) and gives its request to another,
    /// so this must be well below that.</summary>
    public TimeSpan RenewInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The backends this trainer serves (<c>embedded</c>, <c>openai</c>, <c>external</c>); empty = every
    /// registered backend. The queue gives a trainer only requests of backends it serves.</summary>
    public List<string> Backends { get; set; } = [];

    /// <summary>The OpenAI fine-tuning backend's deployment settings.</summary>
    public OpenAiFineTuningOptions OpenAI { get; set; } = new();

    /// <summary>The external command + vLLM backend's deployment settings.</summary>
    public ExternalTrainingOptions External { get; set; } = new();

    /// <summary>Whether this trainer serves <paramref name="backend"/>.</summary>
    public bool Serves(string backend) =>
        Backends.Count == 0 || Backends.Any(b => string.Equals(b.Trim(), backend, StringComparison.OrdinalIgnoreCase));
}
