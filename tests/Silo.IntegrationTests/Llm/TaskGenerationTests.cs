using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;
using SotopiaPi.Storage;

namespace SotopiaPi.Silo.IntegrationTests.Llm;

/// <summary>SOTOPIA-π task generation (reference §d1): inspiration files in their published forms, deduplication,
/// the even split over sources, validation of the generator's answer, near-duplicate rejection, provenance, pairs
/// sampled with the constraint-based sampler, evaluation scenarios never used as examples, and storage in the store.</summary>
public sealed class TaskGenerationTests
{
    [Fact]
    public void EachPublishedInspirationFormIsRead()
    {
        using var dir = new TempDirectory();
        var chem = dir.Combine("social-chem-101.v1.0.tsv");
        File.WriteAllText(chem, "area\tm\tsplit\trot-agree\taction\tsituation\trot\n"
            + "amitheasshole\t1\ttrain\t4\tsaying no\tasking a roommate to pay the \"shared\" bills\tIt's fair to split bills.\n"
            + "amitheasshole\t1\ttrain\t3\tbeing late\tasking a roommate to pay the \"shared\" bills\tBe on time.\n"
            + "confessions\t1\tdev\t2\tlying\t\tDon't lie.\n");
        var siqa = dir.Combine("train.jsonl");
        File.WriteAllText(siqa, """
            {"context": "Tracy borrowed a bike and returned it scratched.", "question": "What will Tracy do?", "answerA": "apologize"}

            {"context": "Riley forgot a friend's birthday party.", "question": "How would Riley feel?"}
            """);
        var norms = dir.Combine("NormBank.csv");
        File.WriteAllText(norms, "behavior,constraints,setting,label\n\"haggle over the price, politely\",\"role: buyer\",market,1\ntip the waiter,,restaurant,2\n");
        var keywords = dir.Combine("keywords.txt");
        File.WriteAllText(keywords, "# topics\nsharing a blanket\n\n  borrowing money  \n");
        var used = dir.Combine("used_prompt.csv");
        File.WriteAllText(used, "model|source|pk|prompt\ngpt-4-turbo|social_chem|01ABC|returning a gift\ngpt-4-turbo|nan|01ABD|a noisy party\n");

        Assert.Equal(
            [("asking a roommate to pay the \"shared\" bills", InspirationSources.SocialChemistry, 2), ("asking a roommate to pay the \"shared\" bills", InspirationSources.SocialChemistry, 3)],
            InspirationReader.Read(chem).Select(i => (i.Text, i.Source, i.Line)));
        Assert.Equal(
            [("Tracy borrowed a bike and returned it scratched.", InspirationSources.SocialIqa, 1), ("Riley forgot a friend's birthday party.", InspirationSources.SocialIqa, 3)],
            InspirationReader.Read(siqa).Select(i => (i.Text, i.Source, i.Line)));
        Assert.Equal(
            [("haggle over the price, politely", InspirationSources.NormBank), ("tip the waiter", InspirationSources.NormBank)],
            InspirationReader.Read(norms).Select(i => (i.Text, i.Source)));
        Assert.Equal([("sharing a blanket", 2), ("borrowing money", 4)], InspirationReader.Read(keywords).Select(i => (i.Text, i.Line)));
        Assert.Equal([("returning a gift", InspirationSources.SocialChemistry), ("a noisy party", InspirationSources.Keywords)], InspirationReader.Read(used).Select(i => (i.Text, i.Source)));
    }

    [Fact]
    public void SotopiaPisOwnPromptLogIsReadWithItsSources()
    {
        var inspirations = InspirationReader.Read(SharedSotopiaData.UsedPrompts);

        Assert.Equal(795, inspirations.Count);
        var bySource = inspirations.GroupBy(i => i.Source).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(266, bySource[InspirationSources.SocialChemistry]);
        Assert.Equal(264, bySource[InspirationSources.NormBank]);
        Assert.Equal(260, bySource[InspirationSources.SocialIqa]);
        Assert.Equal(5, bySource[InspirationSources.Keywords]);
        Assert.All(inspirations, i => Assert.False(string.IsNullOrWhiteSpace(i.Text)));
    }

