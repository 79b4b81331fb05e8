namespace SotopiaPi.Grains.Interfaces;

/// <summary>Everything needed to play or judge one task: the scenario and both characters in seat order.</summary>
[Immutable]
public sealed record EpisodeSetup(SocialTask Task, Scenario Scenario, Character Agent1, Character Agent2)
{
    public Character Agent(int seat) => seat switch
    {
        0 => Agent1,
        1 => Agent2,
        _ => throw new ArgumentOutOfRangeException(nameof(seat), seat, "A seat is 0 or 1."),
    };

    public Character Other(int seat) => Agent(1 - seat);

    public string Goal(int seat) => Scenario.Goals[seat];

    public RelationshipType Relationship => Scenario.Relationship;
}
