using SotopiaPi.Sotopia.Data;

namespace SotopiaPi.Sotopia.Tests.Data;

public sealed class NamedSetTests
{
    [Fact]
    public void SetFilesInTheFolderAreReadAndUnknownIdsAreWarned()
    {
        using var dir = new TempDirectory();
        SampleData.Write(dir.Path, SampleData.Baseline());
        File.WriteAllLines(dir.File("used_env.json"), ["{", "  \"all\": [\"e1\", \"e2\"],", "  \"mixed\": [\"e2\", \"gen-1\", \"gen-2\", \"e2\"]", "}"]);

        var result = SotopiaDataLoader.Load(dir.Path);

        Assert.True(result.IsValid);
        Assert.Equal(["e1", "e2"], result.Dataset.NamedSets["all"].ToArray());
        Assert.Equal(["e2"], result.Dataset.NamedSets["mixed"].ToArray());
        var warning = Assert.Single(result.Problems);
        Assert.Equal(new DataProblem(DataProblemSeverity.Warning, "used_env.json", 3, "mixed", "2 of 3 ids in set 'mixed' are not scenarios of this dataset and were left out"), warning);
    }

    [Fact]
    public void ALaterDefinitionOfTheSameSetReplacesTheEarlierOneWithAWarning()
    {
        using var dir = new TempDirectory();
        SampleData.Write(dir.Path, SampleData.Baseline());
        File.WriteAllText(dir.File("sets.json"), "{\"hard\": [\"e1\"]}");
        var extra = dir.File("more-sets.json");
        File.WriteAllText(extra, "{\"hard\": [\"e2\"]}");

        var result = SotopiaDataLoader.Load(dir.Path, [extra]);

        Assert.Equal(["e2"], result.Dataset.NamedSets["hard"].ToArray());
        var warning = Assert.Single(result.Problems);
        Assert.Equal(DataProblemSeverity.Warning, warning.Severity);
        Assert.Equal(extra, warning.File);
        Assert.Contains("sets.json:1", warning.Message);
    }

    [Fact]
    public void MalformedSetValuesAreErrorsAndNoteKeysAreIgnored()
    {
        using var dir = new TempDirectory();
        SampleData.Write(dir.Path, SampleData.Baseline());
        File.WriteAllLines(dir.File("sets.json"), ["{", "  \"_note\": \"free text\",", "  \"bad\": 5,", "  \"worse\": [1],", "  \"good\": [{\"env_id\": \"e1\"}]", "}"]);

        var result = SotopiaDataLoader.Load(dir.Path);

        Assert.Equal(
            ["sets.json:3: bad", "sets.json:4: worse"],
            result.Problems.Select(p => $"{p.File}:{p.Line}: {p.Field}"));
        Assert.All(result.Problems, p => Assert.True(p.IsError));
        Assert.Equal(["all", "good"], result.Dataset.NamedSets.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["e1"], result.Dataset.NamedSets["good"].ToArray());
    }

    [Fact]
    public void ASetFileAloneLoadsOnlySetsKeepingEveryId()
    {
        var path = Path.Combine(TestData.SotopiaRoot, "sotopia_pi", "env_ids.json");

        var result = SotopiaDataLoader.Load(path);

        Assert.True(result.IsValid);
        Assert.Empty(result.Problems);
        Assert.Empty(result.Dataset.Scenarios);
        Assert.Equal(5, result.Dataset.NamedSets.Count);
        Assert.Equal(14, result.Dataset.NamedSets["sotopia_hard_env_id"].Length);
        Assert.Equal(100, result.Dataset.NamedSets["sft_round_1"].Length);
        Assert.StartsWith("named-set file", result.Source);
    }

    [Fact]
    public void HardEnvironmentsOfSotopiaPiAreTheSameInBothSplitFiles()
    {
        var result = SotopiaDataLoader.Load(
            TestData.SotopiaOriginal,
            [TestData.SotopiaPiUsedEnv, Path.Combine(TestData.SotopiaRoot, "sotopia_pi", "env_ids.json")]);

        var sets = result.Dataset.NamedSets;
        Assert.Equal(sets["sotopia_hard_env"].Order(StringComparer.Ordinal), sets["sotopia_hard_env_id"].Order(StringComparer.Ordinal));
        Assert.Equal(sets["sotopia_env"].Order(StringComparer.Ordinal), result.Dataset.Scenarios.Select(s => s.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EveryDatasetHasTheBuiltInSetAllHoldingEveryScenarioUnlessASetFileDefinesIt()
    {
        using var dir = new TempDirectory();
        SampleData.Write(dir.Path, SampleData.Baseline());

        var builtIn = SotopiaDataLoader.Load(dir.Path);
        File.WriteAllText(dir.File("sets.json"), "{\"all\": [\"e2\"]}");
        var ownAll = SotopiaDataLoader.Load(dir.Path);

        Assert.Equal(["e1", "e2"], builtIn.Dataset.NamedSets[SotopiaDataLoader.AllScenariosSet].ToArray());
        Assert.Equal(["e2"], ownAll.Dataset.NamedSets[SotopiaDataLoader.AllScenariosSet].ToArray());
        Assert.Empty(ownAll.Problems);
    }

    [Fact]
    public void ExportLeavesOutTheBuiltInSetAllButKeepsADefinedOne()
    {
        using var dir = new TempDirectory();
        SampleData.Write(dir.Path, SampleData.Baseline());
        var builtIn = SotopiaDataLoader.Load(dir.Path).Dataset;
        using var exported = new TempDirectory();

        SotopiaDataExporter.Write(builtIn, exported.Path);
        var builtInSets = File.ReadAllText(exported.File(SotopiaDataExporter.SetsFile));
        SotopiaDataExporter.Write(builtIn with { NamedSets = builtIn.NamedSets.SetItem("all", ["e2"]) }, exported.Path);
        var definedSets = File.ReadAllText(exported.File(SotopiaDataExporter.SetsFile));

        Assert.Equal("{}\n", builtInSets);
        Assert.Contains("\"all\": [", definedSets, StringComparison.Ordinal);
        Assert.Equal(["e2"], SotopiaDataLoader.Load(exported.Path).Dataset.NamedSets["all"].ToArray());
    }
}
