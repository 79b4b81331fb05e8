using Microsoft.Extensions.Logging;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>The gateway's log messages (event ids 1400–1499). Messages carry role, endpoint host, model, status and
/// waits — never keys, headers or prompts.</summary>
internal static partial class LlmLog
{
    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "LLM {Role} call ({Purpose}) to {Endpoint} model {Model}: attempt {Attempt}/{MaxAttempts} failed ({Error}); retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string role, string purpose, string endpoint, string model, int attempt, int maxAttempts, string error, long delayMs);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Error, Message = "LLM {Role} call ({Purpose}) to {Endpoint} model {Model} failed: {Error}")]
    public static partial void Failed(ILogger logger, string role, string purpose, string endpoint, string model, string error);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Warning, Message = "{Endpoint} model {Model} rejected structured output (schema {Schema}); asking for plain JSON from now on")]
    public static partial void StructuredOutputRejected(ILogger logger, string endpoint, string model, string schema);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Warning, Message = "{Endpoint} model {Model} asked to slow down (HTTP {Status}); every caller pauses for {PauseMs} ms")]
    public static partial void SlowingDown(ILogger logger, string endpoint, string model, int status, long pauseMs);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Warning, Message = "Campaign {CampaignId} paused: {Reason}")]
    public static partial void BudgetPaused(ILogger logger, string campaignId, string reason);

    [LoggerMessage(EventId = 1406, Level = LogLevel.Information, Message = "Campaign {CampaignId} resumed with spending {Tokens} tokens, ${Cost}")]
    public static partial void BudgetResumed(ILogger logger, string campaignId, long tokens, decimal cost);

    [LoggerMessage(EventId = 1407, Level = LogLevel.Warning, Message = "Could not check the budget of the campaign of episode {EpisodeId}; calls go on")]
    public static partial void BudgetCheckFailed(ILogger logger, Exception exception, string episodeId);
}
