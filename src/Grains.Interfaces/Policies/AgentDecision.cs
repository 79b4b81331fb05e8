namespace SotopiaPi.Grains.Interfaces;

/// <summary>A policy's answer: the action, an optional note (why it is a fallback, if it is), and usage.</summary>
[Immutable]
public sealed record AgentDecision(AgentAction Action, string? Note = null, CallUsage? Usage = null);
