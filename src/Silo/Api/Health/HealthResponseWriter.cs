using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SotopiaPi.Silo.Api.Health;

/// <summary>Writes a health report as <c>{"status": "healthy", "checks": [{"name", "status", "description"}]}</c>.
/// The probes need no token, so when the silo has one, a request without it gets only <c>{"status": …}</c>: the
/// checks' descriptions (store host, exception text) are shown only to callers presenting the token (or to every
/// caller of a token-less silo, which listens on loopback only).</summary>
internal static class HealthResponseWriter
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        var details = context.RequestServices.GetRequiredService<ApiTokenValidator>().IsValid(context.Request.Headers.Authorization.ToString());
        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", Name(report.Status));
        if (!details)
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
