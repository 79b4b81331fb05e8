namespace SotopiaPi.Sotopia.Training;

/// <summary>How trainers stay known to the training queue (section <c>TrainingQueue</c>): a trainer subscribes again
/// every <see cref="RenewInterval"/>; one not heard from for <see cref="TrainerLifetime"/> is dropped and the request
/// it held is queued again as a new attempt.</summary>
public sealed record TrainingQueueOptions
{
    public const string SectionName = "TrainingQueue";

    public TimeSpan RenewInterval { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan TrainerLifetime { get; init; } = TimeSpan.FromSeconds(30);
}
