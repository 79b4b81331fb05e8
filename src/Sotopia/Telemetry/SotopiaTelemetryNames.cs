namespace SotopiaPi.Sotopia.Telemetry;

/// <summary>The names SotopiaPi's telemetry is found under: one <see cref="System.Diagnostics.ActivitySource"/>
/// and one <see cref="System.Diagnostics.Metrics.Meter"/>, both called <c>SotopiaPi</c>, and the span names
/// (see docs/operations.md for the whole list with attributes).</summary>
public static class SotopiaTelemetryNames
{
    /// <summary>The ActivitySource every SotopiaPi span comes from.</summary>
    public const string ActivitySourceName = "SotopiaPi";

    /// <summary>The ActivitySource and Meter of Microsoft.Extensions.AI's OpenTelemetry middleware in the LLM
    /// pipeline: one <c>chat {model}</c> span per HTTP attempt (a child of <see cref="LlmCallSpan"/>) and the
    /// <c>gen_ai.client.*</c> metrics, without prompt or answer content.</summary>
    public const string GenAiSourceName = "SotopiaPi.Llm";

    /// <summary>The Meter every SotopiaPi instrument belongs to.</summary>
    public const string MeterName = "SotopiaPi";

    /// <summary>A campaign was created (parent: the console's API request, when it sent a traceparent).</summary>
    public const string CampaignCreateSpan = "sotopia.campaign.create";

    /// <summary>One stage of a campaign (a training round or the evaluation) on the silo driving it.</summary>
    public const string CampaignRoundSpan = "sotopia.campaign.round";

    /// <summary>One episode played by one silo (a resumed episode has one span per activation).</summary>
    public const string EpisodeSpan = "sotopia.episode";

    /// <summary>One turn: the acting seat's decision and its durable write.</summary>
    public const string TurnSpan = "sotopia.turn";

    /// <summary>The judge scoring a finished episode.</summary>
    public const string JudgeSpan = "sotopia.episode.judge";

    /// <summary>One model call through the LLM gateway (with retries and rate-limit waits inside).</summary>
    public const string LlmCallSpan = "sotopia.llm.call";

    /// <summary>A trainer working on one training request.</summary>
    public const string TrainerRequestSpan = "sotopia.trainer.request";

    /// <summary>The trainer reading and checking the round's exported dataset.</summary>
    public const string TrainerDatasetSpan = "sotopia.trainer.dataset";

    /// <summary>The training backend producing the checkpoint or adapter.</summary>
    public const string TrainerTrainingSpan = "sotopia.trainer.training";

    /// <summary>Storing, serving (vLLM load) and registering the new policy version.</summary>
    public const string TrainerPublishSpan = "sotopia.trainer.publish";
}
