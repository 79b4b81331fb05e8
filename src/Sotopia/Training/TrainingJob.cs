namespace SotopiaPi.Sotopia.Training;

/// <summary>A training request in the queue: which backend it needs, how many times it was assigned, and to whom now.</summary>
/// <param name="RequestId">The request.</param>
/// <param name="Backend">The backend it trains with (trainers take only requests of backends they serve).</param>
/// <param name="Attempt">How many times it was assigned (0 = never).</param>
/// <param name="TrainerId">The trainer holding it, or null while it waits.</param>
public sealed record TrainingJob(string RequestId, string Backend, int Attempt, string? TrainerId);
