using System.Diagnostics;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Policies;
using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.Silo.Runtime;

/// <summary>Creates campaigns: validates the spec, loads and validates its dataset, imports it into the store,
/// makes sure the policy has its base version (its registry grain), and hands the campaign to its grain, which
/// stores it and starts driving it. The
/// trace context of the request that asked for it (the console's W3C traceparent) is stored on the campaign, so
/// the campaign's rounds and episodes continue that trace.</summary>
public sealed class CampaignLauncher(ISotopiaStore store, IGrainFactory grains, CampaignModels models, TimeProvider time)
{
    /// <summary>Creates the campaign, or throws <see cref="CampaignSpecException"/> listing every problem of
    /// the spec or its data (nothing is stored then), or <see cref="CampaignConflictException"/> when the id is taken.</summary>
    public async Task<CampaignRecord> CreateAsync(CampaignSpec spec, string? campaignId = null, CancellationToken cancellationToken = default)
    {
        if (campaignId is not null && await store.GetCampaignAsync(campaignId, cancellationToken) is not null)
        {
            throw new CampaignConflictException($"Campaign '{campaignId}' already exists.");
        }
        var problems = CampaignPlan.Validate(spec).ToList();
        var path = DatasetLocator.Resolve(spec.Dataset);
        DataLoadResult? loaded = null;
        if (!Directory.Exists(path) && !File.Exists(path))
        {
            problems.Add($"dataset: '{spec.Dataset}' not found (looked at {path})");
        }
        else
        {
            loaded = SotopiaDataLoader.Load(path);
            problems.AddRange(loaded.Problems.Where(p => p.Severity == DataProblemSeverity.Error).Select(p => $"dataset: {p}"));
            if (loaded.IsValid)
            {
                if (!spec.SkipEvaluation && !loaded.Dataset.NamedSets.ContainsKey(spec.EvaluationSet))
                {
                    problems.Add($"evaluation_set: '{spec.EvaluationSet}' is not a named set of the dataset (it has: {string.Join(", ", loaded.Dataset.NamedSets.Keys.Order())})");
                }
                foreach (var set in spec.RoundScenarioSets.Where(s => !loaded.Dataset.NamedSets.ContainsKey(s)))
                {
                    problems.Add($"round_scenario_sets: '{set}' is not a named set of the dataset");
                }
            }
        }
        if (problems.Count > 0)
        {
            throw new CampaignSpecException(problems);
        }

        var now = time.GetUtcNow();
        var id = campaignId ?? NewId(now);
        var requestContext = RequestContext(Activity.Current);
        Activity.Current = null;
        using var activity = SotopiaActivities.Source.StartActivity(SotopiaTelemetryNames.CampaignCreateSpan, ActivityKind.Internal, requestContext);
        activity?.SetTag(SotopiaAttributes.CampaignId, id);
        activity?.SetTag(SotopiaAttributes.CampaignName, spec.Name);
        activity?.SetTag(SotopiaAttributes.CampaignMode, spec.Mode.ToString());
        await store.ImportDatasetAsync(loaded!.Dataset, cancellationToken);
        await grains.GetGrain<IPolicyRegistryGrain>(spec.PolicyName).EnsureBaseAsync(models.PolicyBase).WaitAsync(cancellationToken);
        var campaign = new CampaignRecord
        {
            Id = id,
            Spec = spec,
            CreatedAt = now,
            UpdatedAt = now,
            TraceParent = SotopiaActivities.TraceParentOf(activity) ?? SotopiaActivities.TraceParentOf(requestContext),
        };
        return await grains.GetGrain<ICampaignGrain>(id).CreateAsync(campaign).WaitAsync(cancellationToken);
    }

    /// <summary>The context the campaign's trace continues: for an HTTP request, the caller's (the traceparent
    /// header the console sent) unless ASP.NET Core's request span is recorded (the service defaults export it when
    /// an OTLP endpoint is set: then the campaign is its child), else the current activity's.</summary>
    private static ActivityContext RequestContext(Activity? current)
    {
        if (current is null)
        {
            return default;
        }
        if (current.OperationName == "Microsoft.AspNetCore.Hosting.HttpRequestIn" && !current.Recorded)
        {
            return current.ParentId is { } parent ? SotopiaActivities.ParseTraceParent(parent) : default;
        }
        return current.Context;
    }

    private static string NewId(DateTimeOffset now) =>
        $"c{now:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..4]}";
}
