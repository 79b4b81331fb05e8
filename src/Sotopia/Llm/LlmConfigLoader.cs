using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using SotopiaPi.Grains.Interfaces;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Builds <see cref="LlmSettings"/> from an optional configuration file (YAML or JSON, snake_case keys) and
/// the environment. Precedence, lowest first: built-in defaults (<see cref="LlmDefaults"/>; the base URL from
/// <c>OPENAI_BASE_URL</c>), the file's <c>defaults</c> section, <c>SOTOPIA_LLM_DEFAULTS_&lt;FIELD&gt;</c>, the file's
/// <c>roles.&lt;role&gt;</c> section, <c>SOTOPIA_LLM_&lt;ROLE&gt;_&lt;FIELD&gt;</c> (ROLE = POLICY, PARTNER, EXPERT,
/// JUDGE, GENERATOR; FIELD = the key upper-cased, e.g. <c>SOTOPIA_LLM_JUDGE_MODEL</c>). Unknown keys and bad values
/// are errors naming the file and line (or the variable) and the field; all problems are reported at once.
/// It stays a hand-written reader rather than options bound from IConfiguration: the file is a format of its own
/// (snake_case keys, role aliases such as <c>evaluator</c>, durations such as <c>500ms</c>, per-model prices), its
/// errors name the line they come from, which the configuration binder does not know, and each field is layered
/// per role over defaults with the origin (file line or variable) kept for the error; the binder would also stop at
/// the first value it cannot convert instead of listing them all.</summary>
public static partial class LlmConfigLoader
{
    /// <summary>The fields a role (or <c>defaults</c>) may set.</summary>
    public static ImmutableArray<string> RoleFields { get; } =
    [
        "base_url", "api_key_env", "model", "temperature", "max_tokens", "timeout",
        "max_concurrency", "requests_per_minute", "tokens_per_minute", "structured_outputs",
    ];

    private static readonly string[] TopLevelKeys = ["defaults", "roles", "retry", "prices", "budget_refresh_interval", "budget_poll_interval"];
    private static readonly string[] RetryKeys = ["max_attempts", "base_delay", "max_delay"];
    private static readonly string[] PriceKeys = ["input", "cached_input", "output"];

