using System.Collections.Immutable;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.Sotopia.Prompts;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>Calls every configured endpoint once (roles sharing an endpoint and model share the call) with a tiny
/// structured-output request, and reports the model that answered, the latency, whether structured output works there
/// (or was rejected and plain JSON used), and the rate-limit headers the endpoint sent.</summary>
public static class LlmModelsCheck
{
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
