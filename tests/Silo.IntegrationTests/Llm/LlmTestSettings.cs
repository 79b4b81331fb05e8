using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SotopiaPi.Sotopia.Llm;

namespace SotopiaPi.Silo.IntegrationTests.Llm;

/// <summary>LLM settings with every role on one test endpoint, short retry delays and a fake key.</summary>
internal static class LlmTestSettings
{
    public const string KeyVariable = "SOTOPIA_TEST_OPENAI_KEY";
    public const string Key = "sk-test-9f8e7d6c5b4a3210fedcba9876543210";

    public static string? Environment(string name) => name == KeyVariable ? Key : null;

    public static LlmSettings For(Uri baseUrl, Func<LlmRoleSettings, LlmRoleSettings>? adjust = null, int maxAttempts = 3)
    {
        var settings = LlmConfigLoader.Load(null, name => name switch
        {
            "OPENAI_BASE_URL" => baseUrl.ToString(),
            "SOTOPIA_LLM_DEFAULTS_API_KEY_ENV" => KeyVariable,
            "SOTOPIA_LLM_DEFAULTS_TIMEOUT" => "20s",
            _ => null,
        });
        var roles = settings.Roles.ToImmutableDictionary(r => r.Key, r => adjust is null ? r.Value : adjust(r.Value));
        return settings with
        {
            Roles = roles,
            Retry = new LlmRetrySettings { MaxAttempts = maxAttempts, BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(100) },
            BudgetPollInterval = TimeSpan.FromMilliseconds(50),
        };
    }

    public static LlmGateway Gateway(LlmSettings settings, ILoggerFactory? loggers = null, LlmBudgetGate? budget = null) =>
        new(settings, TimeProvider.System, (loggers ?? NullLoggerFactory.Instance).CreateLogger<LlmGateway>(), budget, Environment, jitterSeed: 7);
}