    /// <summary>Loads the configuration. <paramref name="path"/> null = the file named by <c>SOTOPIA_LLM_CONFIG</c>,
    /// or none (defaults and environment only).</summary>
    /// <exception cref="LlmConfigException">Listing every problem.</exception>
    public static LlmSettings Load(string? path, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        path ??= NullIfEmpty(environment(LlmDefaults.ConfigVariable));
        var problems = new List<string>();
        YamlMappingNode? root = null;
        if (path is not null)
        {
            root = ReadFile(path, problems);
        }
        var source = path ?? "defaults";

        // Per role: field → (value, where it came from).
        var layers = new Dictionary<string, Dictionary<string, (string Value, string Where)>>(StringComparer.Ordinal);
        var baseUrl = NullIfEmpty(environment(LlmDefaults.BaseUrlVariable)) ?? LlmDefaults.OpenAiBaseUrl;
        var baseUrlWhere = environment(LlmDefaults.BaseUrlVariable) is { Length: > 0 } ? LlmDefaults.BaseUrlVariable : "built-in default";
        foreach (var role in LlmSettings.RoleNames)
        {
            var (model, temperature, maxTokens, timeout) = LlmDefaults.Roles[role];
            layers[role] = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
            {
                ["base_url"] = (baseUrl, baseUrlWhere),
                ["api_key_env"] = (LlmDefaults.ApiKeyVariable, "built-in default"),
                ["model"] = (model, "built-in default"),
                ["temperature"] = (temperature.ToString(CultureInfo.InvariantCulture), "built-in default"),
                ["max_tokens"] = (maxTokens.ToString(CultureInfo.InvariantCulture), "built-in default"),
                ["timeout"] = ($"{timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s", "built-in default"),
            };
        }

        var fileDefaults = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        var fileRoles = new Dictionary<string, Dictionary<string, (string, string)>>(StringComparer.Ordinal);
        var retry = new LlmRetrySettings();
        var prices = LlmDefaults.Prices.ToBuilder();
        var refresh = TimeSpan.FromSeconds(60);
        var poll = TimeSpan.FromSeconds(1);
        if (root is not null)
        {
            foreach (var (keyNode, value) in root.Children)
            {
                var key = Key(keyNode);
                var where = Where(source, keyNode);
                switch (key)
                {
                    case "defaults":
                        ReadRoleFields(value, source, "defaults", fileDefaults, problems);
                        break;
                    case "roles":
                        if (value is not YamlMappingNode roles)
                        {
                            problems.Add($"{where}: roles: expected a mapping of role name → settings");
                            break;
                        }
                        foreach (var (roleKey, roleValue) in roles.Children)
                        {
                            var roleName = NormalizeRole(Key(roleKey));
                            if (roleName is null)
                            {
                                problems.Add($"{Where(source, roleKey)}: roles.{Key(roleKey)}: unknown role; expected one of {string.Join(", ", LlmSettings.RoleNames)}");
                                continue;
                            }
                            var fields = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
                            ReadRoleFields(roleValue, source, $"roles.{Key(roleKey)}", fields, problems);
                            fileRoles[roleName] = fields;
                        }
                        break;
                    case "retry":
                        retry = ReadRetry(value, source, problems);
                        break;
                    case "prices":
                        ReadPrices(value, source, prices, problems);
                        break;
                    case "chars_per_token":
                        problems.Add($"{where}: chars_per_token was removed: prompts are counted with the model's tokenizer (o200k_base for gpt-4o/gpt-4.1/o-series, cl100k_base for gpt-4/gpt-3.5 and as the approximation for other models); delete this line");
                        break;
                    case "budget_refresh_interval":
                        refresh = ReadDuration(value, source, key, problems) ?? refresh;
                        break;
                    case "budget_poll_interval":
                        poll = ReadDuration(value, source, key, problems) ?? poll;
                        break;
                    default:
                        problems.Add($"{where}: '{Key(keyNode)}' is not a setting; expected one of {string.Join(", ", TopLevelKeys)}");
                        break;
                }
            }
        }

        var envDefaults = ReadEnvironment("DEFAULTS", environment);
        var roleSettings = ImmutableDictionary.CreateBuilder<string, LlmRoleSettings>(StringComparer.Ordinal);
        foreach (var role in LlmSettings.RoleNames)
        {
            var fields = layers[role];
            Overlay(fields, fileDefaults);
            Overlay(fields, envDefaults);
            if (fileRoles.TryGetValue(role, out var fromFile))
            {
                Overlay(fields, fromFile);
            }
            Overlay(fields, ReadEnvironment(role.ToUpperInvariant(), environment));
            if (Build(role, fields, problems) is { } settings)
            {
                roleSettings[role] = settings;
            }
        }

        if (problems.Count > 0)
        {
            throw new LlmConfigException(problems);
        }
        return new LlmSettings
        {
            Roles = roleSettings.ToImmutable(),
            Retry = retry,
            Prices = prices.ToImmutable(),
            BudgetRefreshInterval = refresh,
            BudgetPollInterval = poll,
            Origin = source,
        };
    }

