namespace SotopiaPi.Sotopia.Simulator;

/// <summary>What kind of social task a scenario + goal is, as read from their words
/// (<see cref="ScenarioClassifier"/>). Policies see it through the prompt; the judge's hidden dynamics use it
/// as the prior of what works.</summary>
public enum ScenarioKind
{
    /// <summary>Buying and selling at a price.</summary>
    Bargaining = 0,
    /// <summary>Dividing shared items or resources.</summary>
    Splitting = 1,
    /// <summary>Getting the other to do something (donate, change a habit…).</summary>
    Persuasion = 2,
    /// <summary>Working out terms or a joint decision (whose turn, which film, a loan…).</summary>
    Negotiation = 3,
    /// <summary>Helping each other or solving something together.</summary>
    Cooperation = 4,
    /// <summary>Revealing, confessing or hiding something private.</summary>
    Secret = 5,
    /// <summary>Repairing or handling a grievance, an apology, a disagreement.</summary>
    Conflict = 6,
    /// <summary>Raising or respecting a social norm or rule.</summary>
    Norms = 7,
    /// <summary>Anything else (small social goals).</summary>
    Other = 8,
}
