namespace SotopiaPi.Sotopia.Filtering;

/// <summary>One (episode, seat) the filter kept: only this seat's turns become training data; the other seat's
/// turns are context.</summary>
/// <param name="EpisodeId">The episode.</param>
/// <param name="ScenarioId">Its scenario (the filter's group).</param>
/// <param name="Seat">The kept seat (0 or 1).</param>
/// <param name="Goal">That seat's goal score.</param>
/// <param name="Overall">That seat's overall score (mean of the 7 dimensions).</param>
public sealed record FilteredTrajectory(string EpisodeId, string ScenarioId, int Seat, int Goal, double Overall);
