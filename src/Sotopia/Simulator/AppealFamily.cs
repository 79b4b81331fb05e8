namespace SotopiaPi.Sotopia.Simulator;

/// <summary>The ways one agent can try to move the other, each with a hidden receptiveness per task and seat
/// (<see cref="TaskDynamics"/>).</summary>
public enum AppealFamily
{
    /// <summary>Reasons and benefits (<see cref="SocialMove.Persuade"/>).</summary>
    Reason = 0,
    /// <summary>Feelings and care (<see cref="SocialMove.Empathise"/>).</summary>
    Emotion = 1,
    /// <summary>Openness about one's own side (<see cref="SocialMove.Share"/>).</summary>
    Openness = 2,
    /// <summary>Concrete offers (<see cref="SocialMove.Propose"/>, <see cref="SocialMove.Counter"/>).</summary>
    Offer = 3,
    /// <summary>Threats and pressure (<see cref="SocialMove.Pressure"/>).</summary>
    Force = 4,
}
