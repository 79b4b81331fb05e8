using System.Collections.Frozen;
using System.Collections.Immutable;

namespace SotopiaPi.Sotopia.Simulator;

/// <summary>The sparse binary features the trainable policy sees, all read from the prompt through
/// <see cref="ConversationState"/>: the scenario kind, the phase (from the turn number), the other's last move,
/// my own last move, what I have done so far (flags), and crosses of these. Ids are dense and computed
/// arithmetically (no strings on the hot path); names ("kind=bargaining&amp;other_last=propose") are what
/// checkpoints store, so a checkpoint survives changes to the numbering.</summary>
public static class PolicyFeatures
{
    /// <summary>Upper bound on how many features one state activates.</summary>
    public const int MaxActive = 64;

    private const int Kinds = 9;
    private const int Phases = 4;
    private const int Slots = SocialMoves.Count + 1; // the moves plus "nothing yet"
    private const int FlagCount = 10;
    private const int NothingSlot = SocialMoves.Count;

    private const int BiasId = 0;
    private const int KindOffset = BiasId + 1;
    private const int PhaseOffset = KindOffset + Kinds;
    private const int OtherOffset = PhaseOffset + Phases;
    private const int OwnOffset = OtherOffset + Slots;
    private const int FlagOffset = OwnOffset + Slots;
    private const int KindPhaseOffset = FlagOffset + FlagCount;
    private const int KindOtherOffset = KindPhaseOffset + (Kinds * Phases);
    private const int KindOwnOffset = KindOtherOffset + (Kinds * Slots);
    private const int KindFlagOffset = KindOwnOffset + (Kinds * Slots);
    private const int OtherAgreedOffset = KindFlagOffset + (Kinds * FlagCount);
    private const int OtherPhaseOffset = OtherAgreedOffset + Slots;
    private const int OtherOwnOffset = OtherPhaseOffset + (Slots * Phases);

    /// <summary>Number of features.</summary>
    public const int Count = OtherOwnOffset + (Slots * Slots);

    private static readonly ImmutableArray<string> Names = BuildNames();

    private static readonly FrozenDictionary<string, int> Ids =
        Names.Select((name, id) => (name, id)).ToFrozenDictionary(p => p.name, p => p.id, StringComparer.Ordinal);

    /// <summary>The stable name of a feature id.</summary>
    public static string Name(int id) => Names[id];

    public static bool TryGetId(string name, out int id) => Ids.TryGetValue(name, out id);

    /// <summary>Writes the ids of the features active in <paramref name="state"/> into
    /// <paramref name="ids"/> (at least <see cref="MaxActive"/> long) and returns how many.</summary>
    public static int Extract(in ConversationState state, Span<int> ids)
    {
        if (ids.Length < MaxActive)
        {
            throw new ArgumentException($"The buffer must hold at least {MaxActive} ids.", nameof(ids));
        }
        var kind = (int)state.Kind;
        var phase = (int)state.Phase;
        var other = state.OtherLast is { } o ? (int)o : NothingSlot;
        var own = state.OwnLast is { } m ? (int)m : NothingSlot;
        var n = 0;
        ids[n++] = BiasId;
        ids[n++] = KindOffset + kind;
        ids[n++] = PhaseOffset + phase;
        ids[n++] = OtherOffset + other;
        ids[n++] = OwnOffset + own;
        ids[n++] = KindPhaseOffset + (kind * Phases) + phase;
        ids[n++] = KindOtherOffset + (kind * Slots) + other;
        ids[n++] = KindOwnOffset + (kind * Slots) + own;
        ids[n++] = OtherPhaseOffset + (other * Phases) + phase;
        ids[n++] = OtherOwnOffset + (other * Slots) + own;
        var flags = (int)state.Flags;
        for (var f = 0; f < FlagCount; f++)
        {
            if ((flags & (1 << f)) != 0)
            {
                ids[n++] = FlagOffset + f;
                ids[n++] = KindFlagOffset + (kind * FlagCount) + f;
            }
        }
        if (state.Has(ConversationFlags.Agreed))
        {
            ids[n++] = OtherAgreedOffset + other;
        }
        return n;
    }

    private static ImmutableArray<string> BuildNames()
    {
        var names = new string[Count];
        var kinds = Enumerable.Range(0, Kinds).Select(k => "kind=" + ((ScenarioKind)k).Name()).ToArray();
        var phases = Enumerable.Range(0, Phases).Select(p => "phase=" + PhaseName((ConversationPhase)p)).ToArray();
        var slotNames = Enumerable.Range(0, Slots).Select(s => s == NothingSlot ? "nothing" : ((SocialMove)s).Name()).ToArray();
        var flagNames = Enumerable.Range(0, FlagCount).Select(f => "flag=" + FlagName((ConversationFlags)(1 << f))).ToArray();
        names[BiasId] = "bias";
        for (var k = 0; k < Kinds; k++)
        {
            names[KindOffset + k] = kinds[k];
            for (var p = 0; p < Phases; p++)
            {
                names[KindPhaseOffset + (k * Phases) + p] = kinds[k] + "&" + phases[p];
            }
            for (var s = 0; s < Slots; s++)
            {
                names[KindOtherOffset + (k * Slots) + s] = kinds[k] + "&other_last=" + slotNames[s];
                names[KindOwnOffset + (k * Slots) + s] = kinds[k] + "&own_last=" + slotNames[s];
            }
            for (var f = 0; f < FlagCount; f++)
            {
                names[KindFlagOffset + (k * FlagCount) + f] = kinds[k] + "&" + flagNames[f];
            }
        }
        for (var p = 0; p < Phases; p++)
        {
            names[PhaseOffset + p] = phases[p];
        }
        for (var f = 0; f < FlagCount; f++)
        {
            names[FlagOffset + f] = flagNames[f];
        }
        for (var s = 0; s < Slots; s++)
        {
            names[OtherOffset + s] = "other_last=" + slotNames[s];
            names[OwnOffset + s] = "own_last=" + slotNames[s];
            names[OtherAgreedOffset + s] = "other_last=" + slotNames[s] + "&flag=agreed";
            for (var p = 0; p < Phases; p++)
            {
                names[OtherPhaseOffset + (s * Phases) + p] = "other_last=" + slotNames[s] + "&" + phases[p];
            }
            for (var t = 0; t < Slots; t++)
            {
                names[OtherOwnOffset + (s * Slots) + t] = "other_last=" + slotNames[s] + "&own_last=" + slotNames[t];
            }
        }
        return [.. names];
    }

    internal static string PhaseName(ConversationPhase phase) => phase switch
    {
        ConversationPhase.Opening => "opening",
        ConversationPhase.Early => "early",
        ConversationPhase.Middle => "middle",
        _ => "late",
    };

    private static string FlagName(ConversationFlags flag) => flag switch
    {
        ConversationFlags.Asked => "asked",
        ConversationFlags.Shared => "shared",
        ConversationFlags.Proposed => "proposed",
        ConversationFlags.Persuaded => "persuaded",
        ConversationFlags.Empathised => "empathised",
        ConversationFlags.Conceded => "conceded",
        ConversationFlags.Agreed => "agreed",
        ConversationFlags.OtherCountered => "other_countered",
        ConversationFlags.OtherRefused => "other_refused",
        _ => "other_pressured",
    };
}
