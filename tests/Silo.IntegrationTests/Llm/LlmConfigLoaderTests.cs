using SotopiaPi.Grains.Interfaces;
using SotopiaPi.TestInfrastructure;
using SotopiaPi.Silo.IntegrationTests.TestInfrastructure;
using SotopiaPi.Sotopia.Llm;

namespace SotopiaPi.Silo.IntegrationTests.Llm;

/// <summary>One configuration file plus environment overrides, with every problem reported at once naming the file
/// and line (or variable) and the field — and never echoing a key.</summary>
public sealed class LlmConfigLoaderTests
{
    [Fact]
    public void WithoutAFileEveryRoleUsesOpenAiWithTheConventionalVariables()
    {
        var settings = LlmConfigLoader.Load(null, _ => null);

        Assert.Equal("defaults", settings.Origin);
        Assert.All(settings.Roles.Values, r =>
        {
            Assert.Equal(new Uri("https://api.openai.com/v1"), r.BaseUrl);
            Assert.Equal("OPENAI_API_KEY", r.ApiKeyVariable);
        });
        Assert.Equal(1.0f, settings.Role(AgentRoles.Policy).Temperature);
        Assert.Equal(1.0f, settings.Role(AgentRoles.Partner).Temperature);
        Assert.Equal(0.0f, settings.Role(AgentRoles.Judge).Temperature);
        Assert.Equal("gpt-4o", settings.Role(AgentRoles.Judge).Model);
        Assert.Equal(2.50m, settings.Prices["gpt-4o"].InputPerMillion);
    }

    [Fact]
    public void OpenAiBaseUrlMovesEveryRole()
    {
        var settings = LlmConfigLoader.Load(null, n => n == "OPENAI_BASE_URL" ? "http://localhost:8000/v1" : null);

        Assert.All(settings.Roles.Values, r => Assert.Equal(new Uri("http://localhost:8000/v1"), r.BaseUrl));
    }

    [Fact]
    public void FileSectionsAndEnvironmentOverridesApplyInOrder()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("llm.yaml");
        File.WriteAllText(path, """
            defaults:
              base_url: https://example.test/v1
              api_key_env: EXAMPLE_KEY
              max_concurrency: 16
            roles:
              pi_agent:
                base_url: http://vllm:8000/v1
                api_key_env: VLLM_KEY
                model: mistralai/Mistral-7B-Instruct-v0.3
                max_concurrency: 256
                structured_outputs: off
              judge:
                model: gpt-4o-2024-08-06
                requests_per_minute: 500
                tokens_per_minute: 30_000
                timeout: 2m
            retry:
              max_attempts: 4
              base_delay: 500ms
            prices:
              mistralai/Mistral-7B-Instruct-v0.3: {input: 0, output: 0}
            """);

        var settings = LlmConfigLoader.Load(path, n => n switch
        {
            "SOTOPIA_LLM_JUDGE_MODEL" => "gpt-4.1",
            "SOTOPIA_LLM_DEFAULTS_TEMPERATURE" => "0.7",
            _ => null,
        });

