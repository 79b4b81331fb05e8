using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Simulator;

/// <summary>Facts about <see cref="SocialMove"/>: stable names, the action type each is played as.</summary>
public static class SocialMoves
{
    /// <summary>Number of moves (they are numbered 0 .. Count - 1).</summary>
    public const int Count = 17;

    private static readonly ImmutableArray<string> Names =
    [
        "idle", "greet", "ask", "share", "propose", "counter", "concede", "persuade", "empathise", "accept",
        "refuse", "pressure", "overshare", "small_talk", "gesture", "physical_act", "leave",
    ];

    /// <summary>All moves in numeric order.</summary>
    public static ImmutableArray<SocialMove> All { get; } = [.. Enumerable.Range(0, Count).Select(i => (SocialMove)i)];

    /// <summary>The stable snake_case name used in checkpoints and logs.</summary>
    public static string Name(this SocialMove move) => Names[(int)move];

    /// <summary>Parses a name written by <see cref="Name"/> (case-insensitive).</summary>
    public static bool TryParse(string? name, out SocialMove move)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.OrdinalIgnoreCase))
            {
                move = (SocialMove)i;
                return true;
            }
        }
        move = SocialMove.Idle;
        return false;
    }

    /// <summary>The SOTOPIA action type a move is played as.</summary>
    public static ActionType ActionTypeOf(this SocialMove move) => move switch
    {
        SocialMove.Idle => ActionType.None,
        SocialMove.Leave => ActionType.Leave,
        SocialMove.Gesture => ActionType.NonVerbalCommunication,
        SocialMove.PhysicalAct => ActionType.Action,
        _ => ActionType.Speak,
    };

    /// <summary>True for the moves that put something on the table the other can accept.</summary>
    public static bool IsOffer(this SocialMove move) => move is SocialMove.Propose or SocialMove.Counter;
}
