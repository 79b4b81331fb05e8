using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SotopiaPi.Silo.Api.Campaigns;
using SotopiaPi.Silo.Api.Dashboard;
using SotopiaPi.Silo.Api.Datasets;
using SotopiaPi.Silo.Api.Episodes;
using SotopiaPi.Silo.Api.Health;
using SotopiaPi.Silo.Api.Policies;
using SotopiaPi.Silo.Api.Silos;
using SotopiaPi.Silo.Dashboard;

namespace SotopiaPi.Silo.Api;

/// <summary>Puts the HTTP API on an application: problem details for errors, the bearer-token check on /api,
/// the route groups, and the probes <c>/healthz</c> (liveness) and <c>/readyz</c> (readiness: store reachable,
/// migrations applied, episode scheduler running).</summary>
public static class SotopiaApiEndpointExtensions
{
    public static WebApplication UseSotopiaApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<ApiTokenMiddleware>();

        app.MapHealthChecks("/healthz", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(SotopiaApiServiceCollectionExtensions.LiveTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(SotopiaApiServiceCollectionExtensions.ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        });

        app.MapCampaignsApi();
        app.MapEpisodesApi();
        app.MapPoliciesApi();
        app.MapDatasetsApi();
        app.MapSilosApi();
        app.MapDashboardApi();
        app.MapDashboard();
        return app;
    }
}
