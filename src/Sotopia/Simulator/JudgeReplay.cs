using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Simulator;

/// <summary>Replays an episode's classified moves through the task's hidden <see cref="TaskDynamics"/> and
/// scores both seats on the 7 SOTOPIA dimensions, with a readable reason for each score. See the simulator
/// README for the formulas. Deterministic for (episode, dynamics, seed).</summary>
internal sealed class JudgeReplay
{
    private const double GoalRate = 2.4;

    private readonly TaskDynamics _dynamics;
    private readonly TaskText[] _texts;
    private readonly string[] _names;
    private readonly Seat[] _seats = [new Seat(), new Seat()];
    private readonly double[] _open = new double[2];
    private int _pendingOwner = -1;
    private bool _pendingSoft;
    private int _agreementTurn = -1;
    private int _agreementProposer = -1;
    private bool _compromise;
    private int _turnsPlayed;

    private JudgeReplay(TaskDynamics dynamics, TaskText[] texts, string[] names)
    {
        _dynamics = dynamics;
        _texts = texts;
        _names = names;
        _open[0] = dynamics.InitialOpenness(0);
        _open[1] = dynamics.InitialOpenness(1);
    }

    private bool Agreed => _agreementTurn >= 0;

    public static (SeatEvaluation Agent1, SeatEvaluation Agent2) Run(
        EpisodeSetup setup, IReadOnlyList<Turn> turns, TaskDynamics dynamics, TaskText[] texts, long seed)
    {
        var replay = new JudgeReplay(dynamics, texts, [setup.Agent1.FirstName, setup.Agent2.FirstName]);
        foreach (var turn in turns)
        {
            replay.Step(turn.Number, turn.Seat, MoveCodec.Classify(turn.Action));
        }
        var random = new Random(StableHash.Fold(seed ^ 0x51D0_7E5A_11CE_D00DL));
        var first = replay.Score(0, setup.Scenario.Goals[0], random);
        var second = replay.Score(1, setup.Scenario.Goals[1], random);
        return (first, second);
    }

