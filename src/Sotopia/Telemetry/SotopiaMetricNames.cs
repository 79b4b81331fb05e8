namespace SotopiaPi.Sotopia.Telemetry;

/// <summary>The instrument names of the <c>SotopiaPi</c> meter (exported as OTLP metrics; a Prometheus backend
/// shows them with dots as underscores and unit suffixes, e.g. <c>sotopia_episodes_started_total</c>).</summary>
public static class SotopiaMetricNames
{
    public const string EpisodesStarted = "sotopia.episodes.started";
    public const string EpisodesCompleted = "sotopia.episodes.completed";
    public const string EpisodesFailed = "sotopia.episodes.failed";
    public const string EpisodesActive = "sotopia.episodes.active";
    public const string EpisodesPending = "sotopia.episodes.pending";
    public const string Turns = "sotopia.turns";
    public const string EpisodeActivations = "sotopia.episode.activations";
    public const string EpisodeResumes = "sotopia.episode.resumes";
    public const string StaleWritesRefused = "sotopia.store.stale_writes_refused";
    public const string JudgeFailures = "sotopia.judge.failures";
    public const string EpisodeScore = "sotopia.episode.score";
    public const string RoundScore = "sotopia.round.score";
    public const string LlmCallDuration = "sotopia.llm.call.duration";
    public const string LlmTokens = "sotopia.llm.tokens";
    public const string LlmRetries = "sotopia.llm.retries";
    public const string LlmRateLimitWaits = "sotopia.llm.rate_limit.waits";
    public const string LlmRateLimitWaitDuration = "sotopia.llm.rate_limit.wait.duration";
    public const string TrainerDuration = "sotopia.trainer.duration";
    public const string TrainerRequests = "sotopia.trainer.requests";
}
