using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SotopiaPi.Silo.Api.Health;

/// <summary>Writes a health report as <c>{"status": "healthy", "checks": [{"name", "status", "description"}]}</c>.
/// The probes need no token, so when the silo has one the checks (whose descriptions may name the database host or
/// an exception) are written only for a request that carries it; anyone else reads just <c>{"status": …}</c>.</summary>
internal static class HealthResponseWriter
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", Name(report.Status));
        var tokens = context.RequestServices.GetRequiredService<ApiTokenValidator>();
        if (tokens.Enabled && !tokens.IsValid(context.Request.Headers.Authorization))
        {
            json.WriteEndObject();
            await json.FlushAsync(context.RequestAborted);
            return;
        }
        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", Name(entry.Status));
            json.WriteString("description", entry.Description);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    private static string Name(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
