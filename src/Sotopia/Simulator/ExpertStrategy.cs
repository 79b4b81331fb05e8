namespace SotopiaPi.Sotopia.Simulator;

/// <summary>The expert's decision rule (the GPT-4 analogue): open warmly, ask before proposing, use the appeals
/// that tend to work for the kind of task, answer questions, counter a first offer and then settle, concede
/// once after being countered or refused, de-escalate pressure, close and leave once agreed. Some randomness:
/// usually the best move, sometimes the second best, rarely a harmless filler.</summary>
internal static class ExpertStrategy
{
    private const double PrimaryShare = 0.84;
    private const double SecondaryShare = 0.96;

    private static readonly SocialMove[][] Plans =
    [
        [SocialMove.Greet, SocialMove.Ask, SocialMove.Share, SocialMove.Persuade, SocialMove.Propose],      // bargaining
        [SocialMove.Greet, SocialMove.Ask, SocialMove.Share, SocialMove.Persuade, SocialMove.Propose],      // splitting
        [SocialMove.Greet, SocialMove.Ask, SocialMove.Empathise, SocialMove.Persuade, SocialMove.Propose],  // persuasion
        [SocialMove.Greet, SocialMove.Ask, SocialMove.Share, SocialMove.Persuade, SocialMove.Propose],      // negotiation
        [SocialMove.Greet, SocialMove.Ask, SocialMove.Share, SocialMove.Propose, SocialMove.PhysicalAct],   // cooperation
        [SocialMove.Greet, SocialMove.Empathise, SocialMove.Ask, SocialMove.Share, SocialMove.Propose],     // secret
        [SocialMove.Greet, SocialMove.Empathise, SocialMove.Ask, SocialMove.Share, SocialMove.Propose],     // conflict
        [SocialMove.Greet, SocialMove.Empathise, SocialMove.Ask, SocialMove.Persuade, SocialMove.Propose],  // norms
        [SocialMove.Greet, SocialMove.Ask, SocialMove.Share, SocialMove.Persuade, SocialMove.Propose],      // other
    ];

    private static readonly SocialMove[] Fillers = [SocialMove.Gesture, SocialMove.Empathise, SocialMove.SmallTalk];

    public static SocialMove Choose(in ConversationState s, Random random)
    {
        var (primary, secondary) = Best(s);
        var u = random.NextDouble();
        if (u < PrimaryShare)
        {
            return primary;
        }
        if (u < SecondaryShare)
        {
            return secondary;
        }
        return Fillers[random.Next(Fillers.Length)];
    }

    private static (SocialMove Primary, SocialMove Secondary) Best(in ConversationState s)
    {
        if (s.Has(ConversationFlags.Agreed))
        {
            var justAgreed = s.OtherLast == SocialMove.Accept || s.OwnLast == SocialMove.Accept;
            return justAgreed && s.OwnCount(SocialMove.Gesture) == 0
                ? (SocialMove.Gesture, SocialMove.Leave)
                : (SocialMove.Leave, SocialMove.Gesture);
        }
        var offered = s.Has(ConversationFlags.Proposed);
        var advocated = offered || s.Has(ConversationFlags.Persuaded) || s.Has(ConversationFlags.Shared) || s.Has(ConversationFlags.Conceded);
        switch (s.OtherLast)
        {
            case SocialMove.Pressure:
                return s.OwnLast == SocialMove.Empathise ? (SocialMove.Refuse, SocialMove.Empathise) : (SocialMove.Empathise, SocialMove.Refuse);
            case SocialMove.Ask:
                return s.OwnLast == SocialMove.Share ? (SocialMove.Empathise, SocialMove.Share) : (SocialMove.Share, SocialMove.Empathise);
            case SocialMove.Propose:
            case SocialMove.Counter:
                if (!offered)
                {
                    return (SocialMove.Counter, SocialMove.Persuade);
                }
                if (!s.Has(ConversationFlags.Conceded))
                {
                    return (SocialMove.Concede, SocialMove.Persuade);
                }
                return s.Phase == ConversationPhase.Late || s.OwnLast == SocialMove.Persuade
                    ? (SocialMove.Accept, SocialMove.Concede)
                    : (SocialMove.Persuade, SocialMove.Accept);
            case SocialMove.Concede:
                return s.Phase == ConversationPhase.Late || s.OwnLast == SocialMove.Propose
                    ? (SocialMove.Accept, SocialMove.Persuade)
                    : (SocialMove.Propose, SocialMove.Accept);
            case SocialMove.Refuse:
                if (offered && !s.Has(ConversationFlags.Conceded))
                {
                    return (SocialMove.Concede, SocialMove.Empathise);
                }
                return s.OwnLast == SocialMove.Empathise ? (SocialMove.Persuade, SocialMove.Propose) : (SocialMove.Empathise, SocialMove.Persuade);
            case SocialMove.Persuade:
                if (!s.Has(ConversationFlags.Shared))
                {
                    return (SocialMove.Share, SocialMove.Empathise);
                }
                return offered ? (SocialMove.Accept, SocialMove.Counter) : (SocialMove.Counter, SocialMove.Empathise);
            case SocialMove.Overshare:
                return (SocialMove.Empathise, SocialMove.Share);
            default:
                return PlanStep(s);
        }
    }

    private static (SocialMove, SocialMove) PlanStep(in ConversationState s)
    {
        if (s.TurnNumber >= 18)
        {
            return (SocialMove.Leave, SocialMove.Propose);
        }
        var plan = Plans[(int)s.Kind];
        var first = -1;
        var second = -1;
        for (var i = 0; i < plan.Length; i++)
        {
            if (!Done(s, plan[i]))
            {
                if (first < 0)
                {
                    first = i;
                }
                else
                {
                    second = i;
                    break;
                }
            }
        }
        if (first >= 0)
        {
            var next = plan[first];
            if (next == SocialMove.Greet && s.OwnMoves > 0)
            {
                next = plan[Math.Min(first + 1, plan.Length - 1)];
            }
            return (next, second >= 0 ? plan[second] : SocialMove.Empathise);
        }
        if (!s.Has(ConversationFlags.Conceded) && (s.Has(ConversationFlags.OtherCountered) || s.Has(ConversationFlags.OtherRefused)))
        {
            return (SocialMove.Concede, SocialMove.Propose);
        }
        if (s.OwnCount(SocialMove.Propose) + s.OwnCount(SocialMove.Counter) < 2 && s.OwnLast != SocialMove.Propose)
        {
            return (SocialMove.Propose, SocialMove.Empathise);
        }
        return s.OwnLast == SocialMove.Empathise ? (SocialMove.Persuade, SocialMove.Leave) : (SocialMove.Empathise, SocialMove.Persuade);
    }

    private static bool Done(in ConversationState s, SocialMove move) => move switch
    {
        SocialMove.Propose => s.OwnCount(SocialMove.Propose) + s.OwnCount(SocialMove.Counter) > 0,
        SocialMove.Greet => s.OwnMoves > 0,
        _ => s.OwnCount(move) > 0,
    };
}