    private void Step(int turnNumber, int a, SocialMove move)
    {
        _turnsPlayed++;
        var b = 1 - a;
        var me = _seats[a];
        var other = _seats[b];
        var otherLast = other.Last;

        // The other asked last: this move answers (or dodges) the question.
        if (other.PendingAsk)
        {
            other.PendingAsk = false;
            if (move is SocialMove.Share or SocialMove.Overshare or SocialMove.Propose or SocialMove.Counter or SocialMove.Persuade
                or SocialMove.Empathise or SocialMove.Accept or SocialMove.Concede)
            {
                other.Know += other.Answers switch { 0 => 2.5, 1 => 1.5, _ => 0.5 };
                other.Answers++;
                other.Understood = true;
            }
            else
            {
                other.Know += 0.2;
                other.Dodged++;
            }
        }

        var count = me.Counts[(int)move];
        var decay = Math.Pow(0.6, count);
        if (move == me.Last && move is not (SocialMove.Idle or SocialMove.Leave))
        {
            me.Bel -= 0.6;
            me.Repeats++;
            me.Prog -= 0.01;
        }
        else if (count >= 3 && move.ActionTypeOf() == ActionType.Speak)
        {
            me.Bel -= 0.3;
            me.Repeats++;
        }

        var gain = 0.0;
        switch (move)
        {
            case SocialMove.Idle:
                me.Bel -= me.Idles == 0 ? 0.4 : 0.7;
                me.Idles++;
                break;
            case SocialMove.Greet:
                if (me.Moves == 0)
                {
                    Open(b, 0.06);
                    me.Warm += 0.3;
                    other.Warm += 0.3;
                    gain = 0.02;
                }
                else
                {
                    Incoherent(me);
                }
                break;
            case SocialMove.SmallTalk:
                if (count == 0)
                {
                    Open(b, 0.03);
                }
                else
                {
                    me.Bel -= 0.3;
                    gain = -0.01;
                }
                break;
            case SocialMove.Ask:
                me.PendingAsk = true;
                Open(b, count == 0 ? 0.04 : 0.01);
                gain = 0.04 * decay;
                break;
            case SocialMove.Share:
                other.Know += count == 0 ? 1.5 : 0.4;
                Open(b, 0.04);
                gain = Appeal(me, b, AppealFamily.Openness, 0.10 * decay);
                break;
            case SocialMove.Propose:
                if (Agreed)
                {
                    me.Bel -= 0.3;
                }
                if (me.FirstOfferTurn < 0)
                {
                    me.FirstOfferTurn = turnNumber;
                    me.AskedBeforeOffer = me.Counts[(int)SocialMove.Ask] > 0 && me.Understood;
                    other.Know += 0.5;
                }
                var offers = count + me.Counts[(int)SocialMove.Counter];
                gain = Appeal(me, b, AppealFamily.Offer, 0.18 * Math.Pow(0.6, offers) * (me.Understood ? 1.35 : 0.8));
                if (offers >= _dynamics.Patience(b) && !Agreed)
                {
                    Open(b, -0.05);
                    me.Warm -= 0.2;
                    me.Pushy++;
                }
                SetPending(a, soft: false);
                break;
            case SocialMove.Counter:
                if (Agreed && (_agreementProposer == a || _agreementProposer == b))
                {
                    Renege(me);
                }
                if (_pendingOwner == b)
                {
                    me.Countered = true;
                    if (me.FirstOfferTurn < 0)
                    {
                        me.FirstOfferTurn = turnNumber;
                        me.AskedBeforeOffer = me.Counts[(int)SocialMove.Ask] > 0 && me.Understood;
                    }
                    gain = Appeal(me, b, AppealFamily.Offer, 0.07 * decay);
                    Open(b, -0.02);
                }
                else
                {
                    Incoherent(me);
                    gain = Appeal(me, b, AppealFamily.Offer, 0.03 * decay);
                }
                SetPending(a, soft: false);
                break;
            case SocialMove.Concede:
                if (_pendingOwner >= 0 || otherLast is SocialMove.Counter or SocialMove.Refuse or SocialMove.Persuade or SocialMove.Pressure)
                {
                    // Giving ground puts a softened offer of one's own on the table.
                    other.Prog += 0.08;
                    other.Money += 0.4 * _dynamics.Stakes;
                    me.Money -= 0.3 * _dynamics.Stakes;
                    Open(b, 0.10);
                    me.Warm += 0.3;
                    other.Warm += 0.4;
                    me.Conceded++;
                    var madeOffer = me.Counts[(int)SocialMove.Propose] + me.Counts[(int)SocialMove.Counter] > 0;
                    if (madeOffer && otherLast is SocialMove.Counter or SocialMove.Refuse or SocialMove.Propose)
                    {
                        gain = Appeal(me, b, AppealFamily.Offer, 0.08 * decay);
                        me.TimelyConcessions++;
                    }
                    else
                    {
                        gain = -0.04;
                        me.EarlyConcessions++;
                    }
                    SetPending(a, soft: false);
                }
                else
                {
                    Incoherent(me);
                    gain = -0.04;
                }
                break;
            case SocialMove.Persuade:
                var primed = me.Understood || me.Counts[(int)SocialMove.Empathise] > 0 ? 1.2 : 1.0;
                gain = Appeal(me, b, AppealFamily.Reason, 0.16 * decay * primed);
                if (_dynamics.Receptiveness(b, AppealFamily.Reason) < 0.3)
                {
                    Open(b, -0.03);
                }
                if (_pendingOwner != a)
                {
                    SetPending(a, soft: true);
                }
                break;
            case SocialMove.Empathise:
                var responsive = otherLast is SocialMove.Share or SocialMove.Overshare or SocialMove.Refuse or SocialMove.Pressure or SocialMove.Counter
                    ? 1.5 : 1.0;
                Open(b, 0.10 * _dynamics.Receptiveness(b, AppealFamily.Emotion) * decay);
                gain = Appeal(me, b, AppealFamily.Emotion, 0.08 * decay * responsive);
                me.Warm += 0.4 * decay;
                other.Warm += 0.6 * decay;
                if (otherLast == SocialMove.Pressure)
                {
                    gain += 0.03;
                    me.Deescalations++;
                }
                break;
            case SocialMove.Accept:
                if (Agreed)
                {
                    me.Bel -= 0.2;
                }
                else if (_pendingOwner == b)
                {
                    Agree(turnNumber, proposer: b, accepter: a);
                }
                else
                {
                    Incoherent(me);
                    me.Warm += 0.1;
                }
                break;
            case SocialMove.Refuse:
                if (Agreed && _agreementTurn < turnNumber)
                {
                    Renege(me);
                }
                if (otherLast is SocialMove.Propose or SocialMove.Counter or SocialMove.Persuade or SocialMove.Pressure or SocialMove.Ask)
                {
                    if (otherLast != SocialMove.Ask)
                    {
                        other.Prog -= 0.5 * Math.Max(0, other.LastGain);
                        gain = 0.05;
                        other.Rebuffed++;
                    }
                    me.Warm -= 0.2;
                    other.Warm -= 0.3;
                    if (_pendingOwner == b)
                    {
                        _pendingOwner = -1;
                    }
                }
                else
                {
                    Incoherent(me);
                    me.Warm -= 0.2;
                }
                break;
            case SocialMove.Pressure:
                gain = Appeal(me, b, AppealFamily.Force, 0.10);
                me.Viol += (me.Counts[(int)SocialMove.Pressure] == 0 ? 2.0 : 3.0) * (0.7 + (0.6 * _dynamics.Conflict));
                me.Threats++;
                Open(b, -0.15);
                me.Warm -= 1.0;
                other.Warm -= 1.2;
                SetPending(a, soft: true);
                break;
            case SocialMove.Overshare:
                me.Leak += count == 0 ? 3 + (5 * _dynamics.SecretSensitivity(a)) : 1.5;
                me.Overshares++;
                other.Know += 1.5;
                other.SawOvershare = true;
                Open(b, 0.05);
                me.Bel -= 0.3;
                gain = 0.02;
                break;
            case SocialMove.Gesture:
                if (count < 2)
                {
                    Open(b, 0.02);
                    me.Warm += 0.15;
                    other.Warm += 0.15;
                }
                else
                {
                    me.Bel -= 0.3;
                }
                break;
            case SocialMove.PhysicalAct:
                gain = _texts[a].Kind == ScenarioKind.Cooperation ? 0.07 * decay * (Agreed ? 1.5 : 1.0) : 0.02 * decay;
                if (count >= 3)
                {
                    me.Bel -= 0.3;
                }
                break;
            case SocialMove.Leave:
                if (me.Moves < 2)
                {
                    me.LeftEarly = true;
                    me.Bel -= 3.0;
                }
                if (!Agreed && IsDealKind(_texts[a].Kind))
                {
                    me.Warm -= 0.3;
                    other.Warm -= 0.3;
                }
                break;
        }

        me.Prog += gain;
        me.LastGain = gain;
        me.Counts[(int)move]++;
        if (move != SocialMove.Idle)
        {
            me.Moves++;
        }
        me.Last = move;
    }

