using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Silo.Api.Dashboard;
using SotopiaPi.Silo.Hosting;
using SotopiaPi.Silo.Runtime;

namespace SotopiaPi.Silo.Api.Campaigns;

/// <summary><c>/api/campaigns</c>: start a campaign from a spec, list campaigns, get one's status (per stage:
/// episode counts and training progress; per round: results; evaluations), cancel, pause and resume.</summary>
internal static partial class CampaignsApi
{
    private const string InvalidSpec = "The campaign spec is not valid.";

    public static IEndpointRouteBuilder MapCampaignsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/campaigns");
        api.MapPost("/", CreateCampaignAsync);
        api.MapGet("/", ListCampaignsAsync);
        api.MapGet("/{id}", GetCampaignAsync);
        api.MapPost("/{id}/cancel", CancelCampaignAsync);
        api.MapPost("/{id}/pause", PauseCampaignAsync);
        api.MapPost("/{id}/resume", ResumeCampaignAsync);
        return app;
    }

    /// <summary>Body: a <see cref="CampaignSpec"/> in snake_case; <c>?id=</c> optionally chooses the campaign id.
    /// 400 lists every problem of the spec and its dataset (nothing is stored then); 409 if the id exists.</summary>
    public static async Task<Results<Created<CampaignStatusResponse>, ValidationProblem, ProblemHttpResult>> CreateCampaignAsync(
        HttpRequest request,
        [FromQuery(Name = "id")] string? campaignId,
        CampaignLauncher launcher,
        ISotopiaStore store,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        if (campaignId is not null && !IdPattern().IsMatch(campaignId))
        {
            return ApiProblems.Invalid(InvalidSpec, "id", "must be 1 to 100 letters, digits, '.', '_' or '-'");
        }
        var (spec, errors) = await ApiJson.ReadAsync<CampaignSpec>(request, cancellationToken);
        if (spec is null)
        {
            return ApiProblems.Invalid(InvalidSpec, errors);
        }
        CampaignRecord created;
        try
        {
            created = await launcher.CreateAsync(spec, campaignId, cancellationToken);
        }
        catch (CampaignSpecException ex)
        {
            return ApiProblems.Invalid(InvalidSpec, ApiProblems.FromFieldMessages(ex.Problems, "spec"));
        }
        catch (CampaignConflictException ex)
        {
            return ApiProblems.Conflict(ex.Message);
        }
        SotopiaApiLog.CampaignCreated(loggers.CreateLogger(typeof(CampaignsApi)), created.Id, spec.Mode, spec.Dataset);
        return TypedResults.Created($"/api/campaigns/{Uri.EscapeDataString(created.Id)}", await StatusAsync(store, created, request.HttpContext.RequestServices, cancellationToken));
    }

    /// <summary>Every campaign, newest first.</summary>
    public static async Task<Ok<CampaignSummaryResponse[]>> ListCampaignsAsync(ISotopiaStore store, CancellationToken cancellationToken)
    {
        var campaigns = await store.ListCampaignsAsync(cancellationToken);
        return TypedResults.Ok(campaigns.Select(CampaignViews.Summary).ToArray());
    }

    public static async Task<Results<Ok<CampaignStatusResponse>, ProblemHttpResult>> GetCampaignAsync(
        string id, ISotopiaStore store, HttpContext http, CancellationToken cancellationToken)
    {
        var campaign = await store.GetCampaignAsync(id, cancellationToken);
        if (campaign is null)
        {
            return ApiProblems.NotFound($"Campaign '{id}' does not exist.");
        }
        return TypedResults.Ok(await StatusAsync(store, campaign, http.RequestServices, cancellationToken));
    }

    /// <summary>Cancels the campaign and every unfinished episode of it (their activations' next writes are refused).
    /// 409 if it already ended.</summary>
    public static Task<Results<Ok<CampaignStatusResponse>, ProblemHttpResult>> CancelCampaignAsync(
        string id, ISotopiaStore store, IGrainFactory grains, ILoggerFactory loggers, HttpContext http, CancellationToken cancellationToken) =>
        ChangeStatusAsync(id, CampaignStatus.Cancelled, store, grains, loggers, http.RequestServices, cancellationToken);

    /// <summary>Stops the campaign from starting episodes and advancing (episodes in flight are played to their end).
    /// Pausing a paused campaign changes nothing; 409 if it already ended.</summary>
    public static Task<Results<Ok<CampaignStatusResponse>, ProblemHttpResult>> PauseCampaignAsync(
        string id, ISotopiaStore store, IGrainFactory grains, ILoggerFactory loggers, HttpContext http, CancellationToken cancellationToken) =>
        ChangeStatusAsync(id, CampaignStatus.Paused, store, grains, loggers, http.RequestServices, cancellationToken);

    /// <summary>Lets a paused campaign go on at once. Resuming a running campaign changes nothing; 409 if it already ended.</summary>
    public static Task<Results<Ok<CampaignStatusResponse>, ProblemHttpResult>> ResumeCampaignAsync(
        string id, ISotopiaStore store, IGrainFactory grains, ILoggerFactory loggers, HttpContext http, CancellationToken cancellationToken) =>
        ChangeStatusAsync(id, CampaignStatus.Running, store, grains, loggers, http.RequestServices, cancellationToken);

    /// <summary>The campaign's grain applies the change (one writer: nothing can revert it) and answers once it is stored.</summary>
    private static async Task<Results<Ok<CampaignStatusResponse>, ProblemHttpResult>> ChangeStatusAsync(
        string id, CampaignStatus target, ISotopiaStore store, IGrainFactory grains, ILoggerFactory loggers, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (await store.GetCampaignAsync(id, cancellationToken) is null)
        {
            return ApiProblems.NotFound($"Campaign '{id}' does not exist.");
        }
        CampaignRecord current;
        try
        {
            current = await grains.GetGrain<ICampaignGrain>(id).SetStatusAsync(target).WaitAsync(cancellationToken);
        }
        catch (CampaignConflictException ex)
        {
            return ex.NotFound ? ApiProblems.NotFound(ex.Message) : ApiProblems.Conflict(ex.Message);
        }
        SotopiaApiLog.CampaignStatusRequested(loggers.CreateLogger(typeof(CampaignsApi)), id, target, Wire(current.Status));
        return TypedResults.Ok(await StatusAsync(store, current, services, cancellationToken));
    }

    /// <summary>The campaign's view with this silo's usage cache and budget gate.</summary>
    private static Task<CampaignStatusResponse> StatusAsync(ISotopiaStore store, CampaignRecord campaign, IServiceProvider services, CancellationToken cancellationToken) =>
        CampaignViews.StatusAsync(store, campaign, services.GetRequiredService<CampaignUsageCache>(), services.BudgetGate(), cancellationToken);

    private static string Wire(CampaignStatus status) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$")]
    private static partial Regex IdPattern();
}