        var policy = settings.Role(AgentRoles.Policy);
        Assert.Equal((new Uri("http://vllm:8000/v1"), "VLLM_KEY", "mistralai/Mistral-7B-Instruct-v0.3", 256, StructuredOutputMode.Off),
            (policy.BaseUrl, policy.ApiKeyVariable, policy.Model, policy.MaxConcurrency, policy.StructuredOutputs));
        var judge = settings.Role(AgentRoles.Judge);
        Assert.Equal((new Uri("https://example.test/v1"), "EXAMPLE_KEY", "gpt-4.1", 16, 500, 30_000, TimeSpan.FromMinutes(2)),
            (judge.BaseUrl, judge.ApiKeyVariable, judge.Model, judge.MaxConcurrency, judge.RequestsPerMinute!.Value, judge.TokensPerMinute!.Value, judge.Timeout));
        Assert.Equal(0.7f, judge.Temperature);
        Assert.Equal((4, TimeSpan.FromMilliseconds(500)), (settings.Retry.MaxAttempts, settings.Retry.BaseDelay));
        Assert.Equal(0m, settings.Prices["mistralai/Mistral-7B-Instruct-v0.3"].OutputPerMillion);
        Assert.Equal(path, settings.Origin);
    }

    [Fact]
    public void JsonFilesWork()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("llm.json");
        File.WriteAllText(path, """
            {
              "roles": {
                "partner": { "model": "gpt-4o-mini-2024-07-18", "max_tokens": 256 }
              }
            }
            """);

        var settings = LlmConfigLoader.Load(path, _ => null);

        Assert.Equal(("gpt-4o-mini-2024-07-18", 256), (settings.Role(AgentRoles.Partner).Model, settings.Role(AgentRoles.Partner).MaxTokens!.Value));
    }

    [Fact]
    public void EveryProblemIsReportedWithFileLineAndFieldAndAKeyIsNeverEchoed()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("bad.yaml");
        const string secret = "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789";
        File.WriteAllText(path, $"""
            roles:
              judge:
                temperature: 3
                api_key_env: {secret}
              critic:
                model: x
              partner:
                modle: gpt-4o
            retries: 3
            """);

        var error = Assert.Throws<LlmConfigException>(() => LlmConfigLoader.Load(path, n => n == "SOTOPIA_LLM_EXPERT_TIMEOUT" ? "30" : null));

        Assert.Contains(error.Problems, p => p.StartsWith($"{path}: line 3: roles.judge.temperature (role judge): '3' must be a number from 0 to 2", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("line 4: roles.judge.api_key_env (role judge): must name the environment variable", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("line 5: roles.critic: unknown role", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("line 8: roles.partner.modle: unknown field", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.Contains("line 9: 'retries' is not a setting", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("environment variable SOTOPIA_LLM_EXPERT_TIMEOUT (role expert): '30' is not a positive duration", StringComparison.Ordinal));
        Assert.Equal(6, error.Problems.Count);
        Assert.DoesNotContain(secret, error.Message);
    }

    [Fact]
    public void TheRemovedCharsPerTokenSettingIsAnErrorSayingWhatReplacedIt()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("llm.yaml");
        File.WriteAllText(path, "retry:\n  max_attempts: 2\nchars_per_token: 4\n");

        var error = Assert.Throws<LlmConfigException>(() => LlmConfigLoader.Load(path, _ => null));

        var problem = Assert.Single(error.Problems);
        Assert.StartsWith($"{path}: line 3: chars_per_token was removed: prompts are counted with the model's tokenizer (o200k_base", problem);
        Assert.EndsWith("delete this line", problem);
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        var error = Assert.Throws<LlmConfigException>(() => LlmConfigLoader.Load("/nonexistent/llm.yaml", _ => null));

        Assert.Equal(["/nonexistent/llm.yaml: configuration file not found"], error.Problems);
    }

    [Fact]
    public void TheConfigFileCanBeNamedByTheEnvironment()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("llm.yml");
        File.WriteAllText(path, "roles:\n  generator:\n    model: gpt-4o\n");

        var settings = LlmConfigLoader.Load(null, n => n == "SOTOPIA_LLM_CONFIG" ? path : null);

        Assert.Equal("gpt-4o", settings.Role(AgentRoles.Generator).Model);
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("6m0s", 360_000)]
    [InlineData("00:00:05", 5_000)]
    public void DurationsNeedAUnit(string text, int ms)
    {
        Assert.True(LlmConfigLoader.TryParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(ms), duration);
        Assert.False(LlmConfigLoader.TryParseDuration("30", out _));
        Assert.False(LlmConfigLoader.TryParseDuration("30 seconds", out _));
    }

    [Fact]
    public void PricesMatchSnapshotsAndFineTunedModels()
    {
        var budget = new CampaignBudget { Prices = LlmConfigLoader.Load(null, _ => null).Prices };

        Assert.Equal(0.15m, budget.PriceOf("gpt-4o-mini-2024-07-18")!.InputPerMillion);
        Assert.Equal(2.50m, budget.PriceOf("gpt-4o-2024-08-06")!.InputPerMillion);
        Assert.Equal(0.20m, budget.PriceOf("ft:gpt-4.1-nano-2025-04-14:org::abc123")!.InputPerMillion);
        Assert.Null(budget.PriceOf("mistral-7b"));
        var usage = new CallUsage("gpt-4o", 1_000_000, 1_000_000, 400_000, TimeSpan.Zero);
        Assert.Equal((600_000 * 2.50m / 1_000_000) + (400_000 * 1.25m / 1_000_000) + 10.00m, budget.PriceOf("gpt-4o")!.Cost(usage));
    }
}
