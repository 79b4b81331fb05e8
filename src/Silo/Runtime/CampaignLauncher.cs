using System.Diagnostics;
using SotopiaPi.Sotopia.Campaigns;
using SotopiaPi.Sotopia.Data;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Policies;
using SotopiaPi.Sotopia.Telemetry;

namespace SotopiaPi.Silo.Runtime;

/// <summary>Creates campaigns: validates the spec, loads and validates its dataset, imports it into the store as a
/// version (or takes the stored version the spec names) and records that version on the campaign,
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
        DataLoadResult? loaded = null;
        IReadOnlyCollection<string>? namedSets = null;
        if (spec.DatasetVersion is { } stored and > 0)
        {
            // A stored version: nothing is read from files or imported.
            var versions = await store.ListDatasetVersionsAsync(cancellationToken);
            if (versions.FirstOrDefault(v => v.Version == stored) is { } found)
            {
                namedSets = found.NamedSets;
            }
            else
            {
                problems.Add($"dataset_version: version {stored} does not exist (stored: {(versions.Count == 0 ? "none" : string.Join(", ", versions.Select(v => v.Version)))})");
            }
        }
        else if (spec.DatasetVersion is null)
        {
            var path = DatasetLocator.Resolve(spec.Dataset);
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
                    namedSets = loaded.Dataset.NamedSets.Keys.ToList();
                }
            }
        }
        if (namedSets is not null)
        {
            var field = spec.DatasetVersion is null ? "the dataset" : $"dataset version {spec.DatasetVersion}";
            if (!spec.SkipEvaluation && !namedSets.Contains(spec.EvaluationSet))
            {
                problems.Add($"evaluation_set: '{spec.EvaluationSet}' is not a named set of {field} (it has: {string.Join(", ", namedSets.Order(StringComparer.Ordinal))})");
            }
            foreach (var set in spec.RoundScenarioSets.Where(s => !namedSets.Contains(s)))
            {
                problems.Add($"round_scenario_sets: '{set}' is not a named set of {field}");
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
        var datasetVersion = loaded is not null
            ? (await store.ImportDatasetAsync(loaded.Dataset, loaded.Source, cancellationToken)).Version
            : spec.DatasetVersion!.Value;
        activity?.SetTag("sotopia.dataset.version", datasetVersion);
        await grains.GetGrain<IPolicyRegistryGrain>(spec.PolicyName).EnsureBaseAsync(models.PolicyBase).WaitAsync(cancellationToken);
        var campaign = new CampaignRecord
        {
            Id = id,
            Spec = spec,
            DatasetVersion = datasetVersion,
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
