namespace SotopiaPi.Grains.Interfaces;

/// <summary>One assignment of a training request to a trainer.</summary>
/// <param name="RequestId">The request.</param>
/// <param name="Attempt">Which assignment (1, 2, …); reports carrying an earlier one are refused.</param>
/// <param name="TrainerId">The trainer it was assigned to.</param>
[Immutable]
public sealed record TrainingTicket(string RequestId, int Attempt, string TrainerId);
