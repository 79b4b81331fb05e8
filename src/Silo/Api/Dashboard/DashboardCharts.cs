using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using SotopiaPi.Grains.Interfaces;
using SotopiaPi.Sotopia.Reports;

namespace SotopiaPi.Silo.Api.Dashboard;

/// <summary><c>GET /api/dashboard/campaigns/{id}/charts/{name}.svg</c>: one of the campaign report's charts
/// (<see cref="ReportCharts.Names"/>) as the SVG image the HTML report embeds, computed from the episodes stored
/// so far. The dashboard shows these images; it draws no chart itself.</summary>
internal static class DashboardCharts
{
    public const string Route = "api/dashboard/campaigns/{id}/charts/{name}.svg";

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> GetChartAsync(
        string id, string name, ISotopiaStore store, CampaignReportCache reports, HttpResponse response, CancellationToken cancellationToken)
    {
        if (!ReportCharts.Names.Contains(name, StringComparer.Ordinal))
        {
            return ApiProblems.NotFound($"There is no chart '{name}.svg' (charts: {string.Join(", ", ReportCharts.Names.Select(n => n + ".svg"))}).");
        }
        var campaign = await store.GetCampaignAsync(id, cancellationToken);
        if (campaign is null)
        {
            return ApiProblems.NotFound($"Campaign '{id}' does not exist.");
        }
        var report = await reports.GetAsync(store, campaign, cancellationToken);
        // Opened on its own, the image may not run or load anything (it has neither script nor link).
        response.Headers.ContentSecurityPolicy = "default-src 'none'";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.CacheControl = "no-cache";
        return TypedResults.Content(ReportCharts.Render(report, name)!, "image/svg+xml; charset=utf-8");
    }
}