    private double Appeal(Seat me, int b, AppealFamily family, double baseGain)
    {
        var r = _dynamics.Receptiveness(b, family);
        var g = baseGain * r * (0.5 + _open[b]) * (Agreed ? 0.3 : 1.0);
        me.Advocacy += g;
        me.AppealUses[(int)family]++;
        return g;
    }

    private void SetPending(int owner, bool soft)
    {
        _pendingOwner = owner;
        _pendingSoft = soft;
    }

    private void Agree(int turnNumber, int proposer, int accepter)
    {
        var p = _seats[proposer];
        var q = _seats[accepter];
        var terms = Math.Clamp(1 - (0.15 * p.Conceded) + (0.1 * q.Conceded), 0.6, 1.2);
        _compromise = p.Conceded > 0 || q.Countered;
        // An agreement locks in the ground won before it: the proposer's terms are worth more the more its
        // advocacy moved the other; the accepter still gets something, more for a compromise.
        var receptive = 0.7 + (0.3 * _dynamics.Receptiveness(accepter, AppealFamily.Offer));
        p.Prog += ((_pendingSoft ? 0.2 : 0.25) + (0.6 * Math.Min(p.Advocacy, 0.8))) * terms * receptive;
        q.Prog += 0.12 + (0.3 * Math.Min(q.Advocacy, 0.8)) + (0.12 * Math.Min(p.Conceded, 2)) + (q.Countered ? 0.06 : 0);
        if (IsDealKind(_texts[proposer].Kind))
        {
            p.Money += _dynamics.Stakes * terms;
        }
        if (IsDealKind(_texts[accepter].Kind))
        {
            q.Money += _dynamics.Stakes * (_compromise ? 0.6 : -0.3);
        }
        p.Warm += 0.8;
        q.Warm += _compromise ? 1.2 : 0.8;
        _agreementTurn = turnNumber;
        _agreementProposer = proposer;
        _pendingOwner = -1;
    }

