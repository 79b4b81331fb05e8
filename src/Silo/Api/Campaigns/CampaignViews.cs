using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Sotopia.Llm;
using SotopiaPi.Sotopia.Reports;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Api.Dashboard;

namespace SotopiaPi.Silo.Api.Campaigns;

/// <summary>Builds the campaign answers from the stored record, episode counts and training requests.</summary>
internal static partial class CampaignViews
{
    public static CampaignSummaryResponse Summary(CampaignRecord campaign) => new()
    {
        Id = campaign.Id,
        Name = campaign.Spec.Name,
        Mode = campaign.Spec.Mode,
        Status = campaign.Status,
        Stage = campaign.Stage,
        Stages = CampaignPlan.Build(campaign.Spec).Length,
        Step = campaign.Step,
        Rounds = campaign.Rounds.Length,
        DatasetVersion = campaign.DatasetVersionOrLegacy,
        Error = campaign.Error,
        CreatedAt = campaign.CreatedAt,
        UpdatedAt = campaign.UpdatedAt,
    };

    /// <param name="usage">The silo's cache of campaign usage (a watch polls this view).</param>
    /// <param name="budgets">The silo's budget gate (for the reservations of calls in flight), or null without an LLM
    /// backend.</param>
    public static async Task<CampaignStatusResponse> StatusAsync(
        ISotopiaStore store, CampaignRecord campaign, CampaignUsageCache usage, LlmBudgetGate? budgets, CancellationToken ct)
    {
        var plan = CampaignPlan.Build(campaign.Spec);
        var stages = ImmutableArray.CreateBuilder<CampaignStageResponse>(plan.Length);
        var none = new EpisodeCountsResponse();
        foreach (var stage in plan)
        {
            var round = campaign.Rounds.FirstOrDefault(r => r.Round == stage.Index);
            var started = stage.Index < campaign.Stage || (stage.Index == campaign.Stage && campaign.Step != "start");
            var counts = started ? EpisodeCountsResponse.From(await store.CountEpisodesAsync(campaign.Id, stage.Index, ct)) : none;
            TrainingProgressResponse? training = null;
            if (round?.TrainingRequestId is { } requestId && await store.GetTrainingRequestAsync(requestId, ct) is { } request)
            {
                training = Training(request, round, campaign.Spec.Trainer.Epochs);
            }
            stages.Add(new CampaignStageResponse
            {
                Index = stage.Index,
                Kind = stage.Kind,
                Label = CampaignPlan.LabelFor(campaign.Spec, stage),
                Description = Describe(stage, round),
                State = StateOf(campaign, stage),
                PlayedVersion = round?.PlayedVersion,
                Episodes = counts,
                Training = training,
            });
        }
        return new CampaignStatusResponse
        {
            Id = campaign.Id,
            Name = campaign.Spec.Name,
            Mode = campaign.Spec.Mode,
            Status = campaign.Status,
            Stage = campaign.Stage,
            Step = campaign.Step,
            Stages = stages.MoveToImmutable(),
            Episodes = EpisodeCountsResponse.From(await store.CountEpisodesAsync(campaign.Id, null, ct)),
            Spec = campaign.Spec,
            DatasetVersion = campaign.DatasetVersionOrLegacy,
            Rounds = campaign.Rounds,
            Evaluations = campaign.Evaluations,
            Error = campaign.Error,
            Spend = await SpendAsync(store, campaign, usage, budgets, ct),
            CreatedAt = campaign.CreatedAt,
            UpdatedAt = campaign.UpdatedAt,
        };
    }

    /// <summary>The stored usage and this silo's reservations of a campaign that calls models or has a budget.</summary>
    private static async Task<CampaignSpendResponse?> SpendAsync(
        ISotopiaStore store, CampaignRecord campaign, CampaignUsageCache usages, LlmBudgetGate? budgets, CancellationToken ct)
    {
        var budget = campaign.Spec.Budget;
        if (ReportUsage.IsSimulator(campaign) && !budget.IsLimited)
        {
            return null;
        }
        var usage = await usages.GetAsync(store, campaign, ct);
        return new CampaignSpendResponse
        {
            Usage = usage,
            Reserved = budgets?.State(campaign.Id) is { } state
                ? new CampaignReservationResponse { CallsInFlight = state.CallsInFlight, Tokens = state.ReservedTokens, CostUsd = state.ReservedCostUsd }
                : null,
            BudgetReached = budget.IsLimited ? usage.ExceededLimit(budget) : null,
        };
    }

    private static TrainingProgressResponse Training(TrainingRequest request, RoundResult round, int epochs)
    {
        var (done, total) = (0, request.Settings.Epochs > 0 ? request.Settings.Epochs : epochs);
        if (request.Progress is not null && EpochPattern().Match(request.Progress) is { Success: true } m)
        {
            done = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            total = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        }
        if (request.Status == TrainingStatus.Succeeded)
        {
            done = total;
        }
        return new TrainingProgressResponse
        {
            RequestId = request.Id,
            Status = request.Status,
            Progress = request.Progress,
            EpochsDone = done,
            EpochsTotal = total,
            Examples = round.TrainingExamples,
            PublishedVersion = request.PublishedVersion,
            Error = request.Error,
        };
    }

    private static string StateOf(CampaignRecord campaign, CampaignStage stage)
    {
        if (stage.Index < campaign.Stage || campaign.Status == CampaignStatus.Completed)
        {
            return "done";
        }
        return stage.Index == campaign.Stage ? campaign.Step : "pending";
    }

    private static string Describe(CampaignStage stage, RoundResult? round) => stage.Kind switch
    {
        "bc" => "BC: expert vs expert",
        "sr" => round?.PlayedVersion is { } v ? $"SR {stage.SrRound}: policy v{v} vs itself" : $"SR {stage.SrRound}: policy vs itself",
        _ => "Evaluation vs partner",
    };

    [GeneratedRegex(@"epoch (\d+)/(\d+)")]
    private static partial Regex EpochPattern();
}
