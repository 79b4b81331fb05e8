using System.Diagnostics;
using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Telemetry;

/// <summary>SotopiaPi's spans, from the <c>SotopiaPi</c> <see cref="ActivitySource"/>. Every helper returns null
/// when nobody listens (no exporter, no test listener), so tracing costs nothing then. The hierarchy:
/// campaign create → campaign round (stage) → episode → turn → LLM call, and episode → judge; trainer request →
/// dataset / training / publish. Names: <see cref="SotopiaTelemetryNames"/>, attributes: <see cref="SotopiaAttributes"/>.</summary>
public static class SotopiaActivities
{
    /// <summary>The source (its name is <see cref="SotopiaTelemetryNames.ActivitySourceName"/>). Immutable; shared
    /// like every .NET ActivitySource.</summary>
    public static ActivitySource Source { get; } = new(SotopiaTelemetryNames.ActivitySourceName);

    /// <summary>Parses a stored W3C traceparent; default (no parent) when null or malformed.</summary>
    public static ActivityContext ParseTraceParent(string? traceParent) =>
        traceParent is { Length: > 0 } && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context) ? context : default;

    /// <summary>The W3C traceparent of an activity, or null when it has none (not W3C, or no activity).</summary>
    public static string? TraceParentOf(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C } ? activity.Id : null;

    /// <summary>The W3C traceparent of a context, or null for the default (empty) context.</summary>
    public static string? TraceParentOf(ActivityContext context) =>
        context == default ? null : $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-{(byte)context.TraceFlags:x2}";

    /// <summary>Starts a campaign's round span as a child of the campaign's stored trace context.</summary>
    public static Activity? StartCampaignRound(CampaignRecord campaign, int stage, string kind)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var activity = StartRoot(SotopiaTelemetryNames.CampaignRoundSpan, ActivityKind.Internal, ParseTraceParent(campaign.TraceParent));
        if (activity is not null)
        {
            activity.DisplayName = $"{SotopiaTelemetryNames.CampaignRoundSpan} {stage} {kind}";
            activity.SetTag(SotopiaAttributes.CampaignId, campaign.Id);
            activity.SetTag(SotopiaAttributes.CampaignName, campaign.Spec.Name);
            activity.SetTag(SotopiaAttributes.Round, stage);
            activity.SetTag(SotopiaAttributes.Phase, kind);
            activity.SetTag(SotopiaAttributes.PolicyName, campaign.Spec.PolicyName);
        }
        return activity;
    }

    /// <summary>Starts an episode's span as a child of <paramref name="parent"/> (its round's span, when known).</summary>
    public static Activity? StartEpisode(EpisodeRecord episode, long fence, ActivityContext parent)
    {
        ArgumentNullException.ThrowIfNull(episode);
        var activity = StartRoot(SotopiaTelemetryNames.EpisodeSpan, ActivityKind.Internal, parent);
        if (activity is not null)
        {
            activity.SetTag(SotopiaAttributes.CampaignId, episode.CampaignId);
            activity.SetTag(SotopiaAttributes.EpisodeId, episode.Id);
            activity.SetTag(SotopiaAttributes.Round, episode.Round);
            activity.SetTag(SotopiaAttributes.Phase, episode.Phase);
            activity.SetTag(SotopiaAttributes.EpisodeFence, fence);
            for (var seat = 0; seat < episode.Seats.Length; seat++)
            {
                var binding = episode.Seats[seat];
                activity.SetTag($"sotopia.seat.{seat}.role", binding.Role);
                activity.SetTag($"sotopia.seat.{seat}.model", binding.Model);
                activity.SetTag($"sotopia.seat.{seat}.policy_version", binding.Version);
            }
        }
        return activity;
    }

    /// <summary>Starts a turn's span (a child of the current episode span).</summary>
    public static Activity? StartTurn(EpisodeRecord episode, int number, int seat)
    {
        ArgumentNullException.ThrowIfNull(episode);
        var activity = Source.StartActivity(SotopiaTelemetryNames.TurnSpan, ActivityKind.Internal);
        if (activity is not null)
        {
            var binding = episode.Seats[seat];
            activity.SetTag(SotopiaAttributes.CampaignId, episode.CampaignId);
            activity.SetTag(SotopiaAttributes.EpisodeId, episode.Id);
            activity.SetTag(SotopiaAttributes.Round, episode.Round);
            activity.SetTag(SotopiaAttributes.TurnNumber, number);
            activity.SetTag(SotopiaAttributes.Seat, seat);
            activity.SetTag(SotopiaAttributes.Role, binding.Role);
            activity.SetTag(SotopiaAttributes.PolicyName, binding.PolicyName);
            activity.SetTag(SotopiaAttributes.PolicyVersion, binding.Version);
            activity.SetTag(SotopiaAttributes.Model, binding.Model);
        }
        return activity;
    }

    /// <summary>Starts the judge's span (a child of the current episode span).</summary>
    public static Activity? StartJudge(EpisodeRecord episode, string judgeModel)
    {
        ArgumentNullException.ThrowIfNull(episode);
        var activity = Source.StartActivity(SotopiaTelemetryNames.JudgeSpan, ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag(SotopiaAttributes.CampaignId, episode.CampaignId);
            activity.SetTag(SotopiaAttributes.EpisodeId, episode.Id);
            activity.SetTag(SotopiaAttributes.Round, episode.Round);
            activity.SetTag(SotopiaAttributes.Role, AgentRoles.Judge);
            activity.SetTag(SotopiaAttributes.Model, judgeModel);
        }
        return activity;
    }

    /// <summary>Starts a model call's span (a child of the current turn or judge span): for the LLM gateway.</summary>
    public static Activity? StartLlmCall(string role, string model)
    {
        var activity = Source.StartActivity(SotopiaTelemetryNames.LlmCallSpan, ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag(SotopiaAttributes.Role, role);
            activity.SetTag(SotopiaAttributes.Model, model);
        }
        return activity;
    }

    /// <summary>Records a finished model call on its span: tokens, retries and the time spent waiting for limits.</summary>
    public static void RecordLlmUsage(Activity? activity, CallUsage? usage, int retries, TimeSpan rateLimitWait)
    {
        if (activity is null)
        {
            return;
        }
        if (usage is not null)
        {
            activity.SetTag(SotopiaAttributes.InputTokens, usage.PromptTokens);
            activity.SetTag(SotopiaAttributes.OutputTokens, usage.CompletionTokens);
            activity.SetTag(SotopiaAttributes.CachedTokens, usage.CachedTokens);
            activity.SetTag("gen_ai.response.model", usage.Model);
        }
        activity.SetTag(SotopiaAttributes.Retries, retries);
        activity.SetTag(SotopiaAttributes.RateLimitWaitSeconds, rateLimitWait.TotalSeconds);
    }

    /// <summary>Starts the span of a trainer working on a request (a root: training runs long after the round).</summary>
    public static Activity? StartTrainerRequest(TrainingRequest request, string backend)
    {
        ArgumentNullException.ThrowIfNull(request);
        var activity = StartRoot(SotopiaTelemetryNames.TrainerRequestSpan, ActivityKind.Internal, default);
        if (activity is not null)
        {
            activity.SetTag(SotopiaAttributes.TrainingRequestId, request.Id);
            activity.SetTag(SotopiaAttributes.CampaignId, request.CampaignId);
            activity.SetTag(SotopiaAttributes.Round, request.Round);
            activity.SetTag(SotopiaAttributes.Phase, request.Kind);
            activity.SetTag(SotopiaAttributes.PolicyName, request.PolicyName);
            activity.SetTag("sotopia.policy.base_version", request.BaseVersion);
            activity.SetTag(SotopiaAttributes.TrainerBackend, backend);
        }
        return activity;
    }

    /// <summary>Starts a trainer stage's span (<see cref="SotopiaTelemetryNames.TrainerDatasetSpan"/>,
    /// <see cref="SotopiaTelemetryNames.TrainerTrainingSpan"/> or <see cref="SotopiaTelemetryNames.TrainerPublishSpan"/>)
    /// as a child of the current request span.</summary>
    public static Activity? StartTrainerStage(string spanName) => Source.StartActivity(spanName, ActivityKind.Internal);

    /// <summary>Marks a span failed with the exception's type and message (never a secret: messages name settings).</summary>
    public static void RecordFailure(Activity? activity, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (activity is null)
        {
            return;
        }
        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.AddException(exception);
    }

    /// <summary>Starts an activity whose parent is exactly <paramref name="parent"/> (a new trace when it is the
    /// default), never whatever happens to be current.</summary>
    private static Activity? StartRoot(string name, ActivityKind kind, ActivityContext parent)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        var current = Activity.Current;
        if (parent == default && current is not null)
        {
            Activity.Current = null;
            try
            {
                return Source.StartActivity(name, kind, parent);
            }
            finally
            {
                // The new activity became current; restore the caller's when nothing was started.
                Activity.Current ??= current;
            }
        }
        return Source.StartActivity(name, kind, parent);
    }
}
