using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Telemetry;

/// <summary>SotopiaPi's metrics: the instruments of the <c>SotopiaPi</c> meter, created from the host's
/// <see cref="IMeterFactory"/> (one per host, so tests can tell their host's measurements apart). Register it as
/// a singleton; the silo, the trainer and the LLM gateway record into it. Names: <see cref="SotopiaMetricNames"/>,
/// tags: <see cref="SotopiaAttributes"/>. Observable instruments of a silo (active episodes, stale writes) are
/// created by the silo on <see cref="Meter"/>.</summary>
public sealed class SotopiaInstruments
{
    private static readonly double[] SecondsBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];
    private static readonly double[] LongSecondsBuckets = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400];
    private static readonly double[] ScoreBuckets = [-10, -5, -2, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

    private readonly ConcurrentDictionary<string, long> _pending = new(StringComparer.Ordinal);
    private readonly Counter<long> _episodesStarted;
    private readonly Counter<long> _episodesCompleted;
    private readonly Counter<long> _episodesFailed;
    private readonly Counter<long> _turns;
    private readonly Counter<long> _activations;
    private readonly Counter<long> _resumes;
    private readonly Counter<long> _judgeFailures;
    private readonly Histogram<double> _episodeScore;
    private readonly Gauge<double> _roundScore;
    private readonly Histogram<double> _llmCallDuration;
    private readonly Counter<long> _llmTokens;
    private readonly Counter<long> _llmRetries;
    private readonly Counter<long> _llmRateLimitWaits;
    private readonly Histogram<double> _llmRateLimitWaitDuration;
    private readonly Histogram<double> _trainerDuration;
    private readonly Counter<long> _trainerRequests;

    public SotopiaInstruments(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        Meter = meterFactory.Create(new MeterOptions(SotopiaTelemetryNames.MeterName));
        _episodesStarted = Meter.CreateCounter<long>(SotopiaMetricNames.EpisodesStarted, "{episode}", "Episode activations started (a resumed episode counts again).");
        _episodesCompleted = Meter.CreateCounter<long>(SotopiaMetricNames.EpisodesCompleted, "{episode}", "Episodes played to the end (status completed or evaluation_failed).");
        _episodesFailed = Meter.CreateCounter<long>(SotopiaMetricNames.EpisodesFailed, "{episode}", "Episodes that could not be played (status failed).");
        _turns = Meter.CreateCounter<long>(SotopiaMetricNames.Turns, "{turn}", "Turns played and stored (the rate is turns per second).");
        _activations = Meter.CreateCounter<long>(SotopiaMetricNames.EpisodeActivations, "{activation}", "Episode activations that began playing (fresh or resumed).");
        _resumes = Meter.CreateCounter<long>(SotopiaMetricNames.EpisodeResumes, "{activation}", "Episode activations that resumed an episode an earlier activation had begun (fence above 1: a crash, a freeze or a hand-over).");
        _judgeFailures = Meter.CreateCounter<long>(SotopiaMetricNames.JudgeFailures, "{episode}", "Episodes whose judgement failed (recorded, never scored as zero).");
        _episodeScore = Meter.CreateHistogram(SotopiaMetricNames.EpisodeScore, "{score}", "Scores of the scored seats of judged episodes.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ScoreBuckets });
        _roundScore = Meter.CreateGauge<double>(SotopiaMetricNames.RoundScore, "{score}", "Mean score of a finished round (or of an evaluated policy).");
        _llmCallDuration = Meter.CreateHistogram(SotopiaMetricNames.LlmCallDuration, "s", "Latency of model calls, retries and waits included.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _llmTokens = Meter.CreateCounter<long>(SotopiaMetricNames.LlmTokens, "{token}", "Tokens used by model calls, by role, model and type (input, output, cached).");
        _llmRetries = Meter.CreateCounter<long>(SotopiaMetricNames.LlmRetries, "{retry}", "Model calls retried.");
        _llmRateLimitWaits = Meter.CreateCounter<long>(SotopiaMetricNames.LlmRateLimitWaits, "{wait}", "Times a model call waited for a rate limit.");
        _llmRateLimitWaitDuration = Meter.CreateHistogram(SotopiaMetricNames.LlmRateLimitWaitDuration, "s", "Time model calls spent waiting for rate limits.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _trainerDuration = Meter.CreateHistogram(SotopiaMetricNames.TrainerDuration, "s", "Duration of trainer stages (dataset, training, publish) and whole requests.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LongSecondsBuckets });
        _trainerRequests = Meter.CreateCounter<long>(SotopiaMetricNames.TrainerRequests, "{request}", "Training requests finished, by backend and outcome.");
        Meter.CreateObservableGauge(SotopiaMetricNames.EpisodesPending, ObservePending, "{episode}",
            "Pending episodes of the campaigns this process drives, as last seen by their campaign.");
    }

    /// <summary>The <c>SotopiaPi</c> meter (for observable instruments of the host).</summary>
    public Meter Meter { get; }

    public void EpisodeStarted(EpisodeRecord episode) =>
        _episodesStarted.Add(1, new KeyValuePair<string, object?>(SotopiaAttributes.Phase, episode.Phase));

    /// <summary>Records how an activation ended: completed, evaluation_failed or failed (a dropped or handed-back
    /// activation records nothing).</summary>
    public void EpisodeFinished(EpisodeRecord episode, EpisodeStatus status)
    {
        var phase = new KeyValuePair<string, object?>(SotopiaAttributes.Phase, episode.Phase);
        switch (status)
        {
            case EpisodeStatus.Completed or EpisodeStatus.EvaluationFailed:
                _episodesCompleted.Add(1, phase, new KeyValuePair<string, object?>(SotopiaAttributes.EpisodeStatus, StatusName(status)));
                break;
            case EpisodeStatus.Failed:
                _episodesFailed.Add(1, phase);
                break;
        }
    }

    public void TurnPlayed(EpisodeRecord episode, SeatBinding binding) =>
        _turns.Add(1, new KeyValuePair<string, object?>(SotopiaAttributes.Phase, episode.Phase), new KeyValuePair<string, object?>(SotopiaAttributes.Role, binding.Role));

    /// <summary>An episode activation began playing with <paramref name="fence"/>; above 1 means it resumed the episode.</summary>
    public void EpisodeActivated(long fence)
    {
        _activations.Add(1);
        if (fence > 1)
        {
            _resumes.Add(1);
        }
    }

    public void JudgeFailed(EpisodeRecord episode, string judgeModel) =>
        _judgeFailures.Add(1, new KeyValuePair<string, object?>(SotopiaAttributes.Phase, episode.Phase), new KeyValuePair<string, object?>(SotopiaAttributes.Model, judgeModel));

    /// <summary>Records the goal and overall score of every scored seat of a judged episode.</summary>
    public void EpisodeScored(EpisodeRecord episode, EpisodeEvaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        foreach (var seat in episode.ScoredSeats)
        {
            var scores = evaluation.ForSeat(seat);
            var tags = new TagList
            {
                { SotopiaAttributes.CampaignId, episode.CampaignId },
                { SotopiaAttributes.Round, episode.Round },
                { SotopiaAttributes.Phase, episode.Phase },
                { SotopiaAttributes.Role, episode.Seats[seat].Role },
            };
            tags.Add(SotopiaAttributes.ScoreDimension, "goal");
            _episodeScore.Record(scores.Goal, tags);
            tags[tags.Count - 1] = new KeyValuePair<string, object?>(SotopiaAttributes.ScoreDimension, "overall");
            _episodeScore.Record(scores.Overall, tags);
        }
    }

    /// <summary>The mean goal and overall score of a finished round (label null) or of one evaluated policy.</summary>
    public void RoundScored(string campaignId, int round, string phase, string? label, ScoreSummary? scores)
    {
        if (scores is null || scores.N == 0)
        {
            return;
        }
        var tags = new TagList
        {
            { SotopiaAttributes.CampaignId, campaignId },
            { SotopiaAttributes.Round, round },
            { SotopiaAttributes.Phase, phase },
        };
        if (label is not null)
        {
            tags.Add(SotopiaAttributes.PolicyLabel, label);
        }
        tags.Add(SotopiaAttributes.ScoreDimension, "goal");
        _roundScore.Record(scores.Goal, tags);
        tags[tags.Count - 1] = new KeyValuePair<string, object?>(SotopiaAttributes.ScoreDimension, "overall");
        _roundScore.Record(scores.Overall, tags);
    }

    /// <summary>What a campaign's driver last saw of its current stage: its pending episodes.</summary>
    public void CampaignQueueObserved(string campaignId, long pending) => _pending[campaignId] = pending;

    /// <summary>The campaign left this process (ended, paused, moved): its pending count is no longer reported here.</summary>
    public void CampaignReleased(string campaignId) => _pending.TryRemove(campaignId, out _);

    /// <summary>A finished model call: its latency (retries and waits included), tokens and outcome.</summary>
    public void LlmCallCompleted(string role, string model, TimeSpan duration, int inputTokens, int outputTokens, int cachedTokens, bool succeeded)
    {
        var roleTag = new KeyValuePair<string, object?>(SotopiaAttributes.Role, role);
        var modelTag = new KeyValuePair<string, object?>(SotopiaAttributes.Model, model);
        _llmCallDuration.Record(duration.TotalSeconds, roleTag, modelTag,
            new KeyValuePair<string, object?>(SotopiaAttributes.Outcome, succeeded ? "succeeded" : "failed"));
        AddTokens(roleTag, modelTag, "input", inputTokens);
        AddTokens(roleTag, modelTag, "output", outputTokens);
        AddTokens(roleTag, modelTag, "cached", cachedTokens);
    }

    /// <summary>A model call is retried (<paramref name="reason"/>: rate_limited, server_error, timeout, malformed …).</summary>
    public void LlmRetried(string role, string model, string reason) =>
        _llmRetries.Add(1, new KeyValuePair<string, object?>(SotopiaAttributes.Role, role), new KeyValuePair<string, object?>(SotopiaAttributes.Model, model),
            new KeyValuePair<string, object?>(SotopiaAttributes.LimitReason, reason));

    /// <summary>A model call waited <paramref name="wait"/> for a limit (<paramref name="limit"/>: requests, tokens,
    /// concurrency, retry_after).</summary>
    public void LlmRateLimitWaited(string role, string model, string limit, TimeSpan wait)
    {
        var tags = new TagList
        {
            { SotopiaAttributes.Role, role },
            { SotopiaAttributes.Model, model },
            { SotopiaAttributes.LimitReason, limit },
        };
        _llmRateLimitWaits.Add(1, tags);
        _llmRateLimitWaitDuration.Record(wait.TotalSeconds, tags);
    }

    /// <summary>A trainer stage finished (<paramref name="stage"/>: dataset, training, publish).</summary>
    public void TrainerStageCompleted(string stage, string backend, TimeSpan duration, bool succeeded) =>
        _trainerDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(SotopiaAttributes.TrainerStage, stage),
            new KeyValuePair<string, object?>(SotopiaAttributes.TrainerBackend, backend),
            new KeyValuePair<string, object?>(SotopiaAttributes.Outcome, succeeded ? "succeeded" : "failed"));

    /// <summary>A training request finished: counted, and its whole duration recorded as stage "request".</summary>
    public void TrainerRequestCompleted(string backend, TimeSpan duration, bool succeeded)
    {
        var outcome = new KeyValuePair<string, object?>(SotopiaAttributes.Outcome, succeeded ? "succeeded" : "failed");
        var backendTag = new KeyValuePair<string, object?>(SotopiaAttributes.TrainerBackend, backend);
        _trainerRequests.Add(1, backendTag, outcome);
        _trainerDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(SotopiaAttributes.TrainerStage, "request"), backendTag, outcome);
    }

    private void AddTokens(KeyValuePair<string, object?> role, KeyValuePair<string, object?> model, string type, int count)
    {
        if (count > 0)
        {
            _llmTokens.Add(count, role, model, new KeyValuePair<string, object?>(SotopiaAttributes.TokenType, type));
        }
    }

    private IEnumerable<Measurement<long>> ObservePending()
    {
        foreach (var (campaignId, pending) in _pending)
        {
            yield return new Measurement<long>(pending, new KeyValuePair<string, object?>(SotopiaAttributes.CampaignId, campaignId));
        }
    }

    private static string StatusName(EpisodeStatus status) => status switch
    {
        EpisodeStatus.Completed => "completed",
        EpisodeStatus.EvaluationFailed => "evaluation_failed",
        _ => status.ToString().ToLowerInvariant(),
    };
}
