using System.Collections.Immutable;
using System.Text.Json;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Storage.Tests;

/// <summary>Records for the store tests (made-up content, not SOTOPIA's).</summary>
internal static class StoreTestData
{
    public static readonly DateTimeOffset Start = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Records compare by their stored JSON (immutable arrays have no value equality).</summary>
    public static string Json<T>(T value) => JsonSerializer.Serialize(value, SotopiaJson.Options);

    public static EpisodeRecord Episode(string id, string campaignId, DateTimeOffset createdAt, int round = 0, string phase = "sr", string scenarioId = "scenario-a") => new()
    {
        Id = id,
        CampaignId = campaignId,
        Round = round,
        Phase = phase,
        TaskId = $"task-{scenarioId}",
        ScenarioId = scenarioId,
        Agent1Id = "char-1",
        Agent2Id = "char-2",
        Seats = [new SeatBinding(AgentRoles.Policy, "sotopia-pi", 1, "sim-policy-v1"), new SeatBinding(AgentRoles.Partner, AgentRoles.Partner, 0, "sim-partner")],
        Seed = 1234,
        CreatedAt = createdAt,
    };

    public static Turn Turn(string episodeId, int number, string? text = null) =>
        new(episodeId, number, number % 2, AgentAction.Speak(text ?? $"{episodeId} says line {number}"));

    public static CampaignRecord Campaign(string id, DateTimeOffset createdAt) => new()
    {
        Id = id,
        Spec = new CampaignSpec { Name = $"name of {id}", SrRounds = 3, RoundScenarioSets = ["first", "second"] },
        CreatedAt = createdAt,
        UpdatedAt = createdAt,
    };

    public static EvaluationOutcome Success(int goal1, int goal2) =>
        EvaluationOutcome.Success(new EpisodeEvaluation(Seat(goal1), Seat(goal2), "sim-judge"), new CallUsage("sim-judge", 100, 20, 0, TimeSpan.FromMilliseconds(12)));

    public static SeatEvaluation Seat(int goal) => new(
    [
        new DimensionScore(7, "believable"),
        new DimensionScore(1, "slightly closer"),
        new DimensionScore(2, "learned a little"),
        new DimensionScore(0, "kept the secret"),
        new DimensionScore(-1, "a minor lapse"),
        new DimensionScore(0, "nothing gained"),
        new DimensionScore(goal, "goal progress"),
    ]);

    public static PolicyVersion Version(string policy, int version, string? requestId, DateTimeOffset createdAt) => new()
    {
        PolicyName = policy,
        Version = version,
        Kind = version == 0 ? "base" : "sr",
        Model = $"{policy}-v{version}",
        ParentVersion = version == 0 ? null : version - 1,
        TrainingRequestId = requestId,
        Metrics = ImmutableDictionary<string, double>.Empty.Add("loss", 1.0 / (version + 1)),
        CreatedAt = createdAt,
    };

    public static TrainingRequest Training(string id, DateTimeOffset createdAt, string datasetPath = "datasets/round-1.jsonl") => new()
    {
        Id = id,
        CampaignId = "campaign-t",
        Round = 1,
        Kind = "sr",
        PolicyName = "sotopia-pi",
        BaseVersion = 1,
        DatasetPath = datasetPath,
        DatasetHash = "abc123",
        Settings = new TrainerSettings { Epochs = 3 },
        CreatedAt = createdAt,
    };

    public static SotopiaDataset Dataset() => new()
    {
        Characters =
        [
            new Character { Id = "char-1", FirstName = "Ada", LastName = "Stone", Age = 34, Occupation = "baker", Secret = "burnt the cake" },
            new Character { Id = "char-2", FirstName = "Ben", LastName = "Rowe", Age = 51, MoralValues = ["care"], Gender = "Man" },
        ],
        Relationships =
        [
            new RelationshipProfile { Id = "rel-1", Agent1Id = "char-1", Agent2Id = "char-2", Relationship = RelationshipType.Friend, BackgroundStory = "met at a market" },
        ],
        Scenarios =
        [
            new Scenario
            {
                Id = "scenario-b", Text = "Two neighbours share one parking spot.", Goals = ["keep the spot", "get the spot <extra_info>tired</extra_info>"],
                Relationship = RelationshipType.Acquaintance, AgeConstraint = "[(18, 70), (18, 70)]",
                AgentConstraint = [["char-1"], ["char-2"]],
            },
            new Scenario { Id = "scenario-a", Text = "A shared lunch bill.", Goals = ["pay less", "pay fairly"], Relationship = RelationshipType.Friend },
        ],
        Tasks =
        [
            new SocialTask { Id = "task-2", ScenarioId = "scenario-b", Agent1Id = "char-1", Agent2Id = "char-2" },
            new SocialTask { Id = "task-1", ScenarioId = "scenario-a", Agent1Id = "char-2", Agent2Id = "char-1" },
        ],
        NamedSets = ImmutableDictionary<string, ImmutableArray<string>>.Empty
            .Add("hard", ["scenario-b"])
            .Add("all", ["scenario-b", "scenario-a"]),
    };
}
