using System.Globalization;
using System.Text.RegularExpressions;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Simulator;

/// <summary>Renders a <see cref="SocialMove"/> as a natural line built from the task's own goal and the
/// characters' names (a few variants per move), and classifies any <see cref="AgentAction"/> back into a move.
/// Every spoken variant starts with a lead phrase distinctive of its move, so our own lines classify back
/// exactly; other text (for example from a real LLM) gets a best-effort keyword classification. Never throws
/// for unknown text.</summary>
public static partial class MoveCodec
{
    private const string DefaultDetail = "there's something about my situation I usually keep to myself";

    private static readonly Func<MoveRenderContext, string>[][] Templates = BuildTemplates();

    // Lead phrases of the spoken moves: every spoken template starts with one of these.
    private static readonly (string Lead, SocialMove Move)[] Leads =
    [
        ("Hi", SocialMove.Greet), ("Hello", SocialMove.Greet), ("Hey", SocialMove.Greet),
        ("Can I ask you something", SocialMove.Ask), ("Tell me,", SocialMove.Ask), ("What's your take on", SocialMove.Ask),
        ("Let me be open with you", SocialMove.Share), ("Here's where I stand", SocialMove.Share), ("To be honest about my side", SocialMove.Share),
        ("Here's what I propose", SocialMove.Propose), ("How about this", SocialMove.Propose), ("My suggestion is", SocialMove.Propose),
        ("I see it a bit differently", SocialMove.Counter), ("What if instead", SocialMove.Counter), ("Let me suggest an alternative", SocialMove.Counter),
        ("Alright, I can give a little", SocialMove.Concede), ("Fair enough", SocialMove.Concede), ("You have a point", SocialMove.Concede),
        ("Think about it", SocialMove.Persuade), ("Hear me out", SocialMove.Persuade), ("Consider this", SocialMove.Persuade),
        ("I understand how you feel", SocialMove.Empathise), ("That sounds really hard", SocialMove.Empathise), ("I can see why", SocialMove.Empathise),
        ("Deal", SocialMove.Accept), ("That works for me", SocialMove.Accept), ("Okay, I agree", SocialMove.Accept),
        ("No, I can't", SocialMove.Refuse), ("I'm sorry, but", SocialMove.Refuse), ("That won't work for me", SocialMove.Refuse),
        ("Listen,", SocialMove.Pressure), ("You'd better", SocialMove.Pressure), ("I'm warning you", SocialMove.Pressure),
        ("I shouldn't tell you this", SocialMove.Overshare), ("Between you and me", SocialMove.Overshare), ("I've never told anyone", SocialMove.Overshare),
        ("By the way", SocialMove.SmallTalk), ("Anyway,", SocialMove.SmallTalk), ("Speaking of other things", SocialMove.SmallTalk),
    ];

    /// <summary>How many distinct lines <see cref="Render"/> can produce for a move.</summary>
    public static int VariantCount(SocialMove move) => Templates[(int)move].Length;

    /// <summary>Renders a move as an action. <paramref name="variant"/> is taken modulo
    /// <see cref="VariantCount"/>.</summary>
    public static AgentAction Render(SocialMove move, MoveRenderContext context, int variant)
    {
        ArgumentNullException.ThrowIfNull(context);
        var type = move.ActionTypeOf();
        if (type is ActionType.None)
        {
            return AgentAction.None;
        }
        if (type is ActionType.Leave)
        {
            return AgentAction.Leave;
        }
        var templates = Templates[(int)move];
        var index = (int)((uint)variant % (uint)templates.Length);
        return new AgentAction(type, templates[index](context));
    }

    /// <summary>Renders a move with a variant drawn from <paramref name="random"/>.</summary>
    public static AgentAction Render(SocialMove move, MoveRenderContext context, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return Render(move, context, random.Next(VariantCount(move)));
    }

