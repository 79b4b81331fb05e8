using System.Globalization;
using System.Text.RegularExpressions;

namespace SotopiaPi.Sotopia.Simulator;

/// <summary>What the simulator derives from the texts one agent sees — the scenario and its own goal — to
/// classify the task and to speak about it: the goal in the agent's own voice, the thing at stake, the private
/// extra information, a target price. Hint tags are stripped first. Pure and deterministic.</summary>
public sealed partial record TaskText
{
    private const int MaxAimLength = 150;
    private const int MaxExtraLength = 160;

    private TaskText(ScenarioKind kind, string aimSentence, string? aimVerbPhrase, string stake, string? privateDetail,
        decimal? targetPrice, PriceRole priceRole)
    {
        Kind = kind;
        AimSentence = aimSentence;
        AimVerbPhrase = aimVerbPhrase;
        Stake = stake;
        PrivateDetail = privateDetail;
        TargetPrice = targetPrice;
        Role = priceRole;
    }

    public ScenarioKind Kind { get; }

    /// <summary>The goal as the agent would say it, e.g. "I'd like to maximize the points I have".</summary>
    public string AimSentence { get; }

    /// <summary>The goal as a verb phrase ("borrow money"), when the goal starts with a verb.</summary>
    public string? AimVerbPhrase { get; }

    /// <summary>What the conversation is about, e.g. "the 3 books, 2 hats, and 1 ball" or "the donation".</summary>
    public string Stake { get; }

    /// <summary>The goal's private extra information in the agent's own voice (what an overshare leaks).</summary>
    public string? PrivateDetail { get; }

    public decimal? TargetPrice { get; }

    public PriceRole Role { get; }

    /// <summary>Derives the texts from a scenario and one agent's goal (raw or already rendered).</summary>
    public static TaskText Create(string? scenario, string? goal)
    {
        var s = SimulatorText.Normalize(scenario);
        var g = SimulatorText.Normalize(goal);
        var kind = ScenarioClassifier.Classify(s, g);
        var (main, extra) = SimulatorText.SplitGoal(g);

        var aim = SimulatorText.Shorten(SimulatorText.ToFirstPerson(main), MaxAimLength);
        if (aim.StartsWith("To ", StringComparison.OrdinalIgnoreCase))
        {
            aim = aim[3..];
        }
        string aimSentence;
        string? verbPhrase = null;
        var firstWord = FirstWord(aim);
        if (aim.Length == 0)
        {
            aimSentence = "I'd like us to sort this out";
        }
        else if (firstWord == "I" || NonVerbStarters.Contains(firstWord.ToLowerInvariant()))
        {
            aimSentence = SimulatorText.UpperFirst(aim);
        }
        else if (WantStarters.Contains(firstWord.ToLowerInvariant()))
        {
            aimSentence = "I " + SimulatorText.LowerFirst(aim);
        }
        else if (firstWord.EndsWith("ing", StringComparison.OrdinalIgnoreCase) && firstWord.Length > 5)
        {
            aimSentence = "I'm set on " + SimulatorText.LowerFirst(aim);
        }
        else
        {
            verbPhrase = SimulatorText.LowerFirst(aim);
            aimSentence = "I'd like to " + verbPhrase;
        }

        string? detail = null;
        if (extra.Length > 0)
        {
            detail = SimulatorText.LowerFirst(SimulatorText.Shorten(SimulatorText.ToFirstPerson(extra), MaxExtraLength));
        }

        decimal? price = null;
        var priceMatch = Price().Match(g);
        if (priceMatch.Success &&
            decimal.TryParse(priceMatch.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var p))
        {
            price = p;
        }
        var lowerGoal = g.ToLowerInvariant();
        var role = lowerGoal.Contains("buyer", StringComparison.Ordinal) ? PriceRole.Buyer
            : lowerGoal.Contains("seller", StringComparison.Ordinal) ? PriceRole.Seller
            : PriceRole.None;

        return new TaskText(kind, aimSentence, verbPhrase, FindStake(s, g, kind), detail, price, role);
    }

    /// <summary>A price formatted the way people say it ("$418", "$17.30").</summary>
    public static string FormatPrice(decimal price) =>
        "$" + (price >= 100m || price == decimal.Truncate(price)
            ? decimal.Round(price, 0).ToString("0", CultureInfo.InvariantCulture)
            : price.ToString("0.00", CultureInfo.InvariantCulture));

    private static string FindStake(string scenario, string goal, ScenarioKind kind)
    {
        var item = SaleItem().Match(scenario);
        if (item.Success)
        {
            var name = item.Groups[1].Value.Trim();
            if (name.EndsWith(" for sale", StringComparison.OrdinalIgnoreCase))
            {
                name = name[..^" for sale".Length];
            }
            return "the " + SimulatorText.Shorten(name, 60);
        }
        var items = ItemList().Match(scenario);
        if (items.Success && kind == ScenarioKind.Splitting)
        {
            return "the " + items.Value.Trim();
        }
        var lower = (scenario + " " + goal).ToLowerInvariant();
        if (lower.Contains("donat", StringComparison.Ordinal) || lower.Contains("charity", StringComparison.Ordinal))
        {
            return "the donation";
        }
        if (lower.Contains("blanket", StringComparison.Ordinal))
        {
            return "the blanket";
        }
        return kind switch
        {
            ScenarioKind.Splitting => "what we have to share",
            ScenarioKind.Negotiation => "the arrangement",
            ScenarioKind.Norms => "how we handle this",
            ScenarioKind.Conflict => "what happened between us",
            ScenarioKind.Secret => "what's been on my mind",
            ScenarioKind.Cooperation => "what we're working on",
            ScenarioKind.Persuasion => "what I'm asking",
            _ => "this",
        };
    }

    private static string FirstWord(string s)
    {
        var space = s.IndexOf(' ', StringComparison.Ordinal);
        return (space > 0 ? s[..space] : s).TrimEnd(',', '.', ':', ';');
    }

    private static readonly HashSet<string> NonVerbStarters =
    [
        "as", "if", "when", "while", "since", "although", "though", "despite", "my", "the", "a", "an", "this", "it",
        "there", "we", "i'm", "i've", "i'd", "i'll", "both", "each", "one", "for",
    ];

    private static readonly HashSet<string> WantStarters = ["want", "need", "wish", "hope", "would", "must"];

    [GeneratedRegex("""\$\s?(\d[\d,]*(?:\.\d+)?)""", RegexOptions.CultureInvariant)]
    private static partial Regex Price();

    [GeneratedRegex("""\b(?:selling|offering|sells|offers|sell)\s+(?:an?\s+|the\s+|his\s+|her\s+|their\s+)?(.+?)\s+(?:for|at)\s+(?:a price of\s+|the price of\s+|just\s+|only\s+)?\$""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SaleItem();

    [GeneratedRegex("""\d+\s+[A-Za-z]+(?:\s*,\s*(?:and\s+)?\d+\s+[A-Za-z]+)*(?:\s*,?\s*and\s+\d+\s+[A-Za-z]+)""", RegexOptions.CultureInvariant)]
    private static partial Regex ItemList();
}
