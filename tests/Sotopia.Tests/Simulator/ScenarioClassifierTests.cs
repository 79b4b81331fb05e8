using SotopiaPi.Sotopia.Simulator;

namespace SotopiaPi.Sotopia.Tests.Simulator;

public sealed class ScenarioClassifierTests
{
    [Theory]
    [InlineData("syn-bike", ScenarioKind.Bargaining)]
    [InlineData("syn-records", ScenarioKind.Splitting)]
    [InlineData("syn-shelter", ScenarioKind.Persuasion)]
    [InlineData("syn-car", ScenarioKind.Negotiation)]
    [InlineData("syn-project", ScenarioKind.Cooperation)]
    [InlineData("syn-job", ScenarioKind.Secret)]
    [InlineData("syn-borrowed", ScenarioKind.Conflict)]
    [InlineData("syn-phone", ScenarioKind.Norms)]
    [InlineData("syn-trip", ScenarioKind.Other)]
    public void SyntheticScenariosGetTheirKind(string id, ScenarioKind expected)
    {
        var scenario = SyntheticScenarios.All.Single(s => s.Id == id);
        Assert.Equal(expected, ScenarioClassifier.Classify(scenario.Text, scenario.Goal0));
    }

    [Fact]
    public void TheNinetySotopiaScenariosSpreadOverTheKinds()
    {
        var scenarios = SotopiaDataFiles.OriginalScenarios();
        Assert.Equal(90, scenarios.Count);
        var counts = new Dictionary<ScenarioKind, int>();
        foreach (var scenario in scenarios)
        {
            foreach (var goal in new[] { scenario.Goal0, scenario.Goal1 })
            {
                var kind = ScenarioClassifier.Classify(scenario.Text, goal);
                counts[kind] = counts.GetValueOrDefault(kind) + 1;
            }
        }
        var empty = Enum.GetValues<ScenarioKind>().Where(k => counts.GetValueOrDefault(k) == 0).ToList();
        Assert.True(empty.Count <= 1, "kinds with no scenario: " + string.Join(", ", empty));
        Assert.True(counts.Values.Max() <= 60, "one kind swallows too much: " + string.Join(", ", counts));
        Assert.Equal(ScenarioKind.Bargaining, ScenarioClassifier.Classify(scenarios.First(s => s.Codename.StartsWith("craigslist", StringComparison.Ordinal)).Text, scenarios.First(s => s.Codename.StartsWith("craigslist", StringComparison.Ordinal)).Goal0));
        Assert.All(scenarios.Where(s => s.Codename.StartsWith("mutual_friend", StringComparison.Ordinal)),
            s => Assert.Equal(ScenarioKind.Cooperation, ScenarioClassifier.Classify(s.Text, s.Goal0)));
    }

    [Fact]
    public void ClassificationIsDeterministicAndIgnoresTagsAndHiddenText()
    {
        var scenario = SotopiaDataFiles.OriginalScenarios()[0];
        var raw = ScenarioClassifier.Classify(scenario.Text, scenario.Goal0);
        var rendered = ScenarioClassifier.Classify(SimEpisodeLoop.RenderHints(scenario.Text), SimEpisodeLoop.RenderHints(scenario.Goal0));
        Assert.Equal(raw, rendered);
        Assert.Equal(ScenarioKind.Other, ScenarioClassifier.Classify("Two people meet.", "<p viewer=\"environment\">They must divide 3 books.</p>Say hello"));
        Assert.Equal(ScenarioKind.Other, ScenarioClassifier.Classify(null, null));
        Assert.Equal("bargaining", ScenarioKind.Bargaining.Name());
    }
}
