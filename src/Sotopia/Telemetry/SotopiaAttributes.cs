namespace SotopiaPi.Sotopia.Telemetry;

/// <summary>Attribute (tag) names on SotopiaPi spans and metrics. Model and token attributes follow the
/// OpenTelemetry GenAI conventions (<c>gen_ai.*</c>).</summary>
public static class SotopiaAttributes
{
    public const string CampaignId = "sotopia.campaign.id";
    public const string CampaignName = "sotopia.campaign.name";
    public const string CampaignMode = "sotopia.campaign.mode";
    /// <summary>The stage index of the campaign plan (0 = BC or the first SR round; the evaluation is last).</summary>
    public const string Round = "sotopia.round";
    /// <summary>"bc", "sr" or "eval".</summary>
    public const string Phase = "sotopia.phase";
    public const string EpisodeId = "sotopia.episode.id";
    public const string EpisodeStatus = "sotopia.episode.status";
    public const string Termination = "sotopia.episode.termination";
    public const string Seat = "sotopia.seat";
    public const string TurnNumber = "sotopia.turn.number";
    public const string ActionType = "sotopia.action.type";
    /// <summary>The role playing a seat or calling a model: policy, partner, expert, judge, generator.</summary>
    public const string Role = "sotopia.role";
    public const string PolicyName = "sotopia.policy.name";
    /// <summary>The pinned policy version of a seat (or the version a trainer publishes).</summary>
    public const string PolicyVersion = "sotopia.policy.version";
    /// <summary>An evaluation target's label: base, bc, sr1, bc+sr2, expert, v3 …</summary>
    public const string PolicyLabel = "sotopia.policy.label";
    /// <summary>The fence of the episode's activation (above 1: a later activation resumed it, on this or another silo).</summary>
    public const string EpisodeFence = "sotopia.episode.fence";
    public const string SiloId = "sotopia.silo.id";
    /// <summary>goal or overall.</summary>
    public const string ScoreDimension = "sotopia.score.dimension";
    public const string TrainingRequestId = "sotopia.training.request.id";
    public const string TrainerBackend = "sotopia.trainer.backend";
    /// <summary>dataset, training, publish, or request (the whole request).</summary>
    public const string TrainerStage = "sotopia.trainer.stage";
    /// <summary>succeeded or failed.</summary>
    public const string Outcome = "sotopia.outcome";
    public const string Model = "gen_ai.request.model";
    public const string InputTokens = "gen_ai.usage.input_tokens";
    public const string OutputTokens = "gen_ai.usage.output_tokens";
    /// <summary>input, output or cached (cached input tokens).</summary>
    public const string TokenType = "gen_ai.token.type";
    public const string CachedTokens = "sotopia.llm.cached_tokens";
    public const string Retries = "sotopia.llm.retries";
    /// <summary>Why a call waited or retried: requests, tokens, concurrency, retry_after, rate_limited, server_error …</summary>
    public const string LimitReason = "sotopia.llm.limit";
    public const string RateLimitWaitSeconds = "sotopia.llm.rate_limit_wait_s";
}