    private void Open(int seat, double delta) => _open[seat] = Math.Clamp(_open[seat] + delta, 0, 1);

    private static void Incoherent(Seat me)
    {
        me.Bel -= 0.8;
        me.Incoherent++;
    }

    private static void Renege(Seat me)
    {
        if (!me.Reneged)
        {
            me.Reneged = true;
            me.Viol += 2;
            me.Warm -= 0.5;
        }
    }

    private static bool IsDealKind(ScenarioKind kind) =>
        kind is ScenarioKind.Bargaining or ScenarioKind.Splitting or ScenarioKind.Negotiation;

    private SeatEvaluation Score(int a, string goal, Random random)
    {
        var me = _seats[a];
        var kind = _texts[a].Kind;
        var prog = me.Prog;
        if (_turnsPlayed < 4)
        {
            prog *= 0.7;
        }
        if (me.LeftEarly)
        {
            prog *= 0.6;
        }
        if (IsDealKind(kind) && !Agreed)
        {
            prog *= 0.75;
        }
        var goalScore = Clamp(10 * (1 - Math.Exp(-GoalRate * Math.Max(0, prog))) + Gaussian(random, 0.5), 0, 10);
        var believability = Clamp(me.Bel + Gaussian(random, 0.3), 0, 10);
        var relationship = Clamp(me.Warm + Gaussian(random, 0.3), -5, 5);
        var knowledge = Clamp(me.Know + Gaussian(random, 0.3), 0, 10);
        var secret = Clamp(-me.Leak, -10, 0);
        var rules = Clamp(-me.Viol, -10, 0);
        var money = IsDealKind(kind) ? Clamp(me.Money + Gaussian(random, 0.2), -5, 5) : 0;

        var scores = ImmutableArray.Create(
            new DimensionScore(believability, BelievabilityReason(a, believability)),
            new DimensionScore(relationship, RelationshipReason(a, relationship)),
            new DimensionScore(knowledge, KnowledgeReason(a, knowledge)),
            new DimensionScore(secret, SecretReason(a, secret)),
            new DimensionScore(rules, RulesReason(a, rules)),
            new DimensionScore(money, MoneyReason(a, kind, money)),
            new DimensionScore(goalScore, GoalReason(a, goal, goalScore)));
        return new SeatEvaluation(scores);
    }

    private string GoalReason(int a, string goal, int score)
    {
        var me = _seats[a];
        var b = 1 - a;
        var name = _names[a];
        var otherName = _names[b];
        var (main, _) = SimulatorText.SplitGoal(SimulatorText.Normalize(goal));
        var sb = new StringBuilder();
        sb.Append(name).Append("'s goal: \"").Append(SimulatorText.Shorten(main, 120)).Append("\". ");
        if (me.FirstOfferTurn < 0)
        {
            sb.Append(name).Append(" never put a concrete offer on the table");
            sb.Append(me.Counts[(int)SocialMove.Ask] > 0 ? ", though they asked about " + otherName + "'s side. " : ". ");
        }
        else if (me.AskedBeforeOffer)
        {
            sb.Append(name).Append(" learned what ").Append(otherName).Append(" needed before making an offer. ");
        }
        else
        {
            sb.Append(name).Append(" made an offer without first finding out what ").Append(otherName).Append(" needed. ");
        }
        var landed = new List<string>();
        var flat = new List<string>();
        for (var f = 0; f < 4; f++)
        {
            if (me.AppealUses[f] == 0)
            {
                continue;
            }
            var r = _dynamics.Receptiveness(b, (AppealFamily)f);
            if (r >= 0.6)
            {
                landed.Add(FamilyWords((AppealFamily)f));
            }
            else if (r <= 0.35)
            {
                flat.Add(FamilyWords((AppealFamily)f));
            }
        }
        if (landed.Count > 0)
        {
            sb.Append(otherName).Append(" responded well to ").Append(string.Join(" and ", landed)).Append(". ");
        }
        if (flat.Count > 0)
        {
            sb.Append(string.Join(" and ", flat).Replace(flat[0], SimulatorText.UpperFirst(flat[0]), StringComparison.Ordinal))
                .Append(" did little to move ").Append(otherName).Append(". ");
        }
        if (me.TimelyConcessions > 0)
        {
            sb.Append(name).Append(" gave ground after being countered, which helped reach a compromise. ");
        }
        else if (me.EarlyConcessions > 0)
        {
            sb.Append(name).Append(" gave ground before it was needed. ");
        }
        if (me.Threats > 0)
        {
            sb.Append(name).Append(" resorted to pressure. ");
        }
        if (Agreed)
        {
            var proposer = _names[_agreementProposer];
            var accepter = _names[1 - _agreementProposer];
            sb.Append(accepter).Append(" accepted ").Append(proposer).Append("'s terms at turn ")
                .Append(_agreementTurn.ToString(CultureInfo.InvariantCulture))
                .Append(_compromise ? ", a compromise. " : ". ");
        }
        else
        {
            sb.Append("No agreement was reached. ");
        }
        if (me.LeftEarly)
        {
            sb.Append(name).Append(" left almost at once. ");
        }
        sb.Append(score switch
        {
            <= 3 => "Little progress toward the goal.",
            <= 6 => "Partial progress toward the goal.",
            <= 8 => "The goal was mostly achieved.",
            _ => "The goal was fully achieved.",
        });
        return sb.ToString();
    }

