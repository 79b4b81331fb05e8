using System.Text;

namespace SotopiaPi.Sotopia.Simulator;

/// <summary>Classifies a scenario + one agent's goal into a <see cref="ScenarioKind"/> by keywords.
/// Deterministic; uses only what the agent can see (the scenario text and its own goal). Keywords match at the
/// start of a word, so "donat" matches "donate" and "donation" but "rule" does not match "overrule".</summary>
public static class ScenarioClassifier
{
    // Checked in this order: the first kind with a hit wins.
    private static readonly (ScenarioKind Kind, string[] Stems)[] Rules =
    [
        (ScenarioKind.Cooperation, ["mutual friend", "figure out whether"]),
        (ScenarioKind.Bargaining,
        [
            "buyer", "seller", "target price", "for sale", "selling", "bargain", "haggl", "purchas", "asking price",
            "sell ", "buy ",
        ]),
        (ScenarioKind.Splitting,
        [
            "divide", "dividing", "division", "split", "points", "share the only", "distribut", "allocat",
            "who gets",
        ]),
        (ScenarioKind.Secret,
        [
            "secret", "confess", "admit", "reveal", "without letting", "hide ", "hiding", "hidden", "conceal",
            "affair", "lying", "lie ", "the truth", "keep it from",
        ]),
        (ScenarioKind.Persuasion,
        [
            "convince", "persuad", "donat", "charity", "talk them into", "encourage", "get your friend to",
            "get the friend to", "get your co", "get the other", "urge", "drink less", "quit ",
        ]),
        (ScenarioKind.Negotiation,
        [
            "negotiat", "take turns", "borrow", "lend", "loan", "salary", "raise", "rent", "deal", "agree on",
            "compromise", "schedule", "decide", "deciding", "which movie", "what music", "arrangement",
            "rights", "budget",
        ]),
        (ScenarioKind.Conflict,
        [
            "apolog", "conflict", "argu", "disagree", "dispute", "upset", "angry", "anger", "complain",
            "confront", "accus", "hurt", "insult", "make fun", "yell", "fight", "blame", "noise", "grievance",
            "offend", "estrange",
        ]),
        (ScenarioKind.Norms,
        [
            "rule", "etiquette", "polite", "rude", "manners", "respect", "disrespect", "appropriate",
            "library", "quiet", "softly", "norm", "texting", "phone", "table", "tradition", "custom",
        ]),
        (ScenarioKind.Cooperation,
        [
            "help", "together", "cooperat", "collaborat", "plan", "team", "figure out", "mutual friend",
            "introduce", "support", "assist", "prepare", "organiz", "organis", "project", "work on", "ritual",
        ]),
    ];

    /// <summary>The kind of task the agent with <paramref name="goal"/> faces in <paramref name="scenario"/>.
    /// Hint tags are stripped first; text only the environment may see is ignored.</summary>
    public static ScenarioKind Classify(string? scenario, string? goal)
    {
        var text = Prepare(SimulatorText.Normalize(scenario) + " " + SimulatorText.Normalize(goal));
        foreach (var (kind, stems) in Rules)
        {
            foreach (var stem in stems)
            {
                if (text.Contains(" " + stem, StringComparison.Ordinal))
                {
                    return kind;
                }
            }
        }
        return ScenarioKind.Other;
    }

    /// <summary>The stable snake_case name of a kind (used in feature names).</summary>
    public static string Name(this ScenarioKind kind) => kind switch
    {
        ScenarioKind.Bargaining => "bargaining",
        ScenarioKind.Splitting => "splitting",
        ScenarioKind.Persuasion => "persuasion",
        ScenarioKind.Negotiation => "negotiation",
        ScenarioKind.Cooperation => "cooperation",
        ScenarioKind.Secret => "secret",
        ScenarioKind.Conflict => "conflict",
        ScenarioKind.Norms => "norms",
        _ => "other",
    };

    private static string Prepare(string text)
    {
        var sb = new StringBuilder(text.Length + 2);
        sb.Append(' ');
        foreach (var c in text)
        {
            sb.Append(char.IsLetterOrDigit(c) || c == '\'' || c == '$' ? char.ToLowerInvariant(c) : ' ');
        }
        sb.Append(' ');
        return sb.ToString();
    }
}
