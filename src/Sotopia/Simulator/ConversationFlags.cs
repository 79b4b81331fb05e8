namespace SotopiaPi.Sotopia.Simulator;

/// <summary>Facts about a conversation so far, as visible in the agent's prompt history.</summary>
[Flags]
public enum ConversationFlags
{
    None = 0,
    /// <summary>I have asked about the other's needs.</summary>
    Asked = 1 << 0,
    /// <summary>I have shared my side.</summary>
    Shared = 1 << 1,
    /// <summary>I have made an offer (propose or counter).</summary>
    Proposed = 1 << 2,
    /// <summary>I have appealed with reasons.</summary>
    Persuaded = 1 << 3,
    /// <summary>I have empathised.</summary>
    Empathised = 1 << 4,
    /// <summary>I have conceded.</summary>
    Conceded = 1 << 5,
    /// <summary>Someone has accepted (an agreement is visible).</summary>
    Agreed = 1 << 6,
    /// <summary>The other has countered.</summary>
    OtherCountered = 1 << 7,
    /// <summary>The other has refused.</summary>
    OtherRefused = 1 << 8,
    /// <summary>The other has pressured or threatened.</summary>
    OtherPressured = 1 << 9,
}
