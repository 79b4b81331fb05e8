namespace SotopiaPi.Sotopia.Simulator;

/// <summary>Where a conversation is, from the turn number the agent sees.</summary>
public enum ConversationPhase
{
    /// <summary>Turns 0–1.</summary>
    Opening = 0,
    /// <summary>Turns 2–5.</summary>
    Early = 1,
    /// <summary>Turns 6–13.</summary>
    Middle = 2,
    /// <summary>Turns 14 and later.</summary>
    Late = 3,
}
