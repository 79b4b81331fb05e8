namespace SotopiaPi.Grains.Interfaces;

/// <summary>Why an episode stopped, by the rule-based terminator of SOTOPIA.</summary>
public enum TerminationReason
{
    /// <summary>Turn number exceeded the maximum (20): "conversation too long".</summary>
    TooLong = 0,
    /// <summary>Agent 1 left.</summary>
    Agent1Left = 1,
    /// <summary>Agent 2 left.</summary>
    Agent2Left = 2,
    /// <summary>More than two consecutive <c>none</c> actions (forced ones count): "conversation stale".</summary>
    Stale = 3,
}