    [Fact]
    public void UnreadableInspirationFilesNameTheFileLineAndWhatIsWrong()
    {
        using var dir = new TempDirectory();
        var noColumn = dir.Combine("x.csv");
        File.WriteAllText(noColumn, "id,title\n1,a\n");
        var badJson = dir.Combine("x.jsonl");
        File.WriteAllText(badJson, "{\"context\": \"ok\"}\n{\"context\": \n");
        var wrongField = dir.Combine("y.jsonl");
        File.WriteAllText(wrongField, "{\"question\": \"why?\"}\n");

        Assert.Equal($"{noColumn}: line 1: no inspiration column; expected one of prompt, situation, behavior, context, keyword, text (found: id, title).",
            Assert.Throws<InspirationFormatException>(() => InspirationReader.Read(noColumn)).Message);
        Assert.StartsWith($"{badJson}: line 2: not valid JSON", Assert.Throws<InspirationFormatException>(() => InspirationReader.Read(badJson)).Message);
        Assert.StartsWith($"{wrongField}: line 1: no inspiration field", Assert.Throws<InspirationFormatException>(() => InspirationReader.Read(wrongField)).Message);
        Assert.Equal($"{dir.Combine("missing.tsv")}: inspiration file not found.", Assert.Throws<InspirationFormatException>(() => InspirationReader.Read(dir.Combine("missing.tsv"))).Message);
    }

