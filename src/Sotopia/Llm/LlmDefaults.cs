using System.Collections.Immutable;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>What every role uses when nothing is configured: the endpoint in <c>OPENAI_BASE_URL</c> (default
/// OpenAI's) with the key in <c>OPENAI_API_KEY</c>, and per role a current model playing the part the paper's model
/// played — the π-agent a small fine-tunable model (the paper trained Mistral-7B), the π-partner a cheap chat model
/// (GPT-3.5-turbo in the paper), the expert and the generator strong models (GPT-4, GPT-4-turbo), the judge GPT-4o
/// (what SOTOPIA's later benchmark uses) at temperature 0. Agents sample at temperature 1.0, the generator at 0.5,
/// as in the original.</summary>
public static class LlmDefaults
{
    public const string OpenAiBaseUrl = "https://api.openai.com/v1";
    public const string BaseUrlVariable = "OPENAI_BASE_URL";
    public const string ApiKeyVariable = "OPENAI_API_KEY";
    /// <summary>Names the configuration file when no <c>--config</c> is given.</summary>
    public const string ConfigVariable = "SOTOPIA_LLM_CONFIG";
    /// <summary>Prefix of the per-field overrides: <c>SOTOPIA_LLM_&lt;ROLE|DEFAULTS&gt;_&lt;FIELD&gt;</c>.</summary>
    public const string OverridePrefix = "SOTOPIA_LLM_";

    /// <summary>Built-in role settings (model, temperature, max tokens, timeout).</summary>
    public static ImmutableDictionary<string, (string Model, float Temperature, int MaxTokens, TimeSpan Timeout)> Roles { get; } =
        new Dictionary<string, (string, float, int, TimeSpan)>
        {
            [AgentRoles.Policy] = ("gpt-4.1-nano-2025-04-14", 1.0f, 1024, TimeSpan.FromSeconds(60)),
            [AgentRoles.Partner] = ("gpt-4o-mini", 1.0f, 1024, TimeSpan.FromSeconds(60)),
            [AgentRoles.Expert] = ("gpt-4.1", 1.0f, 1024, TimeSpan.FromSeconds(60)),
            [AgentRoles.Judge] = ("gpt-4o", 0.0f, 4096, TimeSpan.FromSeconds(180)),
            [AgentRoles.Generator] = ("gpt-4.1", 0.5f, 2048, TimeSpan.FromSeconds(120)),
        }.ToImmutableDictionary();

    /// <summary>OpenAI list prices (USD per million tokens: input, cached input, output) of the default models and
    /// their relatives, as published for the standard tier in 2025; fine-tuned (<c>ft:</c>) models cost more.
    /// Override or extend them in the configuration file's <c>prices</c> section.</summary>
    public static ImmutableDictionary<string, ModelPrice> Prices { get; } = new Dictionary<string, ModelPrice>
    {
        ["gpt-4o"] = Price(2.50m, 1.25m, 10.00m),
        ["gpt-4o-mini"] = Price(0.15m, 0.075m, 0.60m),
        ["gpt-4.1"] = Price(2.00m, 0.50m, 8.00m),
        ["gpt-4.1-mini"] = Price(0.40m, 0.10m, 1.60m),
        ["gpt-4.1-nano"] = Price(0.10m, 0.025m, 0.40m),
        ["ft:gpt-4o-mini"] = Price(0.30m, 0.15m, 1.20m),
        ["ft:gpt-4.1"] = Price(3.00m, 0.75m, 12.00m),
        ["ft:gpt-4.1-mini"] = Price(0.80m, 0.20m, 3.20m),
        ["ft:gpt-4.1-nano"] = Price(0.20m, 0.05m, 0.80m),
    }.ToImmutableDictionary(StringComparer.OrdinalIgnoreCase);

    private static ModelPrice Price(decimal input, decimal cached, decimal output) =>
        new() { InputPerMillion = input, CachedInputPerMillion = cached, OutputPerMillion = output };
}
