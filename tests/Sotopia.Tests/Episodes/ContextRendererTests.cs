using SotopiaPi.Sotopia.Episodes;
using SotopiaPi.Grains.Interfaces;
using static SotopiaPi.Sotopia.Tests.Episodes.Fixtures;

namespace SotopiaPi.Sotopia.Tests.Episodes;

public sealed class ContextRendererTests
{
    private const string MiaBasic = "Mia Davis is a 50-year-old female high school principal. She/her pronouns. Mia keeps two cats.";
    private const string MiaPersonality = "Personality and values description: Mia is calm and values fairness.";
    private const string MiaSecret = "Mia's secrets: She once forged a signature.";

    [Fact]
    public void BackgroundPartsHaveTheOriginalStructure()
    {
        Assert.Equal(MiaBasic, ContextRenderer.BasicInfo(Mia));
        Assert.Equal(MiaPersonality, ContextRenderer.PersonalityInfo(Mia));
        Assert.Equal(MiaSecret, ContextRenderer.SecretInfo(Mia));
        Assert.Equal($"{MiaBasic} {MiaPersonality} {MiaSecret}", ContextRenderer.FullBackground(Mia));
        Assert.Equal("Leo Park is an 18-year-old nonbinary barista. They/them pronouns. Leo plays the cello.", ContextRenderer.BasicInfo(Leo));
    }

    [Theory]
    [InlineData("Man", "male")]
    [InlineData("Woman", "female")]
    [InlineData("Nonbinary", "nonbinary")]
    [InlineData("Other", "")]
    public void GenderMapsToAnAdjective(string gender, string adjective) =>
        Assert.Equal(adjective, ContextRenderer.GenderAdjective(gender));

    [Fact]
    public void EmptyProfileFieldsAreLeftOut()
    {
        var bare = new Character { Id = "x", FirstName = "Al", LastName = "Bo", Age = 30 };
        Assert.Equal("Al Bo is a 30-year-old.", ContextRenderer.FullBackground(bare));
    }

    [Theory]
    [InlineData(RelationshipType.Stranger, "Unknown")]
    [InlineData(RelationshipType.KnowByName, "Mia Davis")]
    [InlineData(RelationshipType.Acquaintance, MiaBasic)]
    [InlineData(RelationshipType.Friend, MiaBasic + " " + MiaPersonality)]
    [InlineData(RelationshipType.RomanticRelationship, MiaBasic + " " + MiaPersonality)]
    [InlineData(RelationshipType.FamilyMember, MiaBasic + " " + MiaPersonality)]
    public void TheOtherSeesWhatTheRelationshipReveals(RelationshipType relationship, string expected)
    {
        Assert.Equal(expected, ContextRenderer.BackgroundSeenByOther(Mia, relationship));
        var seenByLeo = ContextRenderer.ForSeat(Setup(relationship), viewerSeat: 1);
        Assert.Equal(expected, seenByLeo.Background1);
        Assert.Equal(ContextRenderer.FullBackground(Leo), seenByLeo.Background2);
    }

    [Fact]
    public void AnAgentSeesItsOwnGoalAndSecretOnly()
    {
        var context = ContextRenderer.ForSeat(Setup(RelationshipType.FamilyMember), viewerSeat: 0);
        Assert.Equal(
            """
            Here is the context of this interaction:
            Scenario: Two neighbours meet at the community garden.
            Participants: Mia Davis and Leo Park
            Mia Davis's background: Mia Davis is a 50-year-old female high school principal. She/her pronouns. Mia keeps two cats. Personality and values description: Mia is calm and values fairness. Mia's secrets: She once forged a signature.
            Leo Park's background: Leo Park is an 18-year-old nonbinary barista. They/them pronouns. Leo plays the cello. Personality and values description: Leo is curious and loyal.
            Mia Davis's goal: Get help weeding the plot (Extra information: the plot is due for inspection tomorrow.)
            Leo Park's goal: Unknown
            """.ReplaceLineEndings("\n"),
            context.ToText());
    }

    [Fact]
    public void OmniscientShowsTheOthersGoalButNotItsSecret()
    {
        var context = ContextRenderer.ForSeat(Setup(), viewerSeat: 1, omniscient: true);
        Assert.Equal("Get help weeding the plot (Extra information: the plot is due for inspection tomorrow.)", context.Goal1);
        Assert.DoesNotContain("forged", context.ToText(), StringComparison.Ordinal);
    }

    [Fact]
    public void LiteLeavesBackgroundLinesOut()
    {
        var lines = ContextRenderer.ForSeat(Setup(), viewerSeat: 0, lite: true).Lines();
        Assert.Equal(5, lines.Count);
        Assert.DoesNotContain(lines, l => l.Contains("'s background:", StringComparison.Ordinal));
    }

    [Fact]
    public void TheEnvironmentSeesEverything()
    {
        var context = ContextRenderer.ForEnvironment(Setup(RelationshipType.Stranger));
        Assert.Equal("Two neighbours meet at the community garden. The shed key is lost.", context.Scenario);
        Assert.Equal(ContextRenderer.FullBackground(Mia), context.Background1);
        Assert.Equal(ContextRenderer.FullBackground(Leo), context.Background2);
        Assert.Equal("Borrow the watering can (Hint: offer something in return.)", context.Goal2);
    }

    [Fact]
    public void OnTheOriginalTasksNoAgentEverSeesTheOthersSecretOrGoal()
    {
        Assert.Equal(450, OriginalData.Setups.Count);
        foreach (var setup in OriginalData.Setups)
        {
            var environment = ContextRenderer.ForEnvironment(setup).ToText();
            for (var seat = 0; seat < 2; seat++)
            {
                var own = setup.Agent(seat);
                var other = setup.Other(seat);
                var text = ContextRenderer.ForSeat(setup, seat).ToText();
                var where = $"task {setup.Task.Id}, seat {seat}";
                Assert.True(text.Contains(ContextRenderer.SecretInfo(own), StringComparison.Ordinal), $"{where}: own secret missing");
                Assert.False(text.Contains($"{other.FirstName}'s secrets:", StringComparison.Ordinal), $"{where}: other's secret shown");
                Assert.True(text.Contains($"\n{other.FullName}'s goal: Unknown", StringComparison.Ordinal), $"{where}: other's goal shown");
                Assert.True(text.Contains($"\n{own.FullName}'s goal: {HintTags.RenderFor(setup.Goal(seat), seat).Trim()}", StringComparison.Ordinal), $"{where}: own goal missing");
                Assert.DoesNotContain("<extra_info>", text, StringComparison.Ordinal);
                Assert.DoesNotContain("<p viewer", text, StringComparison.Ordinal);
                Assert.True(environment.Contains(ContextRenderer.SecretInfo(own), StringComparison.Ordinal), $"{where}: environment lacks a secret");
            }
        }
    }

    [Fact]
    public void OnTheOriginalMutualFriendsScenariosTheCommonFriendIsForTheEnvironmentOnly()
    {
        var hidden = OriginalData.Setups.Where(s => s.Scenario.Text.Contains("<p viewer=", StringComparison.Ordinal)).ToList();
        Assert.Equal(50, hidden.Count); // 10 scenarios × 5 pairs
        foreach (var setup in hidden)
        {
            Assert.Contains("common friend", ContextRenderer.ForEnvironment(setup).Scenario, StringComparison.Ordinal);
            Assert.DoesNotContain("common friend", ContextRenderer.ForSeat(setup, 0).Scenario, StringComparison.Ordinal);
            Assert.DoesNotContain("common friend", ContextRenderer.ForSeat(setup, 1).Scenario, StringComparison.Ordinal);
        }
    }
}