    [Fact]
    public void ThePoolDeduplicatesSkipsUsedOnesAndSplitsEvenlyOverSources()
    {
        Inspiration I(string text, string source) => new(text, source, "f", 1);
        var pool = InspirationPool.Create(
            [I("Lending a car.", "a"), I("lending  a CAR", "b"), I("a", "a"), I("b", "b"), I("c", "c"), I("already done!", "c"), I("d", "c")],
            ["Already done"],
            seed: 1);

        Assert.Equal((7, 1, 1, 5), (pool.Read, pool.Duplicates, pool.AlreadyUsed, pool.Available));
        Assert.Equal(["a", "b", "c"], pool.Sources);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 2, ["b"] = 2, ["c"] = 3 }, pool.Quotas(7));
        Assert.Equal("b", pool.Take("b")!.Text);
        Assert.Equal("a", pool.Take("b")!.Source);
    }

    [Fact]
    public void NearDuplicatesAreFoundByShinglesOrWords()
    {
        var index = new NearDuplicateIndex();
        const string original = "Two coworkers share a small office. One of them wants to keep the window open all day for fresh air, while the other is cold and wants it closed.";
        index.Add("s1", original);

        Assert.True(index.TryFindNearDuplicate(original, out var same));
        Assert.Equal(("s1", 1.0), (same.Id, same.ShingleJaccard));
        Assert.True(index.TryFindNearDuplicate(original.Replace("small office", "tiny office", StringComparison.Ordinal).Replace("all day", "every day", StringComparison.Ordinal), out var edited));
        Assert.True(edited.ShingleJaccard >= 0.5, $"{edited.ShingleJaccard}");
        Assert.True(index.TryFindNearDuplicate("The other is cold and wants it closed, while one of them wants to keep the window open all day for fresh air; two coworkers share a small office.", out var reordered));
        Assert.True(reordered.WordJaccard >= 0.8, $"{reordered.WordJaccard}");
        Assert.False(index.TryFindNearDuplicate("Two friends planned a hiking trip, but one of them now wants to invite a new partner whom the other has never met.", out _));
    }

    [Theory]
    [InlineData("""{"scenario": "Two neighbours argue about a fence that one of them wants to build.", "agent_goals": ["Build the fence"], "relationship": "acquaintance"}""", "\"agent_goals\" must hold exactly 2 goals, got 1")]
    [InlineData("""{"scenario": "Two neighbours argue about a fence that one of them wants to build.", "agent_goals": ["Build the fence", ""], "relationship": "acquaintance"}""", "\"agent_goals\"[1] must be a non-empty string")]
    [InlineData("""{"scenario": "Two neighbours argue about a fence that one of them wants to build.", "agent_goals": ["a", "b"], "relationship": "colleague"}""", "\"relationship\" \"colleague\" is not valid")]
    [InlineData("""{"scenario": "Two neighbours argue about a fence that one of them wants to build.", "agent_goals": ["a", "b"], "relationship": 7}""", "\"relationship\" 7 is not valid")]
    [InlineData("""{"scenario": "Two neighbours argue about a fence that one of them wants to build.", "agent_goals": ["a", "b"], "relationship": "friend", "age_constraint": "[(18, 70)]"}""", "\"age_constraint\": '[(18, 70)]' has 1 age range(s)")]
    [InlineData("""{"scenario": "A fence.", "agent_goals": ["a", "b"], "relationship": "friend"}""", "\"scenario\" is too short")]
    [InlineData("""{"agent_goals": ["a", "b"], "relationship": "friend"}""", "\"scenario\" must be a string")]
    [InlineData("I cannot help with that.", "the answer contains no well-formed JSON object")]
    public void InvalidGeneratorAnswersAreRejectedWithTheReason(string answer, string error)
    {
        Assert.False(GeneratedScenarioParser.TryParse(answer, "fences", out _, out var message));
        Assert.StartsWith(error, message);
    }

    [Fact]
    public void AValidAnswerIsNormalized()
    {
        const string answer = """
            ```json
            {"codename": "Fence Dispute!", "scenario": " Two neighbours argue about a fence that one of them wants to build. ", "agent_goals": ["Build the fence <strategy_hint>offer to pay</strategy_hint>", "Keep the view"], "relationship": "know_by_name", "age_constraint": null, "occupation_constraint": "nan"}
            ```
            """;

        Assert.True(GeneratedScenarioParser.TryParse(answer, "fences", out var draft, out var error), error);
        Assert.Equal(("fence_dispute", "Two neighbours argue about a fence that one of them wants to build.", RelationshipType.KnowByName, Scenario.DefaultAgeConstraint, (string?)null),
            (draft.Codename, draft.Text, draft.Relationship, draft.AgeConstraint, draft.OccupationConstraint));
        Assert.Equal("Build the fence <strategy_hint>offer to pay</strategy_hint>", draft.Goals[0]);
        Assert.Equal("Keep the view", draft.Goals[1]);
        Assert.Equal(2, draft.Goals.Length);
    }

    [Fact]
    public async Task GeneratedScenariosAreValidatedDeduplicatedStoredWithProvenanceAndPairs()
    {
        using var home = new TempDirectory();
        await using var store = await SqliteSotopiaStore.OpenAsync(home.Combine("sotopia.db"));
        await store.MigrateAsync();
        await store.ImportDatasetAsync(StarterSetups.Data, "starter");
        var hard = StarterSetups.Data.NamedSets["hard"];
        var copied = StarterSetups.Data.Scenarios.First(s => hard.Contains(s.Id));
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Respond(request => FakeOpenAiReply.Answer(FakeGenerator.Answer(request.Prompt, copied.Text)));
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));
        var generator = new LlmTaskGenerator(gateway, TimeProvider.System);
        Inspiration I(string text, string source) => new(text, source, "/data/inspirations.csv", 1);
        var inspirations = new List<Inspiration>
        {
            I("copy this one", "normbank"), I("broken answer", "normbank"), I("lonely elders", "normbank"),
            I("sharing a car ride", "social_iqa"), I("returning a borrowed drill", "social_iqa"),
            I("Sharing a car ride.", "social_chemistry"), I("splitting a restaurant bill", "social_chemistry"), I("a late rent payment", "social_chemistry"),
        };

        var report = await generator.GenerateAsync(new TaskGenerationRequest { Count = 3, Inspirations = inspirations, Seed = 5 }, store);

        Assert.Equal(3, report.Generated.Length);
        Assert.Equal(1, report.DuplicateInspirations);
        var reasons = report.Rejections.Select(r => (r.Inspiration.Text, r.Reason)).ToList();
        Assert.All(reasons, r => Assert.True(
            (r.Text == "copy this one" && r.Reason.StartsWith($"near-duplicate of scenario {copied.Id} (3-word-shingle Jaccard 1.00", StringComparison.Ordinal))
            || (r.Text == "broken answer" && r.Reason == "invalid answer: \"agent_goals\" must hold exactly 2 goals, got 1")
            || (r.Text == "lonely elders" && r.Reason.StartsWith("no character pair has the relationship 'FamilyMember' within the ages [(68, 70), (68, 70)]", StringComparison.Ordinal)),
            $"unexpected rejection {r}"));
        Assert.Equal(3, reasons.Count);
        Assert.Equal(6, report.Attempts);
        // Every normbank keyword was rejected, so its share moved to the other sources.
        Assert.Equal(["social_chemistry", "social_iqa"], report.Generated.Select(s => s.Source).Distinct().Order());

        var stored = await store.LoadDatasetAsync();
        foreach (var scenario in report.Generated)
        {
            var saved = stored.Scenarios.Single(s => s.Id == scenario.Id);
            Assert.Equal(26, saved.Id.Length);
            Assert.Equal("generated", saved.Tag);
            var provenance = saved.Provenance!;
            Assert.Equal(saved.Source, provenance.Source);
            Assert.Contains(inspirations, i => i.Text == provenance.Keyword && i.Source == provenance.Source);
            Assert.Equal("gpt-4.1", provenance.Model);
            Assert.Equal("inspirations.csv", provenance.InspirationFile);
            Assert.DoesNotContain(provenance.ExampleScenarioId, hard);
            Assert.Contains(FakeGenerator.Marker(provenance.Keyword), saved.Text);
            var tasks = stored.Tasks.Where(t => t.ScenarioId == saved.Id).ToList();
            Assert.Equal(5, tasks.Count);
            Assert.All(tasks, t => Assert.Contains(stored.Relationships, r => r.Agent1Id == t.Agent1Id && r.Agent2Id == t.Agent2Id && r.Relationship == saved.Relationship));
            Assert.Equal(SocialTaskIds.For(saved.Id, tasks[0].Agent1Id, tasks[0].Agent2Id), tasks[0].Id);
        }
        Assert.Equal(report.Generated.Select(s => s.Id).Order(), stored.NamedSets["generated"].Order());
        Assert.All(server.Requests, r => Assert.Equal(("gpt-4.1", 0.5, "sotopia_task"), (r.Model, r.Temperature ?? -1, r.SchemaName)));
        Assert.All(server.Requests, r => Assert.DoesNotContain(hard, id => r.Prompt.Contains(StarterSetups.Data.Scenarios.Single(s => s.Id == id).Text, StringComparison.Ordinal)));

        using var export = new TempDirectory();
        SotopiaDataExporter.Write(stored, export.Path);
        var exported = File.ReadAllLines(Path.Combine(export.Path, SotopiaDataLoader.ScenariosFile));
        Assert.All(report.Generated, g => Assert.Contains(exported, line => line.Contains(g.Id, StringComparison.Ordinal)));

        var again = await generator.GenerateAsync(new TaskGenerationRequest { Count = 1, Inspirations = inspirations, Seed = 5 }, store);
        Assert.Equal(3, again.AlreadyUsedInspirations);
        Assert.DoesNotContain(again.Generated, g => report.Generated.Any(r => r.Provenance!.Keyword == g.Provenance!.Keyword));
    }

    [Fact]
    public async Task AnEndpointThatRefusesTheCallStopsGenerationWithTheReason()
    {
        using var home = new TempDirectory();
        await using var store = await SqliteSotopiaStore.OpenAsync(home.Combine("sotopia.db"));
        await store.MigrateAsync();
        await store.ImportDatasetAsync(StarterSetups.Data, "starter");
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Respond(_ => FakeOpenAiReply.Error(404, "The model `gpt-4.1` does not exist or you do not have access to it."));
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(server.BaseUrl));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new LlmTaskGenerator(gateway, TimeProvider.System).GenerateAsync(
            new TaskGenerationRequest { Count = 2, Inspirations = [new("a", "keywords", "k.txt", 1), new("b", "keywords", "k.txt", 2)], Parallelism = 2 }, store));

        Assert.Contains("does not exist or you do not have access", error.Message);
        Assert.Empty((await store.LoadDatasetAsync()).Scenarios.Where(s => s.Provenance is not null));
    }

    [Fact]
    public async Task AMissingExcludedSetIsAnError()
    {
        using var home = new TempDirectory();
        await using var store = await SqliteSotopiaStore.OpenAsync(home.Combine("sotopia.db"));
        await store.MigrateAsync();
        await store.ImportDatasetAsync(StarterSetups.Data, "starter");
        using var gateway = LlmTestSettings.Gateway(LlmTestSettings.For(new Uri("http://127.0.0.1:9/v1")));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new LlmTaskGenerator(gateway, TimeProvider.System).GenerateAsync(
            new TaskGenerationRequest { Count = 1, Inspirations = [new("a", "keywords", "k.txt", 1)], ExcludedSets = ["sotopia_hard_env"] }, store));

        Assert.Equal("The excluded scenario set 'sotopia_hard_env' does not exist (known sets: all, hard, train).", error.Message);
    }

    /// <summary>Builds generator answers from the keyword in the prompt: unique text per keyword, with special
    /// keywords for a copied scenario, a broken answer, and a relationship no pair can satisfy.</summary>
    internal static class FakeGenerator
    {
        private static readonly string[] Words =
        [
            "amber", "basket", "candle", "dune", "ember", "fjord", "garnet", "harbor", "islet", "juniper", "kettle", "lantern",
            "meadow", "nectar", "orchid", "pebble", "quartz", "ripple", "saffron", "thistle", "umber", "velvet", "willow",
            "yarrow", "zephyr", "anchor", "bramble", "cobalt", "drift", "falcon", "glacier", "heron", "indigo", "jasper",
        ];

        public static string Marker(string keyword) => $"[{keyword.Trim().ToLowerInvariant().TrimEnd('.')}]";

        public static string Answer(string prompt, string copiedText)
        {
            var start = prompt.IndexOf("inspired by this prompt: \"", StringComparison.Ordinal) + "inspired by this prompt: \"".Length;
            var keyword = prompt[start..prompt.IndexOf('"', start)];
            if (keyword == "broken answer")
            {
                return """{"codename": "x", "scenario": "Two people meet at a bus stop and talk about the weather and their plans.", "agent_goals": ["only one"], "relationship": "stranger", "age_constraint": "[(18, 70), (18, 70)]", "occupation_constraint": null}""";
            }
            var random = new Random(keyword.Aggregate(17, (h, c) => unchecked((h * 31) + c)));
            var text = keyword == "copy this one"
                ? copiedText
                : $"Two people talk about {Marker(keyword)}: " + string.Join(' ', Enumerable.Range(0, 14).Select(_ => Words[random.Next(Words.Length)])) + ".";
            var relationship = keyword == "lonely elders" ? "family_member" : "friend";
            var ages = keyword == "lonely elders" ? "[(68, 70), (68, 70)]" : "[(18, 70), (18, 70)]";
            return JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["codename"] = keyword,
                ["scenario"] = text,
                ["agent_goals"] = new[] { $"Convince the other about {keyword}", $"Resist the other about {keyword}" },
                ["relationship"] = relationship,
                ["age_constraint"] = ages,
                ["occupation_constraint"] = null,
            });
        }
    }
}
