namespace SotopiaPi.Sotopia.Simulator;

/// <summary>The fixed partner's decision rule (the GPT-3.5 analogue): polite and responsive but blind to the
/// kind of task — it answers questions, takes or counters offers, pushes its own goal with generic offers and
/// reasons, and drifts into small talk or leaves late in long conversations.</summary>
internal static class PartnerStrategy
{
    public static SocialMove Choose(in ConversationState s, Random random)
    {
        var u = random.NextDouble();
        if (s.Has(ConversationFlags.Agreed))
        {
            return u < 0.5 ? SocialMove.Leave : u < 0.8 ? SocialMove.SmallTalk : SocialMove.Gesture;
        }
        if (s.OwnMoves == 0 && s.TurnNumber <= 1)
        {
            return u < 0.7 ? SocialMove.Greet : SocialMove.SmallTalk;
        }
        switch (s.OtherLast)
        {
            case SocialMove.Ask:
                return u < 0.65 ? SocialMove.Share : u < 0.85 ? SocialMove.SmallTalk : SocialMove.Overshare;
            case SocialMove.Propose:
            case SocialMove.Counter:
                return u < 0.4 ? SocialMove.Accept : u < 0.7 ? SocialMove.Counter : u < 0.9 ? SocialMove.Refuse : SocialMove.Concede;
            case SocialMove.Pressure:
                return u < 0.6 ? SocialMove.Refuse : u < 0.8 ? SocialMove.Pressure : SocialMove.Concede;
            case SocialMove.Persuade:
                return u < 0.3 ? SocialMove.Counter : u < 0.55 ? SocialMove.Refuse : u < 0.8 ? SocialMove.Accept : SocialMove.SmallTalk;
            case SocialMove.Concede:
                return u < 0.6 ? SocialMove.Accept : SocialMove.Propose;
            case SocialMove.Refuse:
                return u < 0.4 ? SocialMove.Persuade : u < 0.7 ? SocialMove.Propose : u < 0.8 ? SocialMove.Pressure : SocialMove.SmallTalk;
            default:
                break;
        }
        if (s.TurnNumber >= 16 && u < 0.3)
        {
            return SocialMove.Leave;
        }
        var v = random.NextDouble();
        return v switch
        {
            < 0.30 => SocialMove.Propose,
            < 0.55 => SocialMove.Persuade,
            < 0.70 => s.Has(ConversationFlags.Asked) ? SocialMove.Share : SocialMove.Ask,
            < 0.85 => SocialMove.SmallTalk,
            < 0.95 => SocialMove.Share,
            _ => SocialMove.Gesture,
        };
    }
}
