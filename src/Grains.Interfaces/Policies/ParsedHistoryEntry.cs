namespace SotopiaPi.Grains.Interfaces;

/// <summary>One action read from a prompt's history: at which turn, by whom, what.</summary>
[Immutable]
public sealed record ParsedHistoryEntry(int Turn, string Speaker, AgentAction Action);