    /// <summary>Recovers the move an action expresses. Exact for lines made by <see cref="Render"/>;
    /// a keyword guess for anything else. Never throws.</summary>
    public static SocialMove Classify(AgentAction? action)
    {
        if (action is null)
        {
            return SocialMove.Idle;
        }
        return action.Type switch
        {
            ActionType.None => SocialMove.Idle,
            ActionType.Leave => SocialMove.Leave,
            ActionType.NonVerbalCommunication => SocialMove.Gesture,
            ActionType.Action => SocialMove.PhysicalAct,
            _ => ClassifySpeech(action.Argument),
        };
    }

    /// <summary>Classifies a spoken line (see <see cref="Classify"/>).</summary>
    public static SocialMove ClassifySpeech(string? text)
    {
        var span = TrimSpeech(text);
        if (span.IsEmpty)
        {
            return SocialMove.Idle;
        }
        foreach (var (lead, move) in Leads)
        {
            if (span.StartsWith(lead, StringComparison.OrdinalIgnoreCase) &&
                (span.Length == lead.Length || !char.IsLetterOrDigit(span[lead.Length])))
            {
                return move;
            }
        }
        return MoveKeywords.Guess(span);
    }

    private static ReadOnlySpan<char> TrimSpeech(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }
        var span = text.AsSpan().Trim();
        if (span.StartsWith("[") && span.IndexOf(']') is var close and > 0)
        {
            span = span[(close + 1)..].TrimStart();
        }
        return span.Trim(" \"'“”‘’\t\r\n".AsSpan());
    }

    private static Func<MoveRenderContext, string>[][] BuildTemplates()
    {
        var t = new Func<MoveRenderContext, string>[SocialMoves.Count][];
        t[(int)SocialMove.Idle] = [_ => ""];
        t[(int)SocialMove.Leave] = [_ => ""];
        t[(int)SocialMove.Greet] =
        [
            c => $"Hi {c.OtherFirstName}! It's good to see you.",
            c => $"Hello {c.OtherFirstName}, thanks for taking a moment to talk.",
            c => $"Hey {c.OtherFirstName}, how have you been?",
        ];
        t[(int)SocialMove.Ask] =
        [
            c => $"Can I ask you something, {c.OtherFirstName}? What matters most to you about {c.Task.Stake}?",
            c => $"Tell me, {c.OtherFirstName}, what would you need to feel good about {c.Task.Stake}?",
            c => $"What's your take on {c.Task.Stake}, {c.OtherFirstName}? I'd like to understand where you stand.",
        ];
        t[(int)SocialMove.Share] =
        [
            c => $"Let me be open with you, {c.OtherFirstName}. {c.Task.AimSentence}.",
            c => $"Here's where I stand, {c.OtherFirstName}: {c.Task.AimSentence}.",
            c => $"To be honest about my side of it: {c.Task.AimSentence}.",
        ];
        t[(int)SocialMove.Propose] =
        [
            c => $"Here's what I propose, {c.OtherFirstName}: {Proposal(c.Task)}.",
            c => $"How about this: {Proposal(c.Task)}?",
            c => $"My suggestion is simple, {c.OtherFirstName}: {Proposal(c.Task)}.",
        ];
        t[(int)SocialMove.Counter] =
        [
            c => $"I see it a bit differently, {c.OtherFirstName}. Could we settle on {CounterTerms(c.Task)} instead?",
            c => $"What if instead we settled on {CounterTerms(c.Task)}?",
            c => $"Let me suggest an alternative, {c.OtherFirstName}: {CounterTerms(c.Task)}.",
        ];
        t[(int)SocialMove.Concede] =
        [
            c => $"Alright, I can give a little on {c.Task.Stake}.{ConcessionTail(c.Task)}",
            c => $"Fair enough, {c.OtherFirstName}, I'll meet you partway.{ConcessionTail(c.Task)}",
            c => $"You have a point, so I'm willing to bend on {c.Task.Stake}.",
        ];
        t[(int)SocialMove.Persuade] =
        [
            c => $"Think about it, {c.OtherFirstName}: this would be good for both of us, and it would mean a lot to me.",
            c => $"Hear me out, {c.OtherFirstName}. {c.Task.AimSentence}, and there are real benefits in it for you too.",
            c => $"Consider this: if {Proposal(c.Task)}, you come out ahead as well.",
        ];
        t[(int)SocialMove.Empathise] =
        [
            c => $"I understand how you feel, {c.OtherFirstName}.",
            c => $"That sounds really hard, {c.OtherFirstName}. I can tell it matters to you.",
            c => $"I can see why this is important to you, {c.OtherFirstName}.",
        ];
        t[(int)SocialMove.Accept] =
        [
            c => $"Deal, {c.OtherFirstName}. Let's go with that.",
            c => $"That works for me, {c.OtherFirstName}. Let's do it.",
            _ => "Okay, I agree. Thank you for working this out with me.",
        ];
        t[(int)SocialMove.Refuse] =
        [
            c => $"No, I can't agree to that, {c.OtherFirstName}.",
            _ => "I'm sorry, but that's not something I can do.",
            c => $"That won't work for me, {c.OtherFirstName}.",
        ];
        t[(int)SocialMove.Pressure] =
        [
            c => $"Listen, {c.OtherFirstName}, if you don't go along with this, you'll regret it.",
            c => $"You'd better think twice, {c.OtherFirstName}. I won't let this go.",
            c => $"I'm warning you, {c.OtherFirstName}: I'm not leaving without what I came for.",
        ];
        t[(int)SocialMove.Overshare] =
        [
            c => $"I shouldn't tell you this, but {c.Task.PrivateDetail ?? DefaultDetail}.",
            c => $"Between you and me, {c.OtherFirstName}, {c.Task.PrivateDetail ?? DefaultDetail}.",
            c => $"I've never told anyone this, but {c.Task.PrivateDetail ?? DefaultDetail}.",
        ];
        t[(int)SocialMove.SmallTalk] =
        [
            c => $"By the way, {c.OtherFirstName}, have you been keeping busy lately?",
            _ => "Anyway, lovely weather we're having, isn't it?",
            _ => "Speaking of other things, did you catch the game last night?",
        ];
        t[(int)SocialMove.Gesture] =
        [
            c => $"nods thoughtfully at {c.OtherFirstName}",
            _ => "smiles warmly",
            _ => "leans in and listens closely",
        ];
        t[(int)SocialMove.PhysicalAct] =
        [
            c => $"jots down a few notes about {c.Task.Stake}",
            c => $"pulls a chair closer to {c.OtherFirstName}",
            _ => "pours two glasses of water and offers one",
        ];
        return t;
    }

    /// <summary>An offer in words: "I pay $418 for the couch", "you donate to the cause", …</summary>
    private static string Proposal(TaskText task)
    {
        if (task.TargetPrice is { } price)
        {
            var p = TaskText.FormatPrice(price);
            return task.Role switch
            {
                PriceRole.Buyer => $"I pay {p} for {task.Stake}",
                PriceRole.Seller => $"you take {task.Stake} for {p}",
                _ => $"we settle {task.Stake} at {p}",
            };
        }
        if (task.Kind == ScenarioKind.Splitting)
        {
            return $"we divide {task.Stake} so each of us ends up with what we value most";
        }
        if (task.AimVerbPhrase is { } verb)
        {
            var request = AskOfOther().Match(verb);
            return request.Success
                ? "you " + request.Groups[1].Value
                : "we agree on a plan that lets me " + verb;
        }
        return $"we find a way forward on {task.Stake} that works for me";
    }

    private static string CounterTerms(TaskText task)
    {
        if (task.TargetPrice is { } price)
        {
            var factor = task.Role == PriceRole.Seller ? 1.08m : 0.92m;
            return $"{TaskText.FormatPrice(price * factor)} for {task.Stake}";
        }
        return $"something closer to what I need on {task.Stake}";
    }

    private static string ConcessionTail(TaskText task)
    {
        if (task.TargetPrice is not { } price || task.Role == PriceRole.None)
        {
            return "";
        }
        var factor = task.Role == PriceRole.Buyer ? 1.06m : 0.94m;
        return string.Create(CultureInfo.InvariantCulture, $" I could do {TaskText.FormatPrice(price * factor)}.");
    }

    [GeneratedRegex("""^(?:convince|persuade|get|encourage|ask|urge) you to (.+)$""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AskOfOther();
}