    /// <summary>Parses a duration: <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>, combinations such as <c>1m30s</c>,
    /// or <c>hh:mm:ss</c>. A bare number has no unit and is rejected.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var trimmed = text.Trim();
        if (trimmed.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
        }
        var matches = DurationPart().Matches(trimmed);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != trimmed)
        {
            return false;
        }
        foreach (Match match in matches)
        {
            var number = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            duration += match.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "s" => TimeSpan.FromSeconds(number),
                "m" => TimeSpan.FromMinutes(number),
                _ => TimeSpan.FromHours(number),
            };
        }
        return true;
    }

    private static YamlMappingNode? ReadFile(string path, List<string> problems)
    {
        if (!File.Exists(path))
        {
            problems.Add($"{path}: configuration file not found");
            return null;
        }
        try
        {
            var stream = new YamlStream();
            using (var reader = new StreamReader(path))
            {
                stream.Load(reader);
            }
            if (stream.Documents.Count == 0)
            {
                return new YamlMappingNode();
            }
            if (stream.Documents[0].RootNode is YamlMappingNode mapping)
            {
                return mapping;
            }
            problems.Add($"{path}: line {stream.Documents[0].RootNode.Start.Line}: the configuration must be a mapping of settings");
        }
        catch (YamlException ex)
        {
            problems.Add($"{path}: line {ex.Start.Line}: not valid YAML/JSON: {ex.Message}");
        }
        catch (IOException ex)
        {
            problems.Add($"{path}: cannot be read: {ex.Message}");
        }
        return null;
    }

    private static void ReadRoleFields(YamlNode node, string source, string section, Dictionary<string, (string, string)> into, List<string> problems)
    {
        if (node is YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            return;
        }
        if (node is not YamlMappingNode mapping)
        {
            problems.Add($"{Where(source, node)}: {section}: expected a mapping of settings");
            return;
        }
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = Key(keyNode);
            if (!RoleFields.Contains(key))
            {
                problems.Add($"{Where(source, keyNode)}: {section}.{Key(keyNode)}: unknown field; expected one of {string.Join(", ", RoleFields)}");
                continue;
            }
            if (Scalar(value, source, $"{section}.{key}", problems) is { } text)
            {
                into[key] = (text, $"{Where(source, value)}: {section}.{key}");
            }
        }
    }

    private static LlmRetrySettings ReadRetry(YamlNode node, string source, List<string> problems)
    {
        var retry = new LlmRetrySettings();
        if (node is not YamlMappingNode mapping)
        {
            problems.Add($"{Where(source, node)}: retry: expected a mapping with {string.Join(", ", RetryKeys)}");
            return retry;
        }
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = Key(keyNode);
            switch (key)
            {
                case "max_attempts":
                    if (Scalar(value, source, "retry.max_attempts", problems) is { } text)
                    {
                        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var attempts) && attempts is >= 1 and <= 100)
                        {
                            retry = retry with { MaxAttempts = attempts };
                        }
                        else
                        {
                            problems.Add($"{Where(source, value)}: retry.max_attempts: '{text}' must be an integer from 1 to 100");
                        }
                    }
                    break;
                case "base_delay":
                    retry = ReadDuration(value, source, "retry.base_delay", problems) is { } b ? retry with { BaseDelay = b } : retry;
                    break;
                case "max_delay":
                    retry = ReadDuration(value, source, "retry.max_delay", problems) is { } m ? retry with { MaxDelay = m } : retry;
                    break;
                default:
                    problems.Add($"{Where(source, keyNode)}: retry.{Key(keyNode)}: unknown field; expected one of {string.Join(", ", RetryKeys)}");
                    break;
            }
        }
        return retry;
    }

    private static void ReadPrices(YamlNode node, string source, ImmutableDictionary<string, ModelPrice>.Builder prices, List<string> problems)
    {
        if (node is not YamlMappingNode mapping)
        {
            problems.Add($"{Where(source, node)}: prices: expected a mapping of model → {{input, cached_input, output}} (USD per million tokens)");
            return;
        }
        foreach (var (modelNode, value) in mapping.Children)
        {
            var model = ((YamlScalarNode)modelNode).Value ?? "";
            var field = $"prices.{model}";
            if (value is not YamlMappingNode priceNode)
            {
                problems.Add($"{Where(source, value)}: {field}: expected {{input, cached_input, output}}");
                continue;
            }
            decimal? input = null, cached = null, output = null;
            foreach (var (keyNode, amountNode) in priceNode.Children)
            {
                var key = Key(keyNode);
                if (!PriceKeys.Contains(key))
                {
                    problems.Add($"{Where(source, keyNode)}: {field}.{Key(keyNode)}: unknown field; expected one of {string.Join(", ", PriceKeys)}");
                    continue;
                }
                var text = Scalar(amountNode, source, $"{field}.{key}", problems);
                if (text is null)
                {
                    continue;
                }
                if (!decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var amount) || amount < 0)
                {
                    problems.Add($"{Where(source, amountNode)}: {field}.{key}: '{text}' must be a non-negative number (USD per million tokens)");
                    continue;
                }
                switch (key)
                {
                    case "input":
                        input = amount;
                        break;
                    case "cached_input":
                        cached = amount;
                        break;
                    default:
                        output = amount;
                        break;
                }
            }
            if (input is null || output is null)
            {
                problems.Add($"{Where(source, value)}: {field}: needs at least input and output");
                continue;
            }
            prices[model] = new ModelPrice { InputPerMillion = input.Value, CachedInputPerMillion = cached ?? input.Value, OutputPerMillion = output.Value };
        }
    }

    private static TimeSpan? ReadDuration(YamlNode node, string source, string field, List<string> problems)
    {
        if (Scalar(node, source, field, problems) is not { } text)
        {
            return null;
        }
        if (TryParseDuration(text, out var duration) && duration > TimeSpan.Zero)
        {
            return duration;
        }
        problems.Add($"{Where(source, node)}: {field}: '{text}' is not a positive duration such as 500ms, 30s, 2m");
        return null;
    }

    private static Dictionary<string, (string Value, string Where)> ReadEnvironment(string scope, Func<string, string?> environment)
    {
        var fields = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var field in RoleFields)
        {
            var name = $"{LlmDefaults.OverridePrefix}{scope}_{field.ToUpperInvariant()}";
            if (NullIfEmpty(environment(name)) is { } value)
            {
                fields[field] = (value, $"environment variable {name}");
            }
        }
        return fields;
    }

    private static void Overlay(Dictionary<string, (string Value, string Where)> target, Dictionary<string, (string Value, string Where)> layer)
    {
        foreach (var (key, value) in layer)
        {
            target[key] = value;
        }
    }

    private static LlmRoleSettings? Build(string role, Dictionary<string, (string Value, string Where)> fields, List<string> problems)
    {
        var count = problems.Count;
        string Where(string field) => fields.TryGetValue(field, out var v) ? v.Where : $"{role}.{field}";

        Uri? baseUrl = null;
        var (urlText, _) = fields["base_url"];
        if (!Uri.TryCreate(urlText.Trim(), UriKind.Absolute, out baseUrl) || baseUrl.Scheme is not ("http" or "https"))
        {
            problems.Add($"{Where("base_url")} (role {role}): '{urlText}' is not an http(s) URL such as https://api.openai.com/v1");
        }

        var keyVariable = fields["api_key_env"].Value.Trim();
        if (LooksLikeSecret(keyVariable))
        {
            problems.Add($"{Where("api_key_env")} (role {role}): must name the environment variable that holds the API key, not the key itself (the value is not shown)");
        }
        else if (!EnvironmentName().IsMatch(keyVariable))
        {
            problems.Add($"{Where("api_key_env")} (role {role}): '{keyVariable}' is not an environment variable name");
        }

        var model = fields["model"].Value.Trim();
        if (model.Length == 0)
        {
            problems.Add($"{Where("model")} (role {role}): the model must not be empty");
        }

        float? temperature = null;
        if (Optional(fields, "temperature") is { } t)
        {
            if (float.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 2)
            {
                temperature = value;
            }
            else
            {
                problems.Add($"{Where("temperature")} (role {role}): '{t}' must be a number from 0 to 2");
            }
        }

        var maxTokens = OptionalInt(fields, "max_tokens", 1, 1_000_000, role, problems);
        var timeout = TimeSpan.FromSeconds(60);
        if (Optional(fields, "timeout") is { } timeoutText)
        {
            if (TryParseDuration(timeoutText, out var parsed) && parsed > TimeSpan.Zero)
            {
                timeout = parsed;
            }
            else
            {
                problems.Add($"{Where("timeout")} (role {role}): '{timeoutText}' is not a positive duration such as 60s or 2m");
            }
        }
        var concurrency = OptionalInt(fields, "max_concurrency", 1, 100_000, role, problems) ?? 32;
        var rpm = OptionalInt(fields, "requests_per_minute", 1, 100_000_000, role, problems);
        var tpm = OptionalInt(fields, "tokens_per_minute", 1, int.MaxValue, role, problems);

        var structured = StructuredOutputMode.Auto;
        if (Optional(fields, "structured_outputs") is { } s)
        {
            switch (s.Trim().ToLowerInvariant())
            {
                case "auto":
                    break;
                case "on" or "true" or "yes":
                    structured = StructuredOutputMode.On;
                    break;
                case "off" or "false" or "no":
                    structured = StructuredOutputMode.Off;
                    break;
                default:
                    problems.Add($"{Where("structured_outputs")} (role {role}): '{s}' must be auto, on or off");
                    break;
            }
        }

        if (problems.Count > count)
        {
            return null;
        }
        return new LlmRoleSettings
        {
            Role = role,
            BaseUrl = baseUrl!,
            ApiKeyVariable = keyVariable,
            Model = model,
            Temperature = temperature,
            MaxTokens = maxTokens,
            Timeout = timeout,
            MaxConcurrency = concurrency,
            RequestsPerMinute = rpm,
            TokensPerMinute = tpm,
            StructuredOutputs = structured,
        };
    }

    private static string? Optional(Dictionary<string, (string Value, string Where)> fields, string field) =>
        fields.TryGetValue(field, out var v) && !IsNull(v.Value) ? v.Value : null;

    private static int? OptionalInt(Dictionary<string, (string Value, string Where)> fields, string field, int min, int max, string role, List<string> problems)
    {
        if (Optional(fields, field) is not { } text)
        {
            return null;
        }
        if (long.TryParse(text.Trim().Replace("_", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return (int)value;
        }
        problems.Add($"{fields[field].Where} (role {role}): '{text}' must be an integer from {min} to {max}");
        return null;
    }

    private static bool IsNull(string value) => value.Trim() is "" or "~" or "null" or "none";

    private static bool LooksLikeSecret(string value) =>
        value.StartsWith("sk-", StringComparison.Ordinal) || (value.Length >= 32 && !value.Contains('_', StringComparison.Ordinal) && value.Any(char.IsLower) && value.Any(char.IsDigit));

    private static string? Scalar(YamlNode node, string source, string field, List<string> problems)
    {
        if (node is YamlScalarNode scalar)
        {
            return scalar.Value ?? "";
        }
        problems.Add($"{Where(source, node)}: {field}: expected a single value");
        return null;
    }

    private static string Key(YamlNode node) => ((node as YamlScalarNode)?.Value ?? "").Trim().ToLowerInvariant().Replace('-', '_');

    private static string Where(string source, YamlNode node) => $"{source}: line {node.Start.Line}";

    private static string? NormalizeRole(string key) => key switch
    {
        "policy" or "pi_agent" or "agent" => AgentRoles.Policy,
        "partner" or "pi_partner" => AgentRoles.Partner,
        "expert" or "pi_expert" => AgentRoles.Expert,
        "judge" or "evaluator" => AgentRoles.Judge,
        "generator" or "task_generator" => AgentRoles.Generator,
        _ => null,
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h)", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPart();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvironmentName();
}
