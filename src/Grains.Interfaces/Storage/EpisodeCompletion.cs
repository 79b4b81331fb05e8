namespace SotopiaPi.Grains.Interfaces;

/// <summary>The final state of an episode: <see cref="EpisodeStatus.Completed"/> with an outcome that
/// succeeded, <see cref="EpisodeStatus.EvaluationFailed"/> with a failed outcome, or
/// <see cref="EpisodeStatus.Failed"/> with a reason.</summary>
[Immutable]
public sealed record EpisodeCompletion(
    EpisodeStatus Status,
    TerminationReason? Termination,
    EvaluationOutcome? Outcome,
    string? FailureReason,
    DateTimeOffset CompletedAt);
