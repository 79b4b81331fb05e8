using System.Collections.Immutable;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.Sotopia.Prompts;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Checks of the configured endpoints: <see cref="CheckEndpointsAsync"/> before a run (one cheap request per
/// endpoint), <see cref="RunAsync"/> for <c>sotopia models check</c> (one tiny structured-output call per endpoint
/// and model).</summary>
public static class LlmModelsCheck
{
    /// <summary>Before a run: one <c>GET {base_url}/models</c> per endpoint (base URL + key variable; the roles
    /// sharing it share the request), all at once. No tokens are used. A failure names the roles, the URL and the
    /// error — a closed port, a refused key, a server that is not OpenAI-compatible — so a run can refuse to start
    /// instead of failing every episode. <paramref name="roles"/> limits the check to the roles a run uses (null =
    /// every configured role).</summary>
    public static async Task<IReadOnlyList<EndpointCheckResult>> CheckEndpointsAsync(
        LlmGateway gateway, IEnumerable<string>? roles = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        time ??= TimeProvider.System;
        var wanted = roles?.ToHashSet(StringComparer.Ordinal);
        var settings = gateway.Settings;
        var groups = LlmSettings.RoleNames
            .Where(r => settings.Roles.ContainsKey(r) && (wanted is null || wanted.Contains(r)))
            .Select(settings.Role)
            .GroupBy(r => (Url: r.BaseUrl.AbsoluteUri.TrimEnd('/'), r.ApiKeyVariable))
            .ToList();
        var checks = groups.Select(async group =>
        {
            var first = group.First();
            var result = new EndpointCheckResult([.. group.Select(r => r.Role)], first.BaseUrl);
            var started = time.GetTimestamp();
            try
            {
                var models = await gateway.ListModelsAsync(first, cancellationToken).ConfigureAwait(false);
                return result with { Models = models, Latency = time.GetElapsedTime(started) };
            }
            catch (LlmCallException ex)
            {
                return result with { Error = gateway.Scrubber.Scrub(ex.Message) };
            }
        });
        return await Task.WhenAll(checks).ConfigureAwait(false);
    }

    public const string Prompt =
        "This is a connectivity check. Answer with only this JSON object: {\"action_type\": \"none\", \"argument\": \"\"}";

    public static async Task<IReadOnlyList<ModelCheckResult>> RunAsync(LlmGateway gateway, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var settings = gateway.Settings;
        var groups = LlmSettings.RoleNames
            .Where(settings.Roles.ContainsKey)
            .Select(settings.Role)
            .GroupBy(r => (r.LimiterKey, r.Model))
            .ToList();
        var results = new List<ModelCheckResult>();
        foreach (var group in groups)
        {
            var first = group.First();
            var result = new ModelCheckResult([.. group.Select(r => r.Role)], first.BaseUrl, first.Model);
            try
            {
                var answer = await gateway.CompleteAsync(
                    new LlmRequest(first.Role, Prompt) { Schema = LlmAgentPolicy.Schema, Temperature = 0f, Purpose = "check" }, cancellationToken);
                result = result with
                {
                    AnsweredModel = answer.Usage.Model,
                    Latency = answer.Usage.Latency,
                    StructuredOutputs = first.StructuredOutputs == StructuredOutputMode.Off
                        ? "off (configured)"
                        : answer.Structured ? "yes" : "no (response_format rejected; plain JSON is used)",
                    AnswerValid = AgentActionParser.TryParse(answer.Text, out _, out _),
                    RateLimitHeaders = answer.RateLimitHeaders,
                    Error = AgentActionParser.TryParse(answer.Text, out _, out var parseError) ? null : $"the answer is not the JSON asked for: {parseError}",
                };
            }
            catch (LlmCallException ex)
            {
                result = result with { Error = gateway.Scrubber.Scrub(ex.Message) };
            }
            results.Add(result);
        }
        return results;
    }
}
