namespace SotopiaPi.Grains.Interfaces;

/// <summary>How one policy (a version of the trained policy, or the expert) did against the partner on the
/// evaluation set, counting only its own seat.</summary>
[Immutable]
public sealed record PolicyEvaluationResult
{
    /// <summary>"base", "bc", "sr1", "bc+sr2", "expert", or "v3" for a plain evaluation.</summary>
    public required string Label { get; init; }
    public required string Role { get; init; }
    public int? Version { get; init; }
    public int Episodes { get; init; }
    public int EvaluationFailed { get; init; }
    public required ScoreSummary Scores { get; init; }
}
