using System.Runtime.CompilerServices;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Simulator;

/// <summary>What a simulator policy knows when it decides: read only from the agent's prompt (its name, the
/// scenario kind from the scenario and its own goal, the turn number and the history it can see). With SFT
/// truncation the oldest history may be missing; the state then reflects what is left, as it would for an LLM.</summary>
public readonly struct ConversationState
{
    private readonly Counts _ownCounts;

    private ConversationState(ScenarioKind kind, int turnNumber, SocialMove? otherLast, SocialMove? ownLast,
        ConversationFlags flags, int ownMoves, int otherMoves, Counts ownCounts)
    {
        Kind = kind;
        TurnNumber = turnNumber;
        OtherLast = otherLast;
        OwnLast = ownLast;
        Flags = flags;
        OwnMoves = ownMoves;
        OtherMoves = otherMoves;
        _ownCounts = ownCounts;
    }

    public ScenarioKind Kind { get; }

    public int TurnNumber { get; }

    public ConversationPhase Phase => PhaseOf(TurnNumber);

    /// <summary>The other's most recent visible move (none when the other has not acted yet).</summary>
    public SocialMove? OtherLast { get; }

    /// <summary>My own most recent visible move.</summary>
    public SocialMove? OwnLast { get; }

    public ConversationFlags Flags { get; }

    /// <summary>How many of my moves the history shows (<c>none</c>s are not shown).</summary>
    public int OwnMoves { get; }

    public int OtherMoves { get; }

    public bool Has(ConversationFlags flag) => (Flags & flag) == flag;

    /// <summary>How many times I made <paramref name="move"/> in the visible history.</summary>
    public int OwnCount(SocialMove move) => _ownCounts[(int)move];

    public static ConversationPhase PhaseOf(int turnNumber) => turnNumber switch
    {
        <= 1 => ConversationPhase.Opening,
        <= 5 => ConversationPhase.Early,
        <= 13 => ConversationPhase.Middle,
        _ => ConversationPhase.Late,
    };

    /// <summary>Reads the state from a parsed prompt; <paramref name="kind"/> is the prompt's task kind
    /// (<see cref="TaskText.Kind"/>).</summary>
    public static ConversationState Read(ParsedPrompt prompt, ScenarioKind kind)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var counts = default(Counts);
        SocialMove? otherLast = null;
        SocialMove? ownLast = null;
        var flags = ConversationFlags.None;
        var own = 0;
        var other = 0;
        var history = prompt.History;
        if (!history.IsDefaultOrEmpty)
        {
            foreach (var entry in history)
            {
                var move = MoveCodec.Classify(entry.Action);
                if (move == SocialMove.Idle)
                {
                    continue;
                }
                if (move == SocialMove.Accept)
                {
                    flags |= ConversationFlags.Agreed;
                }
                if (string.Equals(entry.Speaker, prompt.AgentName, StringComparison.Ordinal))
                {
                    own++;
                    ownLast = move;
                    if (counts[(int)move] < byte.MaxValue)
                    {
                        counts[(int)move]++;
                    }
                    flags |= move switch
                    {
                        SocialMove.Ask => ConversationFlags.Asked,
                        SocialMove.Share => ConversationFlags.Shared,
                        SocialMove.Propose or SocialMove.Counter => ConversationFlags.Proposed,
                        SocialMove.Persuade => ConversationFlags.Persuaded,
                        SocialMove.Empathise => ConversationFlags.Empathised,
                        SocialMove.Concede => ConversationFlags.Conceded,
                        _ => ConversationFlags.None,
                    };
                }
                else
                {
                    other++;
                    otherLast = move;
                    flags |= move switch
                    {
                        SocialMove.Counter => ConversationFlags.OtherCountered,
                        SocialMove.Refuse => ConversationFlags.OtherRefused,
                        SocialMove.Pressure => ConversationFlags.OtherPressured,
                        _ => ConversationFlags.None,
                    };
                }
            }
        }
        return new ConversationState(kind, prompt.TurnNumber, otherLast, ownLast, flags, own, other, counts);
    }

    [InlineArray(SocialMoves.Count)]
    private struct Counts
    {
        private byte _element0;
    }
}
