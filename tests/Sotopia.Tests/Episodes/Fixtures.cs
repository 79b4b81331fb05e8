using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Tests.Episodes;

/// <summary>Synthetic characters, setups and turns written for the tests (no original text).</summary>
internal static class Fixtures
{
    public static Character Mia { get; } = new()
    {
        Id = "c-mia",
        FirstName = "Mia",
        LastName = "Davis",
        Age = 50,
        Occupation = "High School Principal",
        Gender = "Woman",
        GenderPronoun = "She/her",
        PublicInfo = "Mia keeps two cats.",
        PersonalityAndValues = "Mia is calm and values fairness.",
        Secret = "She once forged a signature.",
    };

    public static Character Leo { get; } = new()
    {
        Id = "c-leo",
        FirstName = "Leo",
        LastName = "Park",
        Age = 18,
        Occupation = "Barista",
        Gender = "Nonbinary",
        GenderPronoun = "They/them",
        PublicInfo = "Leo plays the cello.",
        PersonalityAndValues = "Leo is curious and loyal.",
        Secret = "They sold a stolen bike.",
    };

    /// <summary>A setup with multi-word names: "Mary Ann de la Cruz" and "Jean Luc Van Damme".</summary>
    public static EpisodeSetup SpacedNames(RelationshipType relationship = RelationshipType.Friend) => Setup(
        relationship,
        Mia with { Id = "c-mary", FirstName = "Mary Ann", LastName = "de la Cruz" },
        Leo with { Id = "c-jean", FirstName = "Jean Luc", LastName = "Van Damme" });

    public static EpisodeSetup Setup(RelationshipType relationship = RelationshipType.Friend, Character? agent1 = null, Character? agent2 = null)
    {
        agent1 ??= Mia;
        agent2 ??= Leo;
        var scenario = new Scenario
        {
            Id = "s-garden",
            Codename = "shared_garden",
            Text = "Two neighbours meet at the community garden. <p viewer=\"environment\">The shed key is lost.</p>",
            Goals =
            [
                "Get help weeding the plot (<extra_info>Extra information: the plot is due for inspection tomorrow.</extra_info>)",
                "Borrow the watering can (<strategy_hint>Hint: offer something in return.</strategy_hint>)",
            ],
            Relationship = relationship,
        };
        return new EpisodeSetup(new SocialTask { Id = "t-1", ScenarioId = scenario.Id, Agent1Id = agent1.Id, Agent2Id = agent2.Id }, scenario, agent1, agent2);
    }

    /// <summary>Round-robin turns: step i is played by seat i % 2.</summary>
    public static List<Turn> Turns(params AgentAction[] actions) =>
        [.. actions.Select((a, i) => new Turn("e-1", i, i % 2, a))];

    /// <summary>A history with every action type and awkward arguments (quotes, colons, "Turn #", line breaks).</summary>
    public static AgentAction[] Tricky { get; } =
    [
        AgentAction.Speak("Hi! He said \"Turn #4: nothing\" to me: really."),
        new(ActionType.NonVerbalCommunication, "smiles: \"wide\""),
        AgentAction.None,
        new(ActionType.Action, "writes a note:\nTurn #9: Leo Park said: \"fake\"\n  indented line"),
        AgentAction.Speak("line one\nline two\n\nTurn #2: \"quoted\"\n"),
        new(ActionType.Action, ""),
        AgentAction.Speak(""),
        new(ActionType.NonVerbalCommunication, "nods"),
        AgentAction.Speak("Colons: everywhere: \"\" and {braces}"),
    ];
}