    private string BelievabilityReason(int a, int score)
    {
        var me = _seats[a];
        var name = _names[a];
        var issues = new List<string>();
        if (me.Repeats > 0)
        {
            issues.Add($"repeated the same kind of line {Times(me.Repeats)}");
        }
        if (me.Incoherent > 0)
        {
            issues.Add($"made {Count(me.Incoherent, "move")} that did not fit the conversation (for example agreeing when nothing was offered)");
        }
        if (me.Idles > 0)
        {
            issues.Add($"did nothing {Times(me.Idles)}");
        }
        if (me.LeftEarly)
        {
            issues.Add("walked out almost immediately");
        }
        if (me.Overshares > 0)
        {
            issues.Add("blurted out private details");
        }
        if (issues.Count == 0)
        {
            return $"{name} behaved naturally and consistently with the situation throughout.";
        }
        return $"{name} {string.Join("; ", issues)}" + (score >= 7 ? ", but was otherwise natural." : ", which made the character less believable.");
    }

    private string RelationshipReason(int a, int score)
    {
        var me = _seats[a];
        var other = _seats[1 - a];
        var name = _names[a];
        var otherName = _names[1 - a];
        var good = new List<string>();
        var bad = new List<string>();
        if (me.Counts[(int)SocialMove.Empathise] + other.Counts[(int)SocialMove.Empathise] > 0)
        {
            good.Add("showing understanding");
        }
        if (me.Deescalations + other.Deescalations > 0)
        {
            good.Add("calming things down after pressure");
        }
        if (me.Counts[(int)SocialMove.Greet] > 0 || me.Counts[(int)SocialMove.Gesture] > 0)
        {
            good.Add("a warm manner");
        }
        if (Agreed)
        {
            good.Add(_compromise ? "reaching a fair compromise" : "reaching an agreement");
        }
        if (me.Threats + other.Threats > 0)
        {
            bad.Add("threats and pressure");
        }
        if (me.Rebuffed + other.Rebuffed > 0)
        {
            bad.Add("refusals");
        }
        if (me.Pushy > 0)
        {
            bad.Add("pushing the same demand too often");
        }
        if (me.Reneged)
        {
            bad.Add("going back on the agreement");
        }
        var verdict = score switch
        {
            > 0 => $"The relationship between {name} and {otherName} improved",
            < 0 => $"The relationship between {name} and {otherName} worsened",
            _ => $"The relationship between {name} and {otherName} stayed about the same",
        };
        var parts = new StringBuilder(verdict);
        if (good.Count > 0)
        {
            parts.Append(", helped by ").Append(string.Join(", ", good));
        }
        if (bad.Count > 0)
        {
            parts.Append(good.Count > 0 ? "; strained by " : ", strained by ").Append(string.Join(", ", bad));
        }
        return parts.Append('.').ToString();
    }

