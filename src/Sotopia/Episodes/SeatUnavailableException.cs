namespace SotopiaPi.Sotopia.Episodes;

/// <summary>A seat could not be asked for its decision because the runtime could not deliver the question (the host
/// is shutting down, the seat's silo is gone, the call timed out) — a fact about the cluster, not about the seat's
/// policy. The runner does not record it as the episode's failure; the episode is interrupted and resumes from its
/// last stored turn.</summary>
public sealed class SeatUnavailableException(string message, Exception innerException) : Exception(message, innerException);
