namespace SotopiaPi.Grains.Interfaces;

/// <summary>The stored outcome of one training round.</summary>
[Immutable]
public sealed record RoundResult
{
    public required int Round { get; init; }
    /// <summary>"bc" or "sr".</summary>
    public required string Phase { get; init; }
    /// <summary>The policy version that played (for SR), or null for expert play (BC).</summary>
    public int? PlayedVersion { get; init; }
    public int Scenarios { get; init; }
    public int Episodes { get; init; }
    public int Completed { get; init; }
    public int EvaluationFailed { get; init; }
    public int Failed { get; init; }
    /// <summary>Scores over both seats of all successfully judged episodes of the round.</summary>
    public ScoreSummary? Scores { get; init; }
    /// <summary>(episode, seat) trajectories the filter kept.</summary>
    public int FilteredTrajectories { get; init; }
    /// <summary>Mean goal of the kept trajectories.</summary>
    public double? FilteredGoal { get; init; }
    public int TrainingExamples { get; init; }
    public string? DatasetId { get; init; }
    public string? TrainingRequestId { get; init; }
    public int? ProducedVersion { get; init; }
}