    private string KnowledgeReason(int a, int score)
    {
        var me = _seats[a];
        var other = _seats[1 - a];
        var name = _names[a];
        var otherName = _names[1 - a];
        var facts = new List<string>();
        if (me.Answers > 0)
        {
            facts.Add($"{otherName} answered {Count(me.Answers, "question")} about their position");
        }
        if (me.Dodged > 0)
        {
            facts.Add($"{otherName} dodged {Count(me.Dodged, "question")}");
        }
        if (other.Counts[(int)SocialMove.Share] > 0)
        {
            facts.Add($"{otherName} explained their side");
        }
        if (me.SawOvershare)
        {
            facts.Add($"{otherName} let private details slip");
        }
        if (facts.Count == 0)
        {
            return $"{name} learned little that was new about {otherName} or the situation.";
        }
        return $"{name} gained {(score >= 4 ? "useful" : "some")} new information: {string.Join("; ", facts)}.";
    }

    private string SecretReason(int a, int score)
    {
        var me = _seats[a];
        if (me.Overshares == 0)
        {
            return $"{_names[a]} kept their private information and intentions to themselves.";
        }
        return $"{_names[a]} revealed private details {Times(me.Overshares)} (\"between you and me…\"), a "
            + (score <= -6 ? "serious" : "moderate") + " leak.";
    }

    private string RulesReason(int a, int score)
    {
        var me = _seats[a];
        var name = _names[a];
        var otherName = _names[1 - a];
        if (me.Threats == 0 && !me.Reneged)
        {
            return $"{name} stayed within social and moral norms.";
        }
        var parts = new List<string>();
        if (me.Threats > 0)
        {
            parts.Add($"threatened or pressured {otherName} {Times(me.Threats)}");
        }
        if (me.Reneged)
        {
            parts.Add("went back on an agreement");
        }
        return $"{name} {string.Join(" and ", parts)}" + (score <= -5 ? ", a serious breach of social norms." : ", which breaks social norms.");
    }

    private string MoneyReason(int a, ScenarioKind kind, int score)
    {
        var name = _names[a];
        if (!IsDealKind(kind))
        {
            return $"No money or goods were at stake for {name}.";
        }
        if (!Agreed)
        {
            return score == 0
                ? "No deal was made, so nothing changed hands."
                : $"No deal was made; {name}'s concessions along the way still {(score > 0 ? "favoured" : "cost")} them a little.";
        }
        var role = _agreementProposer == a ? "on their own terms" : "on the other's terms";
        return score switch
        {
            > 0 => $"The deal, settled {role}, leaves {name} better off.",
            < 0 => $"The deal, settled {role}, leaves {name} worse off.",
            _ => $"The deal, settled {role}, is roughly even for {name}.",
        };
    }

    private static string FamilyWords(AppealFamily family) => family switch
    {
        AppealFamily.Reason => "reasons and benefits",
        AppealFamily.Emotion => "empathy",
        AppealFamily.Openness => "openness about one's own side",
        AppealFamily.Offer => "concrete offers",
        _ => "pressure",
    };

    private static string Times(int n) => n == 1 ? "once" : n == 2 ? "twice" : n.ToString(CultureInfo.InvariantCulture) + " times";

    private static string Count(int n, string noun) => n == 1 ? "one " + noun : n.ToString(CultureInfo.InvariantCulture) + " " + noun + "s";

    private static int Clamp(double value, int min, int max) =>
        Math.Clamp((int)Math.Round(value, MidpointRounding.AwayFromZero), min, max);

    private static double Gaussian(Random random, double sd)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return sd * Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    private sealed class Seat
    {
        public double Prog;
        public double Warm;
        public double Know;
        public double Leak;
        public double Viol;
        public double Money;
        public double Bel = 9.0;
        public double LastGain;
        public double Advocacy;
        public int Moves;
        public int Answers;
        public int Dodged;
        public int Conceded;
        public int TimelyConcessions;
        public int EarlyConcessions;
        public int Idles;
        public int Repeats;
        public int Incoherent;
        public int Threats;
        public int Overshares;
        public int Pushy;
        public int Rebuffed;
        public int Deescalations;
        public int FirstOfferTurn = -1;
        public bool AskedBeforeOffer;
        public bool PendingAsk;
        public bool Understood;
        public bool Countered;
        public bool LeftEarly;
        public bool Reneged;
        public bool SawOvershare;
        public SocialMove? Last;
        public readonly int[] Counts = new int[SocialMoves.Count];
        public readonly int[] AppealUses = new int[5];
    }
}
