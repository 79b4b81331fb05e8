using System.Collections.Immutable;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.Sotopia.Campaigns;

/// <summary>The campaign's rounds as steps (the campaign grain's logic, host-free): for each training round it picks
/// fresh scenarios, samples character pairs and creates the episodes (pinning the policy version); once they are
/// all played it filters the best trajectories, exports them as SFT data and creates the training request; once
/// the trainer published the next version it moves on; at the end it evaluates every version and the expert
/// against the partner. Each step is idempotent (episodes and requests have deterministic ids), so a step redone
/// after a crash changes nothing twice. Each stage is traced as a round span (a child of the campaign's stored
/// trace context; its own context goes on the campaign so the round's episodes, on any silo, are its children).</summary>
public sealed partial class CampaignDriver(
    string campaignId,
    ISotopiaStore store,
    IArtifactStore artifacts,
    IPolicyVersions policies,
    CampaignModels models,
    TimeProvider time,
    ILogger logger,
    SotopiaInstruments? instruments = null) : IDisposable
{
    private Activity? _stageActivity;
    private int _stageActivityIndex = -1;

    public string Id => campaignId;

    /// <summary>Advances a running campaign by one step if it can: returns the changed record to store (the next
    /// step, completed, or failed with the reason), or null when it has to wait (episodes still playing, training
    /// not finished) or is not running.</summary>
    public async Task<CampaignRecord?> StepAsync(CampaignRecord campaign, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        if (campaign.Status != CampaignStatus.Running)
        {
            EndStageActivity(ActivityStatusCode.Ok, null);
            return null;
        }
        var plan = CampaignPlan.Build(campaign.Spec);
        if (campaign.Stage >= plan.Length)
        {
            EndStageActivity(ActivityStatusCode.Ok, null);
            LogCompleted(logger, campaignId);
            return campaign with { Status = CampaignStatus.Completed, Step = "done" };
        }
        var stage = plan[campaign.Stage];
        var traced = TraceStage(campaign, stage);
        try
        {
            var next = await StepAsync(traced, stage, cancellationToken);
            return next ?? (ReferenceEquals(traced, campaign) ? null : traced);
        }
        catch (CampaignFailedException ex)
        {
            LogFailed(logger, campaignId, ex.Message);
            EndStageActivity(ActivityStatusCode.Error, ex.Message);
            return traced with { Status = CampaignStatus.Failed, Error = ex.Message };
        }
    }

    /// <summary>Does the work of the current step; returns the new record to store, or null to wait.</summary>
    private async Task<CampaignRecord?> StepAsync(CampaignRecord campaign, CampaignStage stage, CancellationToken ct)
    {
        return (stage.IsTraining, campaign.Step) switch
        {
            (true, "start") => await StartTrainingRoundAsync(campaign, stage, ct),
            (true, "playing") => await FinishPlayingAsync(campaign, stage, ct),
            (true, "training") => await FinishTrainingAsync(campaign, stage, ct),
            (false, "start") => await StartEvaluationAsync(campaign, stage, ct),
            (false, "playing") => await FinishEvaluationAsync(campaign, stage, ct),
            _ => throw new CampaignFailedException($"Campaign is in an unknown step '{campaign.Step}' of stage {stage.Index} ({stage.Kind})."),
        };
    }

    /// <summary>The dataset version the campaign was started on (a version that vanished fails the campaign).</summary>
    private async Task<SotopiaDataset> LoadDatasetAsync(CampaignRecord campaign, CancellationToken ct)
    {
        try
        {
            return await store.LoadDatasetAsync(campaign.DatasetVersionOrLegacy, ct);
        }
        catch (KeyNotFoundException ex)
        {
            throw new CampaignFailedException($"The campaign's dataset: {ex.Message}");
        }
    }

    private async Task<CampaignRecord> StartTrainingRoundAsync(CampaignRecord campaign, CampaignStage stage, CancellationToken ct)
    {
        var spec = campaign.Spec;
        var dataset = await LoadDatasetAsync(campaign, ct);
        var scenarios = PickTrainingScenarios(campaign, stage, dataset);
        var tasks = new List<SocialTask>();
        foreach (var scenario in scenarios)
        {
            var sampled = ConstraintBasedSampler.Sample(
                dataset, scenario, spec.PairsPerScenario, StableSeed.Derive(spec.Seed, $"pairs/{stage.Index}/{scenario.Id}"));
            tasks.AddRange(sampled);
        }
        if (tasks.Count == 0)
        {
            throw new CampaignFailedException(
                $"Round {stage.Index} ({stage.Kind}): no character pair matches the relationship of any chosen scenario.");
        }
        await store.AddToDatasetVersionAsync(campaign.DatasetVersionOrLegacy, SotopiaDataset.Empty with { Tasks = [.. tasks] }, ct);

        int? playedVersion = null;
        SeatBinding[] seats;
        if (stage.Kind == "bc")
        {
            var expert = new SeatBinding(AgentRoles.Expert, AgentRoles.Expert, 0, models.Expert);
            seats = [expert, expert];
        }
        else
        {
            var version = await policies.GetAsync(spec.PolicyName, campaign.Rounds.LastOrDefault()?.ProducedVersion ?? 0, ct);
            playedVersion = version.Version;
            var self = new SeatBinding(AgentRoles.Policy, spec.PolicyName, version.Version, version.Model);
            seats = [self, self];
        }

        var now = time.GetUtcNow();
        var episodes = tasks.Select(task =>
        {
            var key = $"r{stage.Index}-{task.Id}";
            var id = $"{campaignId}-{key}";
            return new EpisodeRecord
            {
                Id = id,
                CampaignId = campaignId,
                Round = stage.Index,
                Phase = stage.Kind,
                TaskId = task.Id,
                ScenarioId = task.ScenarioId,
                Agent1Id = task.Agent1Id,
                Agent2Id = task.Agent2Id,
                Seats = [.. seats],
                ScoredSeats = [0, 1],
                Seed = StableSeed.Derive(spec.Seed, key),
                DatasetVersion = campaign.DatasetVersionOrLegacy,
                CreatedAt = now,
            };
        }).ToList();
        await store.CreateEpisodesAsync(episodes, ct);
        instruments?.CampaignQueueObserved(campaignId, episodes.Count);
        LogRoundStarted(logger, campaignId, stage.Index, stage.Kind, scenarios.Count, episodes.Count);

        var result = new RoundResult
        {
            Round = stage.Index,
            Phase = stage.Kind,
            PlayedVersion = playedVersion,
            Scenarios = scenarios.Count,
            Episodes = episodes.Count,
        };
        return campaign with
        {
            Step = "playing",
            Rounds = campaign.Rounds.Add(result),
            UsedScenarios = campaign.UsedScenarios.AddRange(scenarios.Select(s => s.Id)),
        };
    }

    private List<Scenario> PickTrainingScenarios(CampaignRecord campaign, CampaignStage stage, SotopiaDataset dataset)
    {
        var spec = campaign.Spec;
        var trainingIndex = campaign.Rounds.Length;
        if (trainingIndex < spec.RoundScenarioSets.Length)
        {
            var setName = spec.RoundScenarioSets[trainingIndex];
            if (!dataset.NamedSets.TryGetValue(setName, out var ids))
            {
                throw new CampaignFailedException(
                    $"Round {stage.Index}: the scenario set '{setName}' does not exist (known sets: {string.Join(", ", dataset.NamedSets.Keys.Order())}).");
            }
            var byId = dataset.Scenarios.ToDictionary(s => s.Id);
            return [.. ids.Where(byId.ContainsKey).Select(id => byId[id])];
        }

        var excluded = new HashSet<string>(campaign.UsedScenarios);
        if (dataset.NamedSets.TryGetValue(spec.EvaluationSet, out var evalIds))
        {
            excluded.UnionWith(evalIds);
        }
        var fresh = dataset.Scenarios.Where(s => !excluded.Contains(s.Id)).OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
        if (fresh.Count == 0)
        {
            throw new CampaignFailedException(
                $"Round {stage.Index}: no fresh scenarios are left (every scenario was used by an earlier round or is in the evaluation set '{spec.EvaluationSet}').");
        }
        var rng = new Random(unchecked((int)StableSeed.Derive(spec.Seed, $"scenarios/{stage.Index}")));
        rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(fresh));
        return [.. fresh.Take(spec.ScenariosPerRound)];
    }

    private async Task<CampaignRecord?> FinishPlayingAsync(CampaignRecord campaign, CampaignStage stage, CancellationToken ct)
    {
        var counts = await store.CountEpisodesAsync(campaignId, stage.Index, ct);
        instruments?.CampaignQueueObserved(campaignId, counts.Pending);
        if (counts.Finished < counts.Total)
        {
            return null;
        }
        var spec = campaign.Spec;
        var episodes = await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = campaignId, Round = stage.Index }, ct);
        var scored = ScoredSeats(episodes).ToList();
        var trajectories = Filtering.EpisodeFilter.Filter(episodes, spec.Filter);
        if (trajectories.Count == 0)
        {
            throw new CampaignFailedException(
                $"Round {stage.Index} ({stage.Kind}): no episode was judged successfully ({counts.EvaluationFailed} evaluation failures, {counts.Failed} failed), so there is nothing to train on.");
        }

        var export = await RoundDatasetExporter.ExportAsync(
            store, artifacts, campaignId, stage.Index, trajectories, spec, ct);
        var baseVersion = stage.Kind == "bc" ? 0 : campaign.Rounds[^1].PlayedVersion ?? 0;
        var request = await store.CreateTrainingRequestAsync(new TrainingRequest
        {
            Id = $"{campaignId}-r{stage.Index}",
            CampaignId = campaignId,
            Round = stage.Index,
            Kind = stage.Kind,
            PolicyName = spec.PolicyName,
            BaseVersion = baseVersion,
            DatasetPath = export.Path,
            DatasetHash = export.Hash,
            Settings = spec.Trainer,
            Seed = StableSeed.Derive(spec.Seed, $"train/{stage.Index}"),
            CreatedAt = time.GetUtcNow(),
        }, ct);

        var result = campaign.Rounds[^1] with
        {
            Completed = counts.Completed,
            EvaluationFailed = counts.EvaluationFailed,
            Failed = counts.Failed,
            Scores = ScoreStatistics.Summarize(scored),
            FilteredTrajectories = trajectories.Count,
            FilteredGoal = trajectories.Average(t => (double)t.Goal),
            TrainingExamples = export.Examples,
            DatasetId = export.Hash,
            TrainingRequestId = request.Id,
        };
        instruments?.RoundScored(campaignId, stage.Index, stage.Kind, null, result.Scores);
        LogRoundPlayed(logger, campaignId, stage.Index, counts.Completed, trajectories.Count, export.Examples);
        return campaign with { Step = "training", Rounds = campaign.Rounds.SetItem(campaign.Rounds.Length - 1, result) };
    }

    private async Task<CampaignRecord?> FinishTrainingAsync(CampaignRecord campaign, CampaignStage stage, CancellationToken ct)
    {
        var round = campaign.Rounds[^1];
        var request = await store.GetTrainingRequestAsync(round.TrainingRequestId!, ct)
            ?? throw new CampaignFailedException($"Training request '{round.TrainingRequestId}' is missing.");
        switch (request.Status)
        {
            case TrainingStatus.Succeeded:
                var result = round with { ProducedVersion = request.PublishedVersion };
                return campaign with
                {
                    Stage = campaign.Stage + 1,
                    Step = "start",
                    Rounds = campaign.Rounds.SetItem(campaign.Rounds.Length - 1, result),
                };
            case TrainingStatus.Failed:
                throw new CampaignFailedException($"Training for round {stage.Index} failed: {request.Error}");
            default:
                return null;
        }
    }

    private async Task<CampaignRecord> StartEvaluationAsync(CampaignRecord campaign, CampaignStage stage, CancellationToken ct)
    {
        var spec = campaign.Spec;
        var dataset = await LoadDatasetAsync(campaign, ct);
        var tasks = EvaluationTasks(spec, dataset, out var sampled);
        if (sampled.Count > 0)
        {
            await store.AddToDatasetVersionAsync(campaign.DatasetVersionOrLegacy, SotopiaDataset.Empty with { Tasks = [.. sampled] }, ct);
        }
        var targets = await EvaluationTargetsAsync(campaign, ct);
        var partner = new SeatBinding(AgentRoles.Partner, AgentRoles.Partner, 0, models.Partner);
        var now = time.GetUtcNow();
        var episodes = new List<EpisodeRecord>();
        foreach (var target in targets)
        {
            foreach (var task in tasks)
            {
                for (var seat = 0; seat < 2; seat++)
                {
                    var key = $"r{stage.Index}-{target.Label}-{task.Id}-s{seat}";
                    var id = $"{campaignId}-{key}";
                    episodes.Add(new EpisodeRecord
                    {
                        Id = id,
                        CampaignId = campaignId,
                        Round = stage.Index,
                        Phase = "eval",
                        TaskId = task.Id,
                        ScenarioId = task.ScenarioId,
                        Agent1Id = task.Agent1Id,
                        Agent2Id = task.Agent2Id,
                        Seats = seat == 0 ? [target.Binding, partner] : [partner, target.Binding],
                        ScoredSeats = [seat],
                        Seed = StableSeed.Derive(spec.Seed, key),
                        DatasetVersion = campaign.DatasetVersionOrLegacy,
                        CreatedAt = now,
                    });
                }
            }
        }
        await store.CreateEpisodesAsync(episodes, ct);
        instruments?.CampaignQueueObserved(campaignId, episodes.Count);
        LogEvaluationStarted(logger, campaignId, targets.Count, tasks.Count, episodes.Count);
        return campaign with { Step = "playing" };
    }

    private async Task<CampaignRecord?> FinishEvaluationAsync(CampaignRecord campaign, CampaignStage stage, CancellationToken ct)
    {
        var counts = await store.CountEpisodesAsync(campaignId, stage.Index, ct);
        instruments?.CampaignQueueObserved(campaignId, counts.Pending);
        if (counts.Finished < counts.Total)
        {
            return null;
        }
        var episodes = await store.ListEpisodesAsync(new EpisodeQuery { CampaignId = campaignId, Round = stage.Index }, ct);
        var targets = await EvaluationTargetsAsync(campaign, ct);
        var results = ImmutableArray.CreateBuilder<PolicyEvaluationResult>();
        foreach (var target in targets)
        {
            var mine = episodes.Where(e => e.Seats[e.ScoredSeats[0]] == target.Binding).ToList();
            var evaluation = new PolicyEvaluationResult
            {
                Label = target.Label,
                Role = target.Binding.Role,
                Version = target.Binding.Role == AgentRoles.Policy ? target.Binding.Version : null,
                Episodes = mine.Count,
                EvaluationFailed = mine.Count(e => e.Status == EpisodeStatus.EvaluationFailed),
                Scores = ScoreStatistics.Summarize(ScoredSeats(mine).ToList()),
            };
            instruments?.RoundScored(campaignId, stage.Index, "eval", target.Label, evaluation.Scores);
            results.Add(evaluation);
        }
        return campaign with { Stage = campaign.Stage + 1, Step = "start", Evaluations = results.ToImmutable() };
    }

    private static List<SocialTask> EvaluationTasks(CampaignSpec spec, SotopiaDataset dataset, out List<SocialTask> sampled)
    {
        if (!dataset.NamedSets.TryGetValue(spec.EvaluationSet, out var scenarioIds) || scenarioIds.IsEmpty)
        {
            throw new CampaignFailedException(
                $"The evaluation set '{spec.EvaluationSet}' does not exist or is empty (known sets: {string.Join(", ", dataset.NamedSets.Keys.Order())}).");
        }
        var scenarios = dataset.Scenarios.ToDictionary(s => s.Id);
        var tasks = new List<SocialTask>();
        sampled = [];
        foreach (var scenarioId in scenarioIds)
        {
            if (!scenarios.TryGetValue(scenarioId, out var scenario))
            {
                continue;
            }
            var chosen = dataset.Tasks.Where(t => t.ScenarioId == scenarioId).Take(spec.EvaluationPairsPerScenario).ToList();
            if (chosen.Count < spec.EvaluationPairsPerScenario)
            {
                var extra = ConstraintBasedSampler.Sample(
                        dataset, scenario, spec.EvaluationPairsPerScenario * 2, StableSeed.Derive(spec.Seed, $"eval-pairs/{scenarioId}"))
                    .Where(t => !chosen.Any(c => c.Agent1Id == t.Agent1Id && c.Agent2Id == t.Agent2Id))
                    .Take(spec.EvaluationPairsPerScenario - chosen.Count)
                    .ToList();
                chosen.AddRange(extra);
                sampled.AddRange(extra);
            }
            tasks.AddRange(chosen);
        }
        if (tasks.Count == 0)
        {
            throw new CampaignFailedException($"The evaluation set '{spec.EvaluationSet}' yields no playable task.");
        }
        return tasks;
    }

    private async Task<List<(string Label, SeatBinding Binding)>> EvaluationTargetsAsync(CampaignRecord campaign, CancellationToken ct)
    {
        var spec = campaign.Spec;
        var targets = new List<(string Label, SeatBinding Binding)>();
        async Task AddVersionAsync(string label, int version)
        {
            var v = await policies.GetAsync(spec.PolicyName, version, ct);
            targets.Add((label, new SeatBinding(AgentRoles.Policy, spec.PolicyName, v.Version, v.Model)));
        }

        if (spec.Mode == CampaignMode.Eval)
        {
            var versions = spec.EvaluateVersions.IsDefaultOrEmpty
                ? [(await policies.GetActiveAsync(spec.PolicyName, ct)).Version]
                : spec.EvaluateVersions;
            foreach (var version in versions)
            {
                await AddVersionAsync($"v{version}", version);
            }
        }
        else
        {
            await AddVersionAsync("base", 0);
            var plan = CampaignPlan.Build(spec);
            foreach (var round in campaign.Rounds)
            {
                if (round.ProducedVersion is { } produced)
                {
                    await AddVersionAsync(CampaignPlan.LabelFor(spec, plan[round.Round]), produced);
                }
            }
        }
        if (spec.EvaluateExpert)
        {
            targets.Add(("expert", new SeatBinding(AgentRoles.Expert, AgentRoles.Expert, 0, models.Expert)));
        }
        return targets;
    }

    private static IEnumerable<SeatEvaluation> ScoredSeats(IEnumerable<EpisodeRecord> episodes)
    {
        foreach (var episode in episodes)
        {
            if (episode.Status != EpisodeStatus.Completed || episode.Outcome is not { Succeeded: true } outcome)
            {
                continue;
            }
            foreach (var seat in episode.ScoredSeats)
            {
                yield return outcome.Evaluation.ForSeat(seat);
            }
        }
    }

    /// <summary>Keeps one round span open per stage this driver works on; when a new one starts, its context goes on
    /// the campaign (<see cref="CampaignRecord.StageTraceParent"/>) so the stage's episodes are its children.</summary>
    private CampaignRecord TraceStage(CampaignRecord campaign, CampaignStage stage)
    {
        if (_stageActivity is not null && _stageActivityIndex == stage.Index)
        {
            return campaign;
        }
        EndStageActivity(ActivityStatusCode.Ok, null);
        _stageActivity = SotopiaActivities.StartCampaignRound(campaign, stage.Index, stage.Kind);
        _stageActivityIndex = stage.Index;
        var traceParent = SotopiaActivities.TraceParentOf(_stageActivity);
        return traceParent is null || traceParent == campaign.StageTraceParent ? campaign : campaign with { StageTraceParent = traceParent };
    }

    /// <summary>Ends the open round span (the campaign left this activation, or ended).</summary>
    public void Dispose() => EndStageActivity(ActivityStatusCode.Unset, null);

    private void EndStageActivity(ActivityStatusCode status, string? description)
    {
        if (_stageActivity is null)
        {
            return;
        }
        _stageActivity.SetStatus(status, status == ActivityStatusCode.Error ? description : null);
        _stageActivity.Dispose();
        _stageActivity = null;
        _stageActivityIndex = -1;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Campaign {CampaignId}: round {Round} ({Kind}) started with {Scenarios} scenarios, {Episodes} episodes")]
    private static partial void LogRoundStarted(ILogger logger, string campaignId, int round, string kind, int scenarios, int episodes);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Campaign {CampaignId}: round {Round} played ({Completed} judged), kept {Trajectories} trajectories, {Examples} training examples")]
    private static partial void LogRoundPlayed(ILogger logger, string campaignId, int round, int completed, int trajectories, int examples);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Information, Message = "Campaign {CampaignId}: evaluating {Targets} policies on {Tasks} tasks ({Episodes} episodes)")]
    private static partial void LogEvaluationStarted(ILogger logger, string campaignId, int targets, int tasks, int episodes);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Campaign {CampaignId} completed")]
    private static partial void LogCompleted(ILogger logger, string campaignId);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Campaign {CampaignId} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string campaignId, string reason);
}
