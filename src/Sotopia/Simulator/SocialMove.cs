namespace SotopiaPi.Sotopia.Simulator;

/// <summary>The typed social moves of the offline simulator. Every action an agent takes is one of these; the
/// <see cref="MoveCodec"/> renders a move as a readable line and classifies any action (ours or an LLM's)
/// back into a move. The integer values are used as array indices; checkpoints store the names
/// (<see cref="SocialMoves.Name"/>), never the numbers.</summary>
public enum SocialMove
{
    /// <summary>Does nothing (<c>none</c>).</summary>
    Idle = 0,
    /// <summary>Opens the conversation with a greeting.</summary>
    Greet = 1,
    /// <summary>Asks about the other's needs, position or situation.</summary>
    Ask = 2,
    /// <summary>Shares one's own situation or position openly.</summary>
    Share = 3,
    /// <summary>Puts an offer on the table that moves toward one's own goal.</summary>
    Propose = 4,
    /// <summary>Answers the other's offer with a different one.</summary>
    Counter = 5,
    /// <summary>Gives ground toward the other's position.</summary>
    Concede = 6,
    /// <summary>Appeals with reasons and benefits.</summary>
    Persuade = 7,
    /// <summary>Acknowledges the other's feelings and situation.</summary>
    Empathise = 8,
    /// <summary>Agrees to what is on the table.</summary>
    Accept = 9,
    /// <summary>Turns down what is on the table.</summary>
    Refuse = 10,
    /// <summary>Threatens or pressures the other.</summary>
    Pressure = 11,
    /// <summary>Lets private information slip (a secret-ish leak).</summary>
    Overshare = 12,
    /// <summary>Small talk that deflects from the matter at hand.</summary>
    SmallTalk = 13,
    /// <summary>A non-verbal gesture or expression.</summary>
    Gesture = 14,
    /// <summary>A physical action.</summary>
    PhysicalAct = 15,
    /// <summary>Leaves the conversation.</summary>
    Leave = 16,
}
