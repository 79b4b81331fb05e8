namespace SotopiaPi.Grains.Interfaces;

/// <summary>One persisted step of an episode. Turns are numbered 0, 1, 2, … (the agent's view: "Turn #0" is
/// the first step). In round-robin order the active seat is <c>Number % 2</c>; the inactive seat's action is
/// always <c>none</c> and is not stored.</summary>
/// <param name="EpisodeId">The episode.</param>
/// <param name="Number">Step index, from 0.</param>
/// <param name="Seat">The seat that acted (0 or 1).</param>
/// <param name="Action">What that seat did.</param>
/// <param name="Note">Why the action is what it is when it was not the model's own answer (for example
/// "unparseable answer after one repair: …"); null otherwise.</param>
/// <param name="Usage">Model usage of the call that produced the action, when one was made.</param>
[Immutable]
public sealed record Turn(string EpisodeId, int Number, int Seat, AgentAction Action, string? Note = null, CallUsage? Usage = null);
