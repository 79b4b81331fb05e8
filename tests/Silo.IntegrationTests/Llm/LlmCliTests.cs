using System.Text.RegularExpressions;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;

namespace SotopiaPi.Silo.IntegrationTests.Llm;

/// <summary>The real <c>sotopia</c> console against the fake server: <c>models check</c>, <c>tasks generate</c> and
/// <c>tasks provenance</c>, <c>run --backend llm --config</c> (eval runs fully; BC stops with the trainer note) and the
/// usage shown by <c>campaign status</c>.</summary>
public sealed partial class LlmCliTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task ModelsCheckReportsEachEndpointAndWhetherStructuredOutputsWork()
    {
        using var dir = new TempDirectory();
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Respond(r => r.Model == "gpt-4o-mini" && r.ResponseFormat is not null
            ? FakeOpenAiReply.Error(400, "'response_format' is not supported")
            : FakeOpenAiReply.Answer("""{"action_type": "none", "argument": ""}""").WithHeaders(("x-ratelimit-limit-requests", "5000"), ("x-ratelimit-remaining-requests", "4999")));
        var config = WriteConfig(dir, server);

        using var process = SotopiaProcess.Start("models", "check", "--config", config);
        var exit = await process.WaitForExitAsync(Timeout);

        Assert.True(exit == 0, Text(process));
        Assert.Contains("partner — ", Text(process));
        Assert.Contains("structured outputs: no (response_format rejected; plain JSON is used)", Text(process));
        Assert.Contains("expert, generator — ", Text(process));
        Assert.Contains("x-ratelimit-limit-requests: 5000", Text(process));
        Assert.Equal(4, server.Requests.Select(r => r.Model).Distinct().Count());
        Assert.Equal(5, server.Requests.Count);
    }

    [Fact]
    public async Task TasksGenerateStoresScenariosAndProvenanceExportsThem()
    {
        using var dir = new TempDirectory();
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Respond(FakeModels.Respond);
        var config = WriteConfig(dir, server);
        var keywords = dir.Combine("keywords.txt");
        File.WriteAllText(keywords, "borrowing a ladder\nborrowing a ladder.\nsplitting a taxi fare\n");
        var home = dir.Combine("home");

        using (var generate = SotopiaProcess.Start("tasks", "generate", "--count", "2", "--inspirations", keywords, "--config", config, "--home", home, "--parallel", "1"))
        {
            Assert.True(await generate.WaitForExitAsync(Timeout) == 0, Text(generate));
            Assert.Contains("Stored 2 new scenario(s) with 10 task(s) in set 'generated'", Text(generate));
            Assert.Contains("1 duplicates", Text(generate));
        }
        var provenance = dir.Combine("used_prompt.csv");
        using (var export = SotopiaProcess.Start("tasks", "provenance", "--home", home, "--out", provenance))
        {
            Assert.True(await export.WaitForExitAsync(Timeout) == 0, Text(export));
        }
        var lines = File.ReadAllLines(provenance);
        Assert.Equal("model|source|pk|prompt", lines[0]);
        Assert.Equal(["gpt-4.1|keywords|borrowing a ladder", "gpt-4.1|keywords|splitting a taxi fare"],
            lines.Skip(1).Select(l => l.Split('|')).Select(p => $"{p[0]}|{p[1]}|{p[3]}").Order());
    }

    [Fact]
    public async Task RunWithTheLlmBackendEvaluatesFullyAndStatusShowsUsage()
    {
        using var dir = new TempDirectory();
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Respond(FakeModels.Respond);
        var config = WriteConfig(dir, server);
        var spec = dir.Combine("eval.yaml");
        File.WriteAllText(spec, "name: llm-eval\nmode: eval\nevaluation_pairs_per_scenario: 1\n");
        var home = dir.Combine("home");

        using (var run = SotopiaProcess.Start("run", "--backend", "llm", "--config", config, "--spec", spec, "--out", home, "--no-progress"))
        {
            Assert.True(await run.WaitForExitAsync(Timeout) == 0, Text(run));
            Assert.Contains("LLM backend", Text(run));
        }
        using var status = SotopiaProcess.Start("campaign", "status", "--home", home);
        Assert.True(await status.WaitForExitAsync(Timeout) == 0, Text(status));
        Assert.Contains("status Completed", Text(status));
        Assert.Contains("model usage:", Text(status));
        Assert.Contains("gpt-4o-mini:", Text(status));
        Assert.Contains("budget: none", Text(status));
    }

    [Fact]
    public async Task ABehaviourCloningRunStopsAfterExportWithTheTrainerNote()
    {
        using var dir = new TempDirectory();
        await using var server = await FakeOpenAiServer.StartAsync();
        server.Respond(FakeModels.Respond);
        var config = WriteConfig(dir, server);
        var spec = dir.Combine("bc.yaml");
        File.WriteAllText(spec, "name: llm-bc\nmode: bc\nscenarios_per_round: 1\npairs_per_scenario: 2\n");

        using var run = SotopiaProcess.Start("run", "--backend", "llm", "--config", config, "--spec", spec, "--out", dir.Combine("home"), "--no-progress");
        var exit = await run.WaitForExitAsync(Timeout);

        Assert.True(exit == 1, Text(run));
        Assert.Contains("'openai' trainer backend", Text(run));
        Assert.Contains("No OpenAI API key", Text(run));
        Assert.True(Directory.EnumerateFiles(dir.Combine("home", "artifacts"), "*.jsonl", SearchOption.AllDirectories).Any(), Text(run));
    }

    private static string Text(DotnetProcess process) => AnsiEscape().Replace(process.Output, "");

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex AnsiEscape();

    private static string WriteConfig(TempDirectory dir, FakeOpenAiServer server)
    {
        var path = dir.Combine("llm.yaml");
        File.WriteAllText(path, $"""
            defaults:
              base_url: {server.BaseUrl}
              api_key_env: SOTOPIA_TEST_UNSET_KEY
            retry:
              max_attempts: 2
              base_delay: 10ms
            """);
        return path;
    }
}
