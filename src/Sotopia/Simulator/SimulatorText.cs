using System.Text;
using System.Text.RegularExpressions;

namespace SotopiaPi.Sotopia.Simulator;

/// <summary>Text helpers of the simulator: tag stripping, goal splitting and the second-to-first person
/// rewrite used to turn a goal ("convince your friend to …") into something the agent can say.</summary>
internal static partial class SimulatorText
{
    private const char OtherMark = '\u0002';
    private const char OtherPossessiveMark = '\u0003';

    /// <summary>Drops blocks only the environment may see (<c>&lt;p viewer="environment"&gt;…&lt;/p&gt;</c>), keeps
    /// the inner text of every other tag (<c>extra_info</c>, <c>strategy_hint</c>, <c>clarification_hint</c>),
    /// and collapses white space.</summary>
    public static string Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        var s = text;
        if (s.Contains('<', StringComparison.Ordinal))
        {
            s = ViewerBlock().Replace(s, " ");
            s = AnyTag().Replace(s, " ");
        }
        return CollapseSpace(s);
    }

    /// <summary>Splits a normalized goal into its main clause (what the agent wants) and the extra information
    /// that follows it (the private details), without the "Extra information:" / "Hint:" labels.</summary>
    public static (string Main, string Extra) SplitGoal(string goal)
    {
        var cut = goal.Length;
        var extraStart = -1;
        var extraLabel = goal.IndexOf("Extra information", StringComparison.OrdinalIgnoreCase);
        if (extraLabel >= 0)
        {
            cut = extraLabel;
            var colon = goal.IndexOf(':', extraLabel);
            extraStart = colon >= 0 ? colon + 1 : extraLabel + "Extra information".Length;
        }
        var hint = goal.IndexOf("Hint:", StringComparison.OrdinalIgnoreCase);
        if (hint >= 0 && hint < cut)
        {
            cut = hint;
        }
        var paren = goal.IndexOf('(', StringComparison.Ordinal);
        if (paren > 0 && paren < cut)
        {
            cut = paren;
        }
        var main = goal[..cut];
        var sentenceEnd = FirstSentenceEnd(main);
        if (sentenceEnd > 0)
        {
            main = main[..sentenceEnd];
        }
        main = TrimClause(main);

        var extra = "";
        if (extraStart >= 0 && extraStart < goal.Length)
        {
            var end = goal.Length;
            var hintAfter = goal.IndexOf("Hint:", extraStart, StringComparison.OrdinalIgnoreCase);
            if (hintAfter >= 0)
            {
                end = hintAfter;
            }
            extra = TrimClause(goal[extraStart..end]);
        }
        else if (sentenceEnd > 0 && sentenceEnd < goal.Length && extraLabel < 0 && hint < 0)
        {
            extra = TrimClause(goal[sentenceEnd..]);
        }
        return (main, extra);
    }

    /// <summary>Rewrites a goal clause from the second person ("your friend … you …") to the agent's own voice
    /// ("you … I …"), where the other participant becomes "you".</summary>
    public static string ToFirstPerson(string clause)
    {
        if (clause.Length == 0)
        {
            return clause;
        }
        var s = BothOfYou().Replace(clause, m => m.Groups[1].Value + " of us");
        s = OtherPerson().Replace(s, m =>
            m.Value.EndsWith("'s", StringComparison.Ordinal) ? OtherPossessiveMark.ToString() : OtherMark.ToString());
        s = ThirdPersonPronoun().Replace(s, m => m.Value.ToLowerInvariant() switch
        {
            "them" => OtherMark.ToString(),
            "themselves" => "yourself",
            _ => OtherPossessiveMark.ToString(),
        });
        s = SecondPersonPronoun().Replace(s, m =>
        {
            var word = m.Value.ToLowerInvariant();
            var replacement = word switch
            {
                "yourself" => "myself",
                "yours" => "mine",
                "your" => "my",
                "you're" => "I'm",
                "you've" => "I've",
                "you'll" => "I'll",
                "you'd" => "I'd",
                _ => ObjectPosition(s, m.Index) ? "me" : "I",
            };
            return replacement;
        });
        s = s.Replace("I are ", "I am ", StringComparison.Ordinal)
            .Replace("I were ", "I was ", StringComparison.Ordinal)
            .Replace("I is ", "I am ", StringComparison.Ordinal);
        var sb = new StringBuilder(s.Length + 8);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == OtherMark)
            {
                sb.Append("you");
            }
            else if (c == OtherPossessiveMark)
            {
                sb.Append("your");
            }
            else
            {
                sb.Append(c);
            }
        }
        var result = YouAgreement().Replace(sb.ToString(), m => "you " + m.Groups[1].Value.ToLowerInvariant() switch
        {
            "has" => "have",
            "is" => "are",
            "was" => "were",
            "does" => "do",
            "doesn't" => "don't",
            "hasn't" => "haven't",
            "isn't" => "aren't",
            "wasn't" => "weren't",
            var verb => verb[..^1],
        });
        return result;
    }

    public static string LowerFirst(string s)
    {
        if (s.Length == 0 || !char.IsUpper(s[0]))
        {
            return s;
        }
        if (s.Length > 1 && (char.IsUpper(s[1]) || s[1] == '\''))
        {
            return s;
        }
        if (s.StartsWith("I ", StringComparison.Ordinal))
        {
            return s;
        }
        return char.ToLowerInvariant(s[0]) + s[1..];
    }

    public static string UpperFirst(string s) =>
        s.Length == 0 || char.IsUpper(s[0]) ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>Cuts to at most <paramref name="max"/> characters: whole sentences when the first one fits,
    /// otherwise at a word boundary.</summary>
    public static string Shorten(string s, int max)
    {
        if (s.Length <= max)
        {
            return s;
        }
        var lastSentenceEnd = -1;
        for (var i = 0; i < max && i < s.Length - 1; i++)
        {
            if ((s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i + 1] == ' ' && i > 0 && !char.IsDigit(s[i - 1]))
            {
                lastSentenceEnd = i;
            }
        }
        if (lastSentenceEnd > 0)
        {
            return TrimClause(s[..lastSentenceEnd]);
        }
        var cut = s.LastIndexOf(' ', max);
        return TrimClause(cut > max / 2 ? s[..cut] : s[..max]);
    }

    public static string TrimClause(string s) => s.Trim().Trim('(', ')', '.', ',', ';', ':', ' ', '"').Trim();

    public static string FirstName(string fullName)
    {
        var trimmed = fullName.Trim();
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 ? trimmed[..space] : trimmed;
    }

    private static int FirstSentenceEnd(string s)
    {
        for (var i = 0; i < s.Length - 1; i++)
        {
            if ((s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i + 1] == ' ')
            {
                return i;
            }
        }
        return -1;
    }

    private static bool ObjectPosition(string s, int index)
    {
        var previous = PreviousWord(s, index);
        if (previous.IsEmpty)
        {
            return false;
        }
        if (previous.Equals("and", StringComparison.OrdinalIgnoreCase) || previous.Equals("or", StringComparison.OrdinalIgnoreCase))
        {
            // "… and you would like" is a subject; "… between me and you" is not worth the trouble.
            var next = NextWord(s, index + 3);
            return !SubjectFollowers.Contains(next.ToString().ToLowerInvariant());
        }
        foreach (var word in ObjectTriggers)
        {
            if (previous.Equals(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private static ReadOnlySpan<char> PreviousWord(string s, int index)
    {
        var end = index - 1;
        while (end >= 0 && s[end] == ' ')
        {
            end--;
        }
        if (end < 0 || !char.IsLetter(s[end]))
        {
            return [];
        }
        var start = end;
        while (start > 0 && (char.IsLetter(s[start - 1]) || s[start - 1] == '\''))
        {
            start--;
        }
        return s.AsSpan(start, end - start + 1);
    }

    private static ReadOnlySpan<char> NextWord(string s, int index)
    {
        var start = index;
        while (start < s.Length && s[start] == ' ')
        {
            start++;
        }
        var end = start;
        while (end < s.Length && (char.IsLetter(s[end]) || s[end] == '\''))
        {
            end++;
        }
        return s.AsSpan(start, end - start);
    }

    private static readonly string[] ObjectTriggers =
    [
        "to", "with", "for", "at", "about", "from", "of", "than", "like", "against", "toward", "towards", "by", "on",
        "into", "around", "between", "without", "help", "helps", "ask", "asked", "tell", "told", "tells", "let", "lets",
        "make", "makes", "making", "give", "gives", "gave", "upset", "upsetting", "hurt", "hurting", "persuade",
        "convince", "trust", "love", "loves", "assure", "remind", "thank", "invite", "see", "meet", "met", "join",
        "offer", "offers", "offered", "avoid", "avoiding", "distract", "distracting", "sent", "send", "call", "pay",
        "paid", "owe", "owes", "support", "supporting", "blame", "blames", "estranged", "leave", "leaving", "understand",
        "bother", "bothering", "annoy", "annoying", "disappoint", "disappointing", "visit", "need", "needs", "want",
        "wants",
    ];

    private static readonly HashSet<string> SubjectFollowers =
    [
        "am", "are", "is", "was", "were", "have", "has", "had", "will", "would", "can", "could", "should", "shall",
        "may", "might", "must", "do", "does", "did", "don't", "didn't", "won't", "can't", "need", "want", "know",
        "think", "believe", "feel", "value", "only", "also", "just", "really", "never", "always", "already", "still",
        "hope", "wish", "plan", "like",
    ];

    private static string CollapseSpace(string s)
    {
        var sb = new StringBuilder(s.Length);
        var space = false;
        foreach (var c in s)
        {
            if (char.IsWhiteSpace(c))
            {
                space = sb.Length > 0;
            }
            else
            {
                if (space)
                {
                    sb.Append(' ');
                    space = false;
                }
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    [GeneratedRegex("""<(\w+)[^<>]*\bviewer\s*=\s*"[^"]*"[^<>]*>.*?</\1\s*>""", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ViewerBlock();

    [GeneratedRegex("""</?[A-Za-z_][\w-]*(\s[^<>]*)?/?>""", RegexOptions.CultureInvariant)]
    private static partial Regex AnyTag();

    [GeneratedRegex(
        """\b(?:your|the|my)\s+(?:other person|other individual|other inmate|other party|other agent|business partner|cousin's partner|co-actor|coactor|co-worker|coworker|friend|partner|roommate|neighbou?r|colleague|teammate|sibling|cousin|spouse|date|classmate|guest|host|other)(?:'s)?\b""",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OtherPerson();

    [GeneratedRegex("""\b(both|each|either|neither|all) of you\b""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BothOfYou();

    [GeneratedRegex("""\byou (has|is|was|does|doesn't|hasn't|isn't|wasn't|wants|needs|knows|thinks|feels|seems|gets|makes|takes|likes|plans|believes|loves|owns|owes|offers)\b""", RegexOptions.CultureInvariant)]
    private static partial Regex YouAgreement();

    [GeneratedRegex("""\b(?:themselves|them|their)\b""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ThirdPersonPronoun();

    [GeneratedRegex("""\b(?:yourself|yours|your|you're|you've|you'll|you'd|you)\b""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecondPersonPronoun();
}
